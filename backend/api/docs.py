"""The docs pages (Swagger UI, Redoc), served from this origin under a strict policy.

Their scripts and styles come from drf-spectacular-sidecar's static files; Swagger
UI's start-up script is served from its own URL (`?script=`), so no inline script
runs and `script-src 'self'` holds. Both UIs set style attributes as they render:
styles may be inline, nothing else may. Redoc's page leaves out the web fonts that
drf-spectacular's template fetches from Google; the one thing it loads from elsewhere
is Redocly's logo, which its bundle always shows and its policy names exactly.
"""

from typing import Any

from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework.request import Request
from rest_framework.response import Response

REDOCLY_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"


def content_security_policy(*, images: str = "") -> str:
    """The docs pages' policy; `images` names sources of images beyond this origin."""
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self' 'unsafe-inline'",
            f"img-src 'self' data: {images}".strip(),
            "font-src 'self' data:",
            "connect-src 'self'",
            "worker-src 'self' blob:",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


class StrictPolicyMixin:
    """Adds `content_security_policy` to every answer of the view."""

    content_security_policy = content_security_policy()

    def finalize_response(
        self, request: Request, response: Response, *args: Any, **kwargs: Any
    ) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]
        response["Content-Security-Policy"] = self.content_security_policy
        return response


class SwaggerView(StrictPolicyMixin, SpectacularSwaggerSplitView):
    """Swagger UI, its start-up script served apart."""


class RedocView(StrictPolicyMixin, SpectacularRedocView):
    """Redoc, without web fonts from elsewhere."""

    template_name = "api/redoc.html"
    content_security_policy = content_security_policy(images=REDOCLY_LOGO)
