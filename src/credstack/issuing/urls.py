"""The issuing app's public URLs: include with ``path("", include("credstack.issuing.urls"))``.

``/status/<id>`` serves status list credentials; ``/definitions/<id>/v<n>`` an
Achievement's id (JSON-LD, or the catalogue page for a browser); ``/credentials/issue`` and
``/credentials/status`` are the W3C VC-API issuer endpoints (also under ``/api/v1/``,
where the OpenAPI schema documents them). ``/orgs/<slug>/awards/...`` and
``/orgs/<slug>/definitions/<id>/award/`` are the issuer's award pages (``award_views``).
``/c/<award id>/`` is an award's public page and ``/c/<award id>/<kind>`` its downloads
(``public_views``).

``/orgs/`` (the user's organisations), ``/orgs/<slug>/`` (an organisation's dashboard)
and ``/orgs/<slug>/definitions/...`` are the definition pages (``definition_views``);
``/media/<sha256>.<png|svg>`` serves definition images.
"""

from __future__ import annotations

from django.urls import path, re_path

from credstack.issuing import award_views, public_views
from credstack.issuing import definition_views as definitions
from credstack.issuing.vc_api import vc_api
from credstack.issuing.views import achievement_document, status_list_credential

app_name = "issuing"

urlpatterns = [
    path("status/<str:public_id>", status_list_credential, name="status-list"),
    path(
        "definitions/<str:public_id>/v<int:number>",
        achievement_document,
        name="achievement",
    ),
    path("c/<str:public_id>/", public_views.award_page, name="award-page"),
    path("c/<str:public_id>/<str:kind>", public_views.award_download, name="award-download"),
    path("orgs/<slug:slug>/awards/", award_views.awards_page, name="awards"),
    path("orgs/<slug:slug>/awards/<str:award_id>/", award_views.award_page, name="award"),
    path(
        "orgs/<slug:slug>/awards/<str:award_id>/revoke/",
        award_views.award_status_page,
        {"change": "revoke"},
        name="award-revoke",
    ),
    path(
        "orgs/<slug:slug>/awards/<str:award_id>/suspend/",
        award_views.award_status_page,
        {"change": "suspend"},
        name="award-suspend",
    ),
    path(
        "orgs/<slug:slug>/awards/<str:award_id>/reinstate/",
        award_views.award_status_page,
        {"change": "reinstate"},
        name="award-reinstate",
    ),
    path(
        "orgs/<slug:slug>/awards/<str:award_id>/claim-link/",
        award_views.award_claim_resend_action,
        name="award-claim-resend",
    ),
    path(
        "orgs/<slug:slug>/awards/<str:award_id>/recipient-email/",
        award_views.award_recipient_email_page,
        name="award-recipient-email",
    ),
    path(
        "orgs/<slug:slug>/definitions/<str:definition_id>/award/",
        award_views.award_new_page,
        name="award-new",
    ),
    path("orgs/", definitions.organisations_page, name="organisations"),
    path("orgs/<slug:slug>/", definitions.organisation_page, name="organisation"),
    path("orgs/<slug:slug>/definitions/", definitions.definitions_page, name="definitions"),
    path(
        "orgs/<slug:slug>/definitions/new/",
        definitions.definition_new_page,
        name="definition-new",
    ),
    path(
        "orgs/<slug:slug>/definitions/<str:definition_id>/",
        definitions.definition_page,
        name="definition",
    ),
    path(
        "orgs/<slug:slug>/definitions/<str:definition_id>/versions/<int:number>/",
        definitions.definition_page,
        name="definition-version",
    ),
    path(
        "orgs/<slug:slug>/definitions/<str:definition_id>/edit/",
        definitions.definition_edit_page,
        name="definition-edit",
    ),
    re_path(
        r"^orgs/(?P<slug>[-a-zA-Z0-9_]+)/definitions/(?P<definition_id>[^/]+)/"
        r"(?P<action>submit|approve|publish|retire)/$",
        definitions.definition_action,
        name="definition-action",
    ),
    re_path(
        r"^media/(?P<sha256>[0-9a-f]{64})\.(?P<extension>png|svg)$",
        definitions.definition_image,
        name="image",
    ),
    path("", vc_api.urls),
]
