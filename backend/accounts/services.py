"""Writes to logins: creation by a coordinator, one-time set-password tokens, deactivation;
signed tokens: refreshed (rotated), signed out of, and sign-ins recorded."""

from typing import Any

from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.utils import timezone
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from rest_framework.exceptions import AuthenticationFailed, ErrorDetail, ValidationError
from rest_framework_simplejwt.exceptions import InvalidToken, TokenError
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken
from rest_framework_simplejwt.utils import datetime_from_epoch

from accounts.models import User
from api.authentication import GENERATION_CLAIM

NO_ACTIVE_ACCOUNT = "No active account found for the given token."


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
    user.set_password(password)  # the save revokes every token of the login (User.save)
    user.save(update_fields=["password"])
    return user


def sign_in_record(*, user: User) -> None:
    """Record a sign-in (`last_login`, which `purge_inactive` reads): one UPDATE, which
    sends no signal, so the login kept by each process is still served."""
    User.objects.filter(pk=user.pk).update(last_login=timezone.now())


def login_tokens(*, user: User) -> RefreshToken:
    """A refresh token (listed as outstanding) for a login that just signed in, carrying its
    token generation; its access token carries it too."""
    token = RefreshToken.for_user(user)
    token[GENERATION_CLAIM] = user.token_generation
    return token


def _refresh_token(raw: str) -> RefreshToken:
    try:
        # Signature, expiry, and not on the deny-list. (simplejwt types its first argument
        # as a Token; it is the token's text.)
        return RefreshToken(raw)  # type: ignore[arg-type]
    except TokenError as exc:
        raise InvalidToken(exc.args[0]) from exc


def _outstanding(token: RefreshToken, *, user: User | None) -> OutstandingToken:
    """The row listing a refresh token (made at sign-in), made here if missing."""
    row, _ = OutstandingToken.objects.get_or_create(
        jti=token[api_settings.JTI_CLAIM],
        defaults={
            "user": user,
            "token": str(token),
            "created_at": token.current_time,
            "expires_at": datetime_from_epoch(token["exp"]),
        },
    )
    return row


def _deny(token: RefreshToken, *, user: User | None = None) -> None:
    """Put a refresh token on the deny-list; refused if it already was (a second use, even
    at the same moment: the list's unique constraint decides)."""
    _, added = BlacklistedToken.objects.get_or_create(token=_outstanding(token, user=user))
    if not added:
        raise InvalidToken("Token is blacklisted")


@transaction.atomic
def tokens_refresh(*, refresh: str) -> dict[str, str]:
    """A new access token and a new refresh token; the refresh token given is refused from
    now on. Refused for a login gone, inactive, or whose tokens were revoked since."""
    token = _refresh_token(refresh)
    user = User.objects.filter(pk=token.get(api_settings.USER_ID_CLAIM)).first()
    if user is None or not user.is_active:
        raise AuthenticationFailed(NO_ACTIVE_ACCOUNT, "no_active_account")
    if token.get(GENERATION_CLAIM, 0) != user.token_generation:
        raise InvalidToken("Token has been revoked")
    _deny(token, user=user)
    token.set_jti()
    token.set_exp()
    token.set_iat()
    OutstandingToken.objects.create(
        user=user,
        jti=token[api_settings.JTI_CLAIM],
        token=str(token),
        created_at=token.current_time,
        expires_at=datetime_from_epoch(token["exp"]),
    )
    sign_in_record(user=user)
    return {"access": str(token.access_token), "refresh": str(token)}


@transaction.atomic
def sign_out(*, refresh: str) -> None:
    """Sign out: the refresh token is refused from now on (its access token expires within
    `ACCESS_TOKEN_LIFETIME`)."""
    _deny(_refresh_token(refresh))
