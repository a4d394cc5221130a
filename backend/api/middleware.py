"""Errors outside DRF views (unknown hosts and URLs, crashes) answer in the API's JSON
error shape."""

import logging
from collections.abc import Callable

from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse, JsonResponse

from api.views import error_body

HTML_PREFIXES = ("/admin/", "/static/", "/api/docs/", "/api/redoc/")

security = logging.getLogger("django.security.DisallowedHost")


class JsonErrorMiddleware:
    """Refuses a Host outside ALLOWED_HOSTS with a JSON 400, on every path; turns Django's
    HTML 404/500 pages into the JSON error shape, except for the admin and the docs."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            request.get_host()
        except DisallowedHost as exc:
            security.error(str(exc), extra={"status_code": 400, "request": request})
            body = error_body(
                "client_error", "invalid_host", "This server does not answer for that host."
            )
            return JsonResponse(body, status=400)
        response = self.get_response(request)
        if request.path.startswith(HTML_PREFIXES):
            return response
        if not response.get("Content-Type", "").startswith("text/html"):
            return response
        if response.status_code == 404:
            return JsonResponse(error_body("client_error", "not_found", "Not found."), status=404)
        if response.status_code >= 500:
            return JsonResponse(
                error_body("server_error", "error", "A server error occurred."),
                status=response.status_code,
            )
        return response
