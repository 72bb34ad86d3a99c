"""The issuing app's background tasks (huey)."""

from __future__ import annotations

from huey.contrib.djhuey import db_task


@db_task()
def render_award_certificate_task(award_public_id: str) -> None:
    """Enqueued by ``sharing.request_certificate``: render and store one PDF certificate."""
    from credstack.issuing.certificates import render_and_store_certificate

    render_and_store_certificate(award_public_id)
