"""How partner clients' tokens appear in the OpenAPI schema (an OAuth2 scheme)."""

from typing import Any

from drf_spectacular.contrib.django_oauth_toolkit import DjangoOAuthToolkitScheme


class PartnerClientScheme(DjangoOAuthToolkitScheme):
    """OAuth2 client-credentials, token at `/o/token/`, scope `partner`."""

    target_class = "integrations.authentication.PartnerClientAuthentication"
    name = "oauth2"

    def get_security_requirement(self, auto_schema: Any) -> dict[str, list[str]]:
        return {self.name: ["partner"]}
