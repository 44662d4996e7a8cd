"""Root URLs: the pages of each app, the admin, and the API under /api/v1/."""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from claimsbase import api, views, viewsets
from claimsbase.content_policy import API_DOCS_IMAGES

tokens = SimpleRouter()
tokens.register("tokens", viewsets.TokenViewSet, basename="token")

urlpatterns = [
    path("", views.home, name="home"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("claims/", include("claims.urls")),
    path("sources/", include("sources.urls")),
    path("sign-in/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("api/v1/", viewsets.ApiRootView.as_view(), name="api_root"),
    path("api/v1/", include("claims.api.urls")),
    path("api/v1/", include("sources.api.urls")),
    path("api/v1/", include((tokens.urls, "tokens-api"))),
    path("api/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    # Swagger UI with its start-up script served as a file (?script), not inline,
    # and its stylesheet from static/: nothing the Content-Security-Policy refuses.
    path(
        "api/docs/",
        API_DOCS_IMAGES(
            SpectacularSwaggerSplitView.as_view(
                url_name="api_schema", template_name="api/docs.html"
            )
        ),
        name="api_docs",
    ),
    re_path(r"^api/", api.api_not_found),
]

if settings.BENCH_BARE_VIEW:
    urlpatterns.insert(0, path("bench/bare/", views.bench_bare, name="bench_bare"))
