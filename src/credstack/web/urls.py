"""The site's own pages: include with ``path("", include("credstack.web.urls"))``.

``/`` is the home page; ``/catalogue/`` the public catalogue of published
micro-credentials and ``/catalogue/<def_id>/`` one of them.
"""

from __future__ import annotations

from django.urls import path

from credstack.web import views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("catalogue/", views.catalogue_page, name="catalogue"),
    path("catalogue/<str:public_id>/", views.catalogue_definition_page, name="catalogue-entry"),
]
