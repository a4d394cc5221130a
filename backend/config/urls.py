"""Every app's API mounted under /api/v1/, the schema and its docs, the admin, health."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from oauth2_provider import views as oauth2_views

from api.docs import RedocView, SwaggerView
from api.views import HealthView

api_v1 = [
    path("", include("accounts.urls")),
    path("", include("catalogue.urls")),
    path("", include("progress.urls")),
    path("", include("people.urls")),
    path("", include("training.urls")),
    path("", include("integrations.urls")),
    path("", include("reports.urls")),
    path("", include("privacy.urls")),
    path("", include("audit.urls")),
]

urlpatterns = [
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SwaggerView.as_view(url_name="schema"), name="docs"),
    path("api/redoc/", RedocView.as_view(url_name="schema"), name="redoc"),
    path("health/", HealthView.as_view(), name="health"),
    path("o/token/", oauth2_views.TokenView.as_view(), name="oauth2-token"),
    path("o/revoke_token/", oauth2_views.RevokeTokenView.as_view(), name="oauth2-revoke"),
    path("admin/", admin.site.urls),
]

handler404 = "api.views.not_found"
handler500 = "api.views.server_error"
