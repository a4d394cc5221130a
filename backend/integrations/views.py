"""Partner clients, managed by coordinators."""

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from drf_standardized_errors.openapi_validation_errors import extend_validation_errors
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer, as_serializer_error
from rest_framework.views import APIView

from api.openapi import (
    ErrorResponse413Serializer,
    ErrorResponse422Serializer,
    ErrorResponse429BulkSerializer,
)
from api.permissions import IsCoordinator, RolePermission
from api.schema import crud_schema
from api.viewsets import ID_PATTERN, ModelViewSet, ScopedQuerysetMixin
from common.memory import collector_paused
from common.roles import COORDINATOR, PARTNER, PROVIDER
from integrations import bulk_upserts, services
from integrations.bulk_upserts import MAX_ITEMS, first_error
from integrations.idempotency import HEADER, KEY_PATTERN, MAX_KEY_LENGTH, idempotent
from integrations.models import LinkStatus, Participant, PartnerClient, WebhookSubscription
from integrations.serializers import (
    BulkResponseSerializer,
    CompletionBulkItemSerializer,
    CompletionBulkSerializer,
    EnrolmentBulkItemSerializer,
    EnrolmentBulkSerializer,
    ParticipantLinkSerializer,
    PartnerClientSerializer,
    WebhookDeliverySerializer,
    WebhookSerializer,
)


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


class PayloadTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = f"At most {MAX_ITEMS} items per request; split the batch."
    default_code = "too_many_items"


class BulkView(APIView):
    """Shared by the bulk endpoints: partner centres only, items validated one by one."""

    permission_classes = [RolePermission]
    action_roles = {"post": {PARTNER}}
    item_serializer: type[serializers.Serializer[Any]]
    upsert: Any

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        self.action = "post"
        super().initial(request, *args, **kwargs)

    def post(self, request: Request) -> Response:
        # A push parses, checks and writes thousands of small objects, none in a cycle:
        # the collector would walk them again and again (see common.memory).
        with collector_paused():
            return self._bulk_write(request)

    def _bulk_write(self, request: Request) -> Response:
        data = request.data if isinstance(request.data, dict) else {}
        items = data.get("items")
        if "items" not in data:
            raise ValidationError({"items": ["This field is required."]}, code="required")
        if items is None:
            raise ValidationError({"items": ["This field may not be null."]}, code="null")
        if not isinstance(items, list):
            raise ValidationError(
                {"items": {"non_field_errors": ["Expected a list of items."]}}, code="not_a_list"
            )
        if len(items) > MAX_ITEMS:
            raise PayloadTooLarge()
        if not items:
            raise ValidationError(
                {"items": {"non_field_errors": ["Send at least one item."]}}, code="min_length"
            )
        return idempotent(request, lambda: self._validate_and_write(request, items))

    def _validate_and_write(self, request: Request, items: list[Any]) -> Response:
        valid: list[tuple[int, dict[str, Any]]] = []
        results: list[dict[str, Any] | None] = [None] * len(items)
        # One serializer checks every item: its fields are built once, not per item.
        checker = self.item_serializer()
        for index, raw in enumerate(items):
            try:
                valid.append((index, dict(checker.run_validation(raw))))
            except ValidationError as error:
                field, code, detail = first_error(as_serializer_error(error))
                external_id = raw.get("external_id") if isinstance(raw, dict) else None
                # Echo only an id that could be valid (no NUL: PostgreSQL cannot store it).
                echoed = (
                    external_id[:100]
                    if isinstance(external_id, str) and "\x00" not in external_id
                    else None
                )
                results[index] = {
                    "external_id": echoed,
                    "result": "error",
                    "code": code,
                    "field": field,
                    "detail": detail,
                }
        centre = request.user.partner_centre  # type: ignore[union-attr]
        written = type(self).upsert(
            centre=centre, items=[item for _, item in valid], actor=request.user
        )
        for (index, _), result in zip(valid, written, strict=True):
            results[index] = result
        return Response(
            {"results": [{"index": i, **r} for i, r in enumerate(results) if r is not None]}
        )


BULK_DESCRIPTION = (
    "Up to {max} items per request (more: 413), each upserted by the centre's own "
    "`external_id` in its own transaction: one bad item never rejects the good ones. "
    "One result per item: `created`, `updated`, `unchanged`, or `error` with a code and "
    "the field. Send an `Idempotency-Key` header to retry safely: a replay gets the first "
    "answer (`Idempotent-Replayed: true`), the same key with another body a 422, a key "
    "that is not 1 to {key_length} printable ASCII characters a 400 "
    "(`invalid_idempotency_key`). A client keeps a bounded number of keys: past it, a "
    "new key is a 429 (`too_many_idempotency_keys`) until its oldest expires "
    "(`Retry-After`)."
)
IDEMPOTENCY_HEADER = OpenApiParameter(
    HEADER,
    {"type": "string", "minLength": 1, "maxLength": MAX_KEY_LENGTH, "pattern": KEY_PATTERN},
    OpenApiParameter.HEADER,
    required=False,
    description="A unique key per logical request (e.g. a UUID); kept at least 24 hours.",
)
BULK_ERRORS = {
    413: ErrorResponse413Serializer,
    422: ErrorResponse422Serializer,
    429: ErrorResponse429BulkSerializer,
}


