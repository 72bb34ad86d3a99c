"""The bulk-award pages: include with ``path("", include("credstack.bulk.urls"))``."""

from __future__ import annotations

from django.urls import path

from credstack.bulk import views

app_name = "bulk"

urlpatterns = [
    path("orgs/<slug:slug>/bulk/", views.jobs_page, name="list"),
    path("orgs/<slug:slug>/bulk/new/", views.new_job_page, name="new"),
    path("orgs/<slug:slug>/bulk/template.csv", views.template_download, name="template"),
    path("orgs/<slug:slug>/bulk/<str:job_id>/", views.job_page, name="job"),
    path("orgs/<slug:slug>/bulk/<str:job_id>/progress", views.job_progress_json, name="progress"),
    path("orgs/<slug:slug>/bulk/<str:job_id>/start/", views.start_action, name="start"),
    path("orgs/<slug:slug>/bulk/<str:job_id>/cancel/", views.cancel_action, name="cancel"),
    path("orgs/<slug:slug>/bulk/<str:job_id>/report.csv", views.report_download, name="report"),
]
