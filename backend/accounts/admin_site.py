"""The admin site: Django's own, whose login pauses after repeated failed sign-ins, as the
API's sign-in does (accounts.sign_in_failures)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from rest_framework.exceptions import Throttled


class AdminSite(admin.AdminSite):
    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        if request.method != "POST":
            return super().login(request, extra_context)
        from accounts.sign_in_failures import FailedSignIns

        guard = FailedSignIns(request, request.POST.get("username", ""))
        try:
            guard.check()
        except Throttled as exc:
            response = HttpResponse(str(exc.detail), status=429, content_type="text/plain")
            response["Retry-After"] = str(getattr(exc, "wait", 1))
            return response
        response = super().login(request, extra_context)
        if response.status_code == 302:  # signed in: sent on to the admin
            guard.succeeded()
        return response