@extend_validation_errors(["invalid_idempotency_key"], field_name=HEADER, methods=["post"])
class EnrolmentBulkView(BulkView):
    """Partner centres push their sessions' enrolments, participants matched or created."""

    item_serializer = EnrolmentBulkItemSerializer
    upsert = staticmethod(bulk_upserts.enrolments_upsert)
    schema_tags = ["integrations"]

    @extend_schema(
        summary="Upsert enrolments in bulk",
        description=BULK_DESCRIPTION.format(max=MAX_ITEMS, key_length=MAX_KEY_LENGTH),
        request=EnrolmentBulkSerializer,
        responses={200: BulkResponseSerializer, **BULK_ERRORS},
        parameters=[IDEMPOTENCY_HEADER],
    )
    def post(self, request: Request) -> Response:
        return super().post(request)


@extend_validation_errors(["invalid_idempotency_key"], field_name=HEADER, methods=["post"])
class CompletionBulkView(BulkView):
    """Partner centres push their sessions' completion records."""

    item_serializer = CompletionBulkItemSerializer
    upsert = staticmethod(bulk_upserts.completions_upsert)
    schema_tags = ["integrations"]

    @extend_schema(
        summary="Upsert completions in bulk",
        description=BULK_DESCRIPTION.format(max=MAX_ITEMS, key_length=MAX_KEY_LENGTH),
        request=CompletionBulkSerializer,
        responses={200: BulkResponseSerializer, **BULK_ERRORS},
        parameters=[IDEMPOTENCY_HEADER],
    )
    def post(self, request: Request) -> Response:
        return super().post(request)


@crud_schema("webhook", "webhooks", writes="partner centres (for themselves)")
@extend_validation_errors(["invalid_url"], field_name="url", methods=["post", "put", "patch"])
class WebhookViewSet(ScopedQuerysetMixin, ModelViewSet):
    """A partner centre's webhook subscriptions: events about its own sessions, POSTed to
    its URL, signed with its secret (see docs/integration.md). Coordinators may read them."""

    serializer_class = WebhookSerializer
    scoped_model = WebhookSubscription
    permission_classes = [RolePermission]
    action_roles = {
        "list": {PARTNER, COORDINATOR},
        "retrieve": {PARTNER, COORDINATOR},
        "deliveries": {PARTNER, COORDINATOR},
        "create": {PARTNER},
        "update": {PARTNER},
        "partial_update": {PARTNER},
        "destroy": {PARTNER},
    }
    ordering_fields = ["created_at"]
    schema_tags = ["integrations"]

    def scoped_queryset(self) -> QuerySet[WebhookSubscription]:
        return WebhookSubscription.objects.visible_to(self.request.user)

    def perform_create(self, serializer: BaseSerializer[Any]) -> None:
        serializer.save(partner_centre=self.request.user.partner_centre)  # type: ignore[union-attr]

    @extend_schema(
        summary="List a webhook's deliveries",
        description="Newest first: status (`pending`, `delivered`, `failed`), attempts, "
        "the last response code and the next attempt.",
        responses=WebhookDeliverySerializer(many=True),
    )
    @action(detail=True, methods=["get"])
    def deliveries(self, request: Request, pk: str | None = None) -> Response:
        subscription = self.get_object()
        page = self.paginate_queryset(subscription.deliveries.all())
        serializer = WebhookDeliverySerializer(page, many=True)
        return self.get_paginated_response(serializer.data)


@extend_schema_view(
    list=extend_schema(
        summary="List participant links",
        description="A provider's own links to partner centres (coordinators: all), newest "
        "first, pending ones among them.",
    ),
    retrieve=extend_schema(summary="Get a participant link", description="One link by its id."),
)
@extend_validation_errors(
    ["already_decided"], field_name="non_field_errors", actions=["confirm", "refuse"]
)
class ParticipantLinkViewSet(
    ScopedQuerysetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Links of partner centres to providers. A centre that pushes the e-mail of an
    existing provider gets a `pending` link: it may neither enrol that provider nor record
    for them, nor see them, until the provider (or a coordinator) confirms it. A refused
    link stays refused."""

    serializer_class = ParticipantLinkSerializer
    scoped_model = Participant
    permission_classes = [RolePermission]
    lookup_value_regex = ID_PATTERN
    action_roles = {
        "list": {PROVIDER, COORDINATOR},
        "retrieve": {PROVIDER, COORDINATOR},
        "confirm": {PROVIDER, COORDINATOR},
        "refuse": {PROVIDER, COORDINATOR},
    }
    ordering_fields = ["created_at"]
    schema_tags = ["integrations"]

    def scoped_queryset(self) -> QuerySet[Participant]:
        return Participant.objects.select_related("partner_centre").visible_to(self.request.user)

    def _decide(self, status: str) -> Response:
        link = services.participant_link_decide(
            link=self.get_object(), status=status, actor=self.request.user
        )
        return Response(ParticipantLinkSerializer(self.get_queryset().get(pk=link.pk)).data)

    @extend_schema(
        summary="Confirm a participant link",
        description="The provider (or a coordinator) agrees: the centre may now enrol them, "
        "record their completions and, as for its other participants, see them.",
        request=None,
        responses=ParticipantLinkSerializer,
    )
    @action(detail=True, methods=["post"])
    def confirm(self, request: Request, pk: str | None = None) -> Response:
        return self._decide(LinkStatus.CONFIRMED)

    @extend_schema(
        summary="Refuse a participant link",
        description="The provider (or a coordinator) declines: the centre's items naming "
        "them keep answering `participant_refused`.",
        request=None,
        responses=ParticipantLinkSerializer,
    )
    @action(detail=True, methods=["post"])
    def refuse(self, request: Request, pk: str | None = None) -> Response:
        return self._decide(LinkStatus.REFUSED)
