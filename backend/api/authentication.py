"""Sign-in by bearer token: a signed token (JWT) first, then a partner client's token.

Most requests carry a JWT. Tried first, it is checked without a query for the token;
a bearer token of another shape (a partner client's OAuth2 token) is left to the next
class. A bearer token that no class accepts (unknown, expired, revoked) is a 401, never
an anonymous request.

A JWT's login is read from the database (one query), or cached in the process
(`LOGINS`, see common.caching): under the login's version in the shared cache
(`LOGIN_VERSIONS`), which every save or removal of the login bumps, as soon as it is
made and again when it commits; and for `LOGIN_CACHE_SECONDS` at most, for writes that
send no signal (a bulk update in a shell). A deactivated login or a changed role is thus
refused or applied from the next request on, whichever process serves it. Cached only
when the cache is shared by every process (`REDIS_URL`). See docs/performance.md.

Every token carries the login's token generation (`gen`; none: 0), which goes up when
its password changes or it is deactivated: a token of an older generation is refused,
from the next request on, as the login itself is read again then.
"""

import copy
import time
from typing import Any

from django.conf import settings
from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication
from rest_framework.request import Request
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import InvalidToken, TokenError
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.tokens import Token
from rest_framework_simplejwt.utils import aware_utcnow

from common import caching

JWT_PARTS = 3
# The claim holding the login's token generation when the token was made.
GENERATION_CLAIM = "gen"
# Signed tokens whose signature this process checked, by their text.
CHECKED_TOKENS = caching.ObjectCache("checked-signed-token", max_entries=10_000)
# Logins read for a signed token, by id: (the login's version, when it was read, login).
LOGINS = caching.ObjectCache("login", max_entries=10_000)
LOGIN_VERSIONS = caching.Versions("login-version")


def forget_login(user_id: Any) -> None:
    """A login was saved or removed: no process serves the login it cached any more.

    Called by the app that owns the logins (`accounts.receivers`) after each save or
    removal of one."""
    if settings.LOGIN_CACHE_SECONDS:
        LOGIN_VERSIONS.bump([user_id])


class SignedTokenAuthentication(JWTAuthentication):
    """A JWT (three dot-separated parts); any other bearer token is not this class's."""

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        header = self.get_header(request)
        if header is None:
            return None
        raw = self.get_raw_token(header)
        if raw is None or raw.count(b".") != JWT_PARTS - 1:
            return None
        validated = self.get_validated_token(raw)
        user = self.get_user(validated)
        if validated.get(GENERATION_CLAIM, 0) != getattr(user, "token_generation", 0):
            raise InvalidToken("Token has been revoked")
        return user, validated

    def get_validated_token(self, raw_token: bytes) -> Token:
        """The token, its signature checked once per process; its expiry at every request."""
        checked: Token | None = CHECKED_TOKENS.get(raw_token)
        if checked is None:
            checked = super().get_validated_token(raw_token)
            CHECKED_TOKENS.set(raw_token, checked)
        else:
            try:
                checked.check_exp(current_time=aware_utcnow())
            except TokenError as exc:  # expired since it was first checked
                CHECKED_TOKENS.delete(raw_token)
                raise InvalidToken(exc.args[0]) from exc
        return checked

    def get_user(self, validated_token: Token) -> Any:
        seconds = settings.LOGIN_CACHE_SECONDS
        if not seconds:
            return super().get_user(validated_token)
        try:
            user_id = validated_token[api_settings.USER_ID_CLAIM]
        except KeyError:
            return super().get_user(validated_token)  # refused as usual
        # The version first, then the login: read under a version that its writes bump.
        [version] = LOGIN_VERSIONS.current([user_id])
        cached = LOGINS.get(user_id)
        now = time.monotonic()
        if cached is None or cached[0] != version or now - cached[1] > seconds:
            user = super().get_user(validated_token)  # refuses an unknown or inactive login
            LOGINS.set(user_id, (version, now, user))
        else:
            user = cached[2]  # active: an inactive login is refused, never cached
        # Each request its own copy: what one request caches or changes on it stays there.
        return copy.copy(user)


class RefuseUnknownBearer(BaseAuthentication):
    """Last in line: a bearer token that no class before accepted is refused."""

    def authenticate(self, request: Request) -> None:
        bearer = JWTAuthentication()
        header = bearer.get_header(request)
        if header is not None and bearer.get_raw_token(header) is not None:
            raise InvalidToken("Given token not valid for any token type")
        return None

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'


class SignedTokenScheme(SimpleJWTScheme):
    """The same `jwtAuth` security scheme as simplejwt's own class."""

    target_class = "api.authentication.SignedTokenAuthentication"


class RefuseUnknownBearerScheme(OpenApiAuthenticationExtension):
    """Adds no scheme: it only refuses tokens the documented schemes did not accept."""

    target_class = "api.authentication.RefuseUnknownBearer"
    name: list[str] = []

    def get_security_definition(self, auto_schema: Any) -> list[Any]:
        return []

    def get_security_requirement(self, auto_schema: Any) -> list[dict[str, list[Any]]]:
        return []
