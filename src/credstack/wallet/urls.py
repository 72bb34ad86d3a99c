"""The wallet's URLs: include with ``path("", include("credstack.wallet.urls"))``.

``/wallet/...`` are the signed-in learner's pages; ``/u/<slug>/`` the public profile.
"""

from __future__ import annotations

from django.urls import path

from credstack.wallet import views

app_name = "wallet"

urlpatterns = [
    path("wallet/", views.wallet_list, name="list"),
    path("wallet/import/", views.import_page, name="import"),
    path("wallet/c/<str:public_id>/", views.detail_page, name="detail"),
    path("wallet/c/<str:public_id>/visibility/", views.visibility_action, name="visibility"),
    path("wallet/c/<str:public_id>/delete/", views.delete_action, name="delete"),
    path("wallet/c/<str:public_id>/original/", views.original_download, name="original"),
    path("wallet/collections/", views.collections_page, name="collections"),
    path("wallet/collections/<str:public_id>/", views.collection_page, name="collection"),
    path("wallet/profile/", views.profile_page, name="profile"),
    path("wallet/export.zip", views.export_download, name="export"),
    path("wallet/export.clr.json", views.export_clr_download, name="export-clr"),
    path("wallet/delete-account/", views.delete_account_page, name="delete-account"),
    path("u/<slug:slug>/", views.public_profile_page, name="public-profile"),
    path("u/<slug:slug>/<str:public_id>/", views.public_credential_page, name="public-credential"),
]
