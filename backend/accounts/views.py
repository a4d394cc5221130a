"""Logins (coordinators), the caller's identity, and choosing a password with a token."""

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from drf_standardized_errors.openapi_validation_errors import extend_validation_errors
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.views import TokenObtainPairView

from accounts import services
from accounts.filters import AccountFilter
from accounts.models import User
from accounts.serializers import (
    AccountSerializer,
    MeSerializer,
    SetPasswordSerializer,
    SignOutSerializer,
)
from accounts.sign_in_failures import FailedSignIns
from api.openapi import ErrorResponse401Serializer
from api.permissions import IsAuthenticated, IsCoordinator
from api.schema import crud_schema
from api.viewsets import ID_PATTERN
from common.roles import role_of

PASSWORD_CODES = [
    "password_too_common",
    "password_too_similar",
    "password_entirely_numeric",
    "password_too_short",
]


@crud_schema("login", "logins")
@extend_validation_errors(PASSWORD_CODES, field_name="password", methods=["post", "put", "patch"])
@extend_validation_errors(["read_only"], field_name="password", methods=["put", "patch"])
@extend_validation_errors(["unique"], field_name="username", methods=["post", "put", "patch"])
@extend_validation_errors(
    ["required_for_role", "not_for_role", "unique"],
    field_name="provider",
    methods=["post", "put", "patch"],
)
@extend_validation_errors(
    ["required_for_role", "not_for_role", "unique"],
    field_name="trainer",
    methods=["post", "put", "patch"],
)
@extend_validation_errors(
    ["required_for_role", "not_for_role", "wrong_kind"],
    field_name="partner_centre",
    methods=["post", "put", "patch"],
)
class AccountViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Logins, managed by coordinators: role, and the provider, trainer or partner centre
    each belongs to. Logins are deactivated, never deleted."""

    serializer_class = AccountSerializer
    permission_classes = [IsCoordinator]
    lookup_value_regex = ID_PATTERN
    search_fields = ["username", "email", "first_name", "last_name"]
    ordering_fields = ["username", "date_joined", "last_login"]
    filterset_class = AccountFilter
    schema_tags = ["accounts"]

    def get_queryset(self) -> QuerySet[User]:
        return User.objects.select_related("provider", "trainer", "partner_centre").order_by("id")

    @extend_schema(
        summary="Deactivate a login",
        description="The login can no longer sign in; its tokens stop working, and stay "
        "revoked if it is made active again.",
        request=None,
        responses=AccountSerializer,
    )
    @action(detail=True, methods=["post"])
    def deactivate(self, request: Request, pk: str | None = None) -> Response:
        user = services.account_deactivate(user=self.get_object())
        return Response(AccountSerializer(user).data)


class MeView(APIView):
    """Who am I: the caller's login, role and what it belongs to."""

    permission_classes = [IsAuthenticated]
    schema_tags = ["accounts"]

    @extend_schema(summary="Who am I", responses=MeSerializer)
    def get(self, request: Request) -> Response:
        user = request.user

        def link(obj: Any) -> dict[str, Any] | None:
            return None if obj is None else {"id": obj.pk, "name": str(obj)}

        return Response(
            {
                "id": user.pk,
                "username": user.get_username(),
                "role": role_of(user),
                "is_superuser": user.is_superuser,
                "provider": link(getattr(user, "provider", None)),
                "trainer": link(getattr(user, "trainer", None)),
                "partner_centre": link(getattr(user, "partner_centre", None)),
            }
        )


@extend_validation_errors(PASSWORD_CODES, field_name="password", methods=["post"])
@extend_validation_errors(["invalid_token"], field_name="token", methods=["post"])
class SetPasswordView(APIView):
    """Choose a password with the one-time token given when the login was created."""

    permission_classes = [AllowAny]
    authentication_classes: list[type] = []
    schema_tags = ["accounts"]

    @extend_schema(
        summary="Set a password with a token",
        request=SetPasswordSerializer,
        responses={204: None},
    )
    def post(self, request: Request) -> Response:
        serializer = SetPasswordSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.account_set_password(
            token=serializer.validated_data["token"], password=serializer.validated_data["password"]
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class SignInView(TokenObtainPairView):
    """Sign in with a username and password; repeated failures from one address for one
    username are refused for a while (see accounts.sign_in_failures)."""

    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        username = request.data.get("username") if isinstance(request.data, dict) else None
        guard = FailedSignIns(request, username if isinstance(username, str) else "")
        guard.check()  # counts this attempt: a failure stays counted
        response = super().post(request, *args, **kwargs)
        guard.succeeded()
        return response


class SignOutView(APIView):
    """Sign out: the refresh token given is refused from now on. The access token made with
    it still works until it expires (`JWT_ACCESS_MINUTES`); a password change, or a
    deactivation, ends every token of the login at once."""

    permission_classes = [AllowAny]
    authentication_classes: list[type] = []
    schema_tags = ["accounts"]

    @extend_schema(
        summary="Sign out",
        request=SignOutSerializer,
        responses={204: None, 401: ErrorResponse401Serializer},
    )
    def post(self, request: Request) -> Response:
        serializer = SignOutSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.sign_out(refresh=serializer.validated_data["refresh"])
        return Response(status=status.HTTP_204_NO_CONTENT)

    def get_authenticate_header(self, request: Request) -> str:
        """A refused refresh token is a 401, as at `auth/token/refresh/`."""
        return 'Bearer realm="api"'
