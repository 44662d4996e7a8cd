"""Root URLs: the pages of each app, the admin, and the API under /api/v1/."""

from django.contrib import admin
from django.urls import include, path

from claimsbase import views

urlpatterns = [
    path("", views.home, name="home"),
    path("claims/", include("claims.urls")),
    path("sources/", include("sources.urls")),
    path("admin/", admin.site.urls),
]
