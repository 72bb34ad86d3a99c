"""Bulk awarding from a CSV file: validate and preview, then issue in a resumable job."""
