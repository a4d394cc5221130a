"""Representations of logins and of the caller."""

from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers
from rest_framework_simplejwt.serializers import TokenObtainPairSerializer

from accounts import services
from accounts.models import User
from accounts.usernames import normalize
from api.fields import StrictCharField
from api.serializers import StrictModelSerializer
from common.roles import Role
from people.models import OrganisationKind

LINK_FOR_ROLE = {Role.PROVIDER: "provider", Role.TRAINER: "trainer", Role.PARTNER: "partner_centre"}


class AccountSerializer(StrictModelSerializer):
    """A login: its role and the provider, trainer or partner centre it belongs to.

    Without a password, the response carries a one-time `set_password_token`
    (shown once) for `auth/set-password/`. A password is given at creation only: an update
    naming one is refused. The username is stored normalised (NFKC, case-folded), and one
    that looks like another login's is refused (`unique`).
    """

    password = StrictCharField(
        write_only=True,
        required=False,
        min_length=8,
        max_length=128,
        help_text="At creation only. Leave out to get a one-time set-password token instead.",
    )
    set_password_token = serializers.SerializerMethodField(
        help_text="Shown once, at creation, when no password was given."
    )

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "password",
            "email",
            "first_name",
            "last_name",
            "role",
            "provider",
            "trainer",
            "partner_centre",
            "is_active",
            "last_login",
            "date_joined",
            "set_password_token",
        ]
        read_only_fields = ["is_active", "last_login", "date_joined"]
        extra_kwargs = {
            "email": {"required": False},
            "first_name": {"required": False},
            "last_name": {"required": False},
        }

    def get_set_password_token(self, user: User) -> str | None:
        return getattr(user, "_set_password_token", None)

    def validate_username(self, value: str) -> str:
        value = normalize(value)
        if len(value) > User._meta.get_field("username").max_length:  # type: ignore[operator]
            raise serializers.ValidationError(
                "Ensure this field has no more than 150 characters.", code="max_length"
            )
        other_than = None if self.instance is None else self.instance.pk
        if User.objects.lookalike_exists(value, other_than=other_than):
            raise serializers.ValidationError("This username is taken.", code="unique")
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if self.instance is not None and "password" in attrs:
            raise serializers.ValidationError(
                {
                    "password": serializers.ErrorDetail(
                        "A password is set only with auth/set-password/.", "read_only"
                    )
                }
            )
        role = attrs.get("role", getattr(self.instance, "role", Role.PROVIDER))
        links = {
            name: attrs.get(name, getattr(self.instance, name, None))
            for name in ("provider", "trainer", "partner_centre")
        }
        wanted = LINK_FOR_ROLE.get(role)
        errors: dict[str, Any] = {}
        for name, value in links.items():
            if name == wanted and value is None:
                errors[name] = serializers.ErrorDetail(
                    f"A {role} login must name its {name.replace('_', ' ')}.", "required_for_role"
                )
            elif name != wanted and value is not None:
                errors[name] = serializers.ErrorDetail(
                    f"A {role} login cannot belong to a {name.replace('_', ' ')}.", "not_for_role"
                )
        centre = links["partner_centre"]
        if centre is not None and centre.kind != OrganisationKind.PARTNER_CENTRE:
            errors["partner_centre"] = serializers.ErrorDetail(
                "This organisation is not a partner centre.", "wrong_kind"
            )
        for name in ("provider", "trainer"):
            value = links[name]
            taken = User.objects.filter(**{name: value}) if value is not None else None
            if taken is not None and self.instance is not None:
                taken = taken.exclude(pk=self.instance.pk)
            if taken is not None and taken.exists():
                errors[name] = serializers.ErrorDetail("This person already has a login.", "unique")
        if errors:
            raise serializers.ValidationError(errors)
        password = attrs.get("password")
        if password:
            try:
                validate_password(password, User(username=attrs.get("username", "")))
            except DjangoValidationError as exc:
                raise serializers.ValidationError(
                    {"password": serializers.as_serializer_error(exc)["non_field_errors"]}
                ) from exc
        return attrs

    def create(self, validated_data: dict[str, Any]) -> User:
        """Through the service, which hashes the password or gives a set-password token."""
        user, token = services.account_create(data=dict(validated_data))
        user._set_password_token = token  # type: ignore[attr-defined]
        return user

    def update(self, instance: User, validated_data: dict[str, Any]) -> User:
        """Never the password (refused above; set through the password service only)."""
        validated_data.pop("password", None)
        return super().update(instance, validated_data)


class SetPasswordSerializer(serializers.Serializer[Any]):
    """A one-time token and the new password."""

    token = StrictCharField(max_length=300)
    password = StrictCharField(min_length=8, max_length=128, write_only=True)

    def validate_password(self, value: str) -> str:
        validate_password(value)
        return value


class LinkSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()


class MeSerializer(serializers.Serializer[Any]):
    """Who the caller is, their role and what their login belongs to."""

    id = serializers.IntegerField()
    username = serializers.CharField()
    role = serializers.ChoiceField(choices=Role.choices)
    is_superuser = serializers.BooleanField()
    provider = LinkSerializer(allow_null=True)
    trainer = LinkSerializer(allow_null=True)
    partner_centre = LinkSerializer(allow_null=True)


class TokenObtainSerializer(TokenObtainPairSerializer):
    """Sign in with a username (in any form: it is normalised) and a password, typed as the
    schema says; the sign-in is recorded."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields[self.username_field] = StrictCharField(max_length=150)
        self.fields["password"] = StrictCharField(
            max_length=128, write_only=True, trim_whitespace=False
        )

    @classmethod
    def get_token(cls, user: Any) -> Any:
        return services.login_tokens(user=user)

    def validate(self, attrs: dict[str, Any]) -> dict[str, str]:
        data = super().validate(attrs)
        if self.user is not None:  # always, once validated
            services.sign_in_record(user=self.user)
        return data


class TokenRefreshSerializer(serializers.Serializer[Any]):
    """A refresh token, exchanged for a new access token and a new refresh token."""

    default_error_messages = {"no_active_account": services.NO_ACTIVE_ACCOUNT}

    refresh = StrictCharField(max_length=2000, write_only=True)

    def validate(self, attrs: dict[str, Any]) -> dict[str, str]:
        return services.tokens_refresh(refresh=attrs["refresh"])


class SignOutSerializer(serializers.Serializer[Any]):
    """The refresh token to sign out of."""

    refresh = StrictCharField(max_length=2000, write_only=True)
