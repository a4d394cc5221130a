from django.urls import path
from drf_spectacular.utils import extend_schema, extend_schema_view, inline_serializer
from rest_framework import serializers
from rest_framework.routers import DefaultRouter
from rest_framework_simplejwt.views import TokenRefreshView

from accounts import views
from api.openapi import ErrorResponse401Serializer

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("accounts", views.AccountViewSet, basename="account")

TOKEN_PAIR = inline_serializer(
    "TokenPair", {"access": serializers.CharField(), "refresh": serializers.CharField()}
)
# Named as when a refresh gave an access token only (the schema only grows within /api/v1/).
REFRESHED = inline_serializer(
    "AccessToken", {"access": serializers.CharField(), "refresh": serializers.CharField()}
)

TokenView = extend_schema_view(
    post=extend_schema(
        summary="Sign in",
        description="Exchange a username and password for a short-lived access token and a "
        "refresh token. Send the access token as `Authorization: Bearer <token>`.",
        tags=["accounts"],
        responses={200: TOKEN_PAIR, 401: ErrorResponse401Serializer},
    )
)(views.SignInView)
RefreshView = extend_schema_view(
    post=extend_schema(
        summary="Refresh an access token",
        description="Exchange a refresh token for a new access token and a new refresh token. "
        "The refresh token given is refused from then on: keep the new one.",
        tags=["accounts"],
        responses={200: REFRESHED, 401: ErrorResponse401Serializer},
    )
)(TokenRefreshView)

urlpatterns = [
    *router.urls,
    path("auth/token/", TokenView.as_view(), name="token"),
    path("auth/token/refresh/", RefreshView.as_view(), name="token-refresh"),
    path("auth/logout/", views.SignOutView.as_view(), name="logout"),
    path("auth/set-password/", views.SetPasswordView.as_view(), name="set-password"),
    path("me/", views.MeView.as_view(), name="me"),
]
