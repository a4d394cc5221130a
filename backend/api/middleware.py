"""Errors outside DRF views (unknown URLs, crashes) answer in the API's JSON error shape."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse

from api.views import error_body

HTML_PREFIXES = ("/admin/", "/static/", "/api/docs/", "/api/redoc/")


class JsonErrorMiddleware:
    """Turns Django's HTML 404/500 pages into the JSON error shape, except for the admin."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
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
