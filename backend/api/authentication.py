"""Sign-in by bearer token: a signed token (JWT) first, then a partner client's token.

Most requests carry a JWT. Tried first, it is checked without a query for the token
(one for its user); a bearer token of another shape (a partner client's OAuth2 token)
is left to the next class. A bearer token that no class accepts (unknown, expired,
revoked) is a 401, never an anonymous request.
"""

from typing import Any

from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication
from rest_framework.request import Request
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import InvalidToken

JWT_PARTS = 3


class SignedTokenAuthentication(JWTAuthentication):
    """A JWT (three dot-separated parts); any other bearer token is not this class's."""

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        header = self.get_header(request)
        if header is None:
            return None
        raw = self.get_raw_token(header)
        if raw is None or raw.count(b".") != JWT_PARTS - 1:
            return None
        return super().authenticate(request)


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
