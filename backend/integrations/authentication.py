"""Bearer tokens of partner clients (OAuth2 client-credentials)."""

from typing import Any

from accounts.models import User
from oauth2_provider.contrib.rest_framework import OAuth2Authentication
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
            # The client's login, with its centre: one query, not two.
            user = (
                User.objects.select_related("partner_centre")
                .filter(pk=token.application.user_id)
                .first()
            )
        if user is None or not user.is_active:
            return None
        return user, token
