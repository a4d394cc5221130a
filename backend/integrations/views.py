"""Partner clients, managed by coordinators."""

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from drf_standardized_errors.openapi_validation_errors import extend_validation_errors
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from api.permissions import IsCoordinator
from api.schema import crud_schema
from api.viewsets import ID_PATTERN
from integrations import services
from integrations.models import PartnerClient
from integrations.serializers import PartnerClientSerializer


@crud_schema("partner client", "partner clients")
@extend_validation_errors(["wrong_kind"], field_name="partner_centre", methods=["post"])
class PartnerClientViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """OAuth2 clients (client-credentials grant) of partner centres. A client's tokens
    (`POST /o/token/`) act for its centre only. The secret is shown once, at creation;
    a revoked client's tokens stop working at once."""

    serializer_class = PartnerClientSerializer
    permission_classes = [IsCoordinator]
    lookup_value_regex = ID_PATTERN
    ordering_fields = ["created_at", "name"]
    schema_tags = ["integrations"]

    def get_queryset(self) -> QuerySet[PartnerClient]:
        return PartnerClient.objects.select_related("application", "partner_centre")

    def perform_create(self, serializer: BaseSerializer[Any]) -> None:
        client, secret = services.partner_client_create(
            partner_centre=serializer.validated_data["partner_centre"],
            name=serializer.validated_data["name"],
            actor=self.request.user,
        )
        client._secret = secret  # type: ignore[attr-defined]
        serializer.instance = client

    @extend_schema(
        summary="Revoke a partner client",
        description="Its tokens stop working at once and it can get no new one.",
        request=None,
        responses=PartnerClientSerializer,
    )
    @action(detail=True, methods=["post"])
    def revoke(self, request: Request, pk: str | None = None) -> Response:
        client = services.partner_client_revoke(client=self.get_object())
        return Response(PartnerClientSerializer(client).data)
