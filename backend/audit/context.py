"""The request being served, so that a write's receivers know who made it."""

from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.http import HttpRequest, HttpResponse

current_request: ContextVar[HttpRequest | None] = ContextVar("current_request", default=None)


class AuditContextMiddleware:
    """Keeps the request at hand while it is served (DRF sets its user and token on it)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            current_request.reset(token)


def actor() -> dict[str, Any]:
    """The current caller: login id and username, and partner client id if any."""
    request = current_request.get()
    user = getattr(request, "user", None) if request is not None else None
    if user is None or not getattr(user, "is_authenticated", False):
        return {"actor_id": None, "actor": "", "client": ""}
    auth = getattr(request, "auth", None)
    application = getattr(auth, "application", None)
    return {
        "actor_id": user.pk,
        "actor": user.get_username(),
        "client": getattr(application, "client_id", "") or "",
    }
