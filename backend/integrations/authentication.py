"""Bearer tokens of partner clients (OAuth2 client-credentials)."""

import hashlib
from typing import Any

from oauth2_provider.contrib.rest_framework import OAuth2Authentication
from oauth2_provider.models import AccessToken
from oauth2_provider.oauth2_validators import OAuth2Validator
from rest_framework.request import Request


class PartnerClientAuthentication(OAuth2Authentication):
    """An OAuth2 access token; a client-credentials token acts as its client's login.

    Client-credentials tokens carry no user; Parcours gives each partner client a
    technical login (role partner, linked to its centre), so the token acts as it.
    """

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        result = super().authenticate(request)
        if result is None:
            return None
        user, token = result
        if user is None:
            # The client's login, with its centre, read with the token (PartnerTokenValidator).
            user = token.application.user
        if user is None or not user.is_active:
            return None
        return user, token


class PartnerTokenValidator(OAuth2Validator):
    """Loads an access token with its application's login and centre: one query."""

    def _load_access_token(self, token: str) -> Any:
        checksum = hashlib.sha256(token.encode("utf-8")).hexdigest()
        return (
            AccessToken.objects.select_related(
                "application", "application__user__partner_centre", "user"
            )
            .filter(token_checksum=checksum)
            .first()
        )
