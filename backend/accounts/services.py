"""Writes to logins: creation by a coordinator, one-time set-password tokens, deactivation."""

from typing import Any

from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from rest_framework.exceptions import ErrorDetail, ValidationError

from accounts.models import User


def set_password_token(user: User) -> str:
    """A one-time token to choose a password: `<uid>.<token>`, void once the password is set."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return f"{uid}.{default_token_generator.make_token(user)}"


@transaction.atomic
def account_create(*, data: dict[str, Any]) -> tuple[User, str | None]:
    """Create a login; without a password, return a one-time set-password token."""
    password = data.pop("password", None)
    user = User(**data)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    return user, None if password else set_password_token(user)


@transaction.atomic
def account_deactivate(*, user: User) -> User:
    """Deactivate a login: it can no longer sign in or use its tokens."""
    user.is_active = False
    user.save(update_fields=["is_active"])
    return user


@transaction.atomic
def account_set_password(*, token: str, password: str) -> User:
    """Set a password with a one-time token given at the creation of the login."""
    uid, _, secret = token.partition(".")
    try:
        user = User.objects.get(pk=int(force_str(urlsafe_base64_decode(uid))))
    except (ValueError, TypeError, OverflowError, User.DoesNotExist):
        user = None
    if user is None or not user.is_active or not default_token_generator.check_token(user, secret):
        raise ValidationError(
            {"token": [ErrorDetail("This token is invalid or has been used.", "invalid_token")]}
        )
    user.set_password(password)
    user.save(update_fields=["password"])
    return user
