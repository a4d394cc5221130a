"""Views every deployment has: health, and JSON answers for unknown URLs and crashes."""

from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView


def error_body(status_type: str, code: str, detail: str) -> dict[str, object]:
    """The single error shape, as drf-standardized-errors writes it."""
    return {"type": status_type, "errors": [{"code": code, "detail": detail, "attr": None}]}


def not_found(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    """Unknown URLs answer in the API's error shape, never an HTML page."""
    return JsonResponse(error_body("client_error", "not_found", "Not found."), status=404)


def server_error(request: HttpRequest) -> JsonResponse:
    """Crashes answer in the API's error shape; details go to the log, not the client."""
    return JsonResponse(error_body("server_error", "error", "A server error occurred."), status=500)


class HealthView(APIView):
    """Liveness and database check, for load balancers and monitoring."""

    permission_classes = [AllowAny]
    authentication_classes = []
    schema_tags = ["health"]

    @extend_schema(
        summary="Check health",
        description="200 when the service runs and its database answers; 503 otherwise.",
        responses={
            200: inline_serializer(
                "Health",
                {
                    "status": serializers.ChoiceField(choices=["ok", "error"]),
                    "database": serializers.ChoiceField(choices=["ok", "error"]),
                },
            ),
            503: inline_serializer(
                "HealthFailure",
                {
                    "status": serializers.ChoiceField(choices=["ok", "error"]),
                    "database": serializers.ChoiceField(choices=["ok", "error"]),
                },
            ),
        },
    )
    def get(self, request: Request) -> Response:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
        except DatabaseError:
            return Response({"status": "error", "database": "error"}, status=503)
        return Response({"status": "ok", "database": "ok"})
