"""Representations of logins and of the caller."""

from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers
from rest_framework_simplejwt.serializers import TokenObtainPairSerializer

from accounts.models import Role, User
from api.fields import StrictCharField
from api.serializers import StrictModelSerializer
from people.models import OrganisationKind

LINK_FOR_ROLE = {Role.PROVIDER: "provider", Role.TRAINER: "trainer", Role.PARTNER: "partner_centre"}


class AccountSerializer(StrictModelSerializer):
    """A login: its role and the provider, trainer or partner centre it belongs to.

    Without a password, the response carries a one-time `set_password_token`
    (shown once) for `auth/set-password/`.
    """

    password = StrictCharField(
        write_only=True,
        required=False,
        min_length=8,
        max_length=128,
        help_text="Leave out to get a one-time set-password token instead.",
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
        others = User.objects.filter(username__iexact=value)
        if self.instance is not None:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise serializers.ValidationError("This username is taken.", code="unique")
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
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
    """Sign in with a username and a password, typed as the schema says."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields[self.username_field] = StrictCharField(max_length=150)
        self.fields["password"] = StrictCharField(
            max_length=128, write_only=True, trim_whitespace=False
        )
