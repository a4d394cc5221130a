from django.urls import path
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.routers import DefaultRouter
from rest_framework_simplejwt.views import TokenObtainPairView, TokenRefreshView

from accounts import views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("accounts", views.AccountViewSet, basename="account")

TokenView = extend_schema_view(
    post=extend_schema(
        summary="Sign in",
        description="Exchange a username and password for a short-lived access token and a "
        "refresh token. Send the access token as `Authorization: Bearer <token>`.",
        tags=["accounts"],
    )
)(TokenObtainPairView)
RefreshView = extend_schema_view(
    post=extend_schema(
        summary="Refresh an access token",
        description="Exchange a refresh token for a new access token.",
        tags=["accounts"],
    )
)(TokenRefreshView)

urlpatterns = [
    *router.urls,
    path("auth/token/", TokenView.as_view(), name="token"),
    path("auth/token/refresh/", RefreshView.as_view(), name="token-refresh"),
    path("auth/set-password/", views.SetPasswordView.as_view(), name="set-password"),
    path("me/", views.MeView.as_view(), name="me"),
]
