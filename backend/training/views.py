"""The training API: sessions and their lifecycle, enrolments, completions."""

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from drf_standardized_errors.openapi_validation_errors import extend_validation_errors
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer
from rest_framework.settings import api_settings

from api.pagination import ChangeFeedPagination
from api.permissions import RolePermission
from api.schema import crud_schema
from api.viewsets import ID_PATTERN, ModelViewSet, ScopedQuerysetMixin
from common.export_views import ExportMixin
from common.roles import ANY, COORDINATOR, PARTNER, PROVIDER, TRAINER, role_of
from people.models import Provider
from people.selectors import provider_of
from training import columns, selectors, services
from training.filters import CompletionFilter, EnrolmentFilter, SessionFilter
from training.models import Completion, Enrolment, Session, Source
from training.serializers import (
    AttendanceResponseSerializer,
    AttendanceSerializer,
    CancelSerializer,
    CompletionSerializer,
    EnrolmentSerializer,
    PartnerSessionSerializer,
    SessionCancelSerializer,
    SessionSerializer,
)

LIFECYCLE_CODES = ["invalid_transition"]
# Where a DomainError (a business rule) names its error: `non_field_errors`. The same
# codes stay documented with no field too, as released in 1.0.0 (components clients
# may name); the API answers them on `non_field_errors` only.
RULES = api_settings.NON_FIELD_ERRORS_KEY


@crud_schema("session", "sessions")
@extend_validation_errors(
    ["module_or_path", "inactive"], field_name="module", methods=["post", "put", "patch"]
)
@extend_validation_errors(["inactive"], field_name="path", methods=["post", "put", "patch"])
@extend_validation_errors(
    ["above_capacity"], field_name="min_participants", methods=["post", "put", "patch"]
)
@extend_validation_errors(["below_enrolled"], field_name="capacity", methods=["put", "patch"])
@extend_validation_errors(["unique"], field_name="external_id", methods=["post", "put", "patch"])
@extend_validation_errors(
    ["ends_before_start"], field_name="slots.INDEX.ends_at", methods=["post", "put", "patch"]
)
@extend_validation_errors(LIFECYCLE_CODES, actions=["open", "confirm", "cancel", "complete"])
@extend_validation_errors(
    LIFECYCLE_CODES, field_name=RULES, actions=["open", "confirm", "cancel", "complete"]
)
@extend_validation_errors(
    ["not_recordable", "wrong_module", "not_enrolled"], actions=["attendance"]
)
@extend_validation_errors(
    ["not_recordable", "wrong_module", "not_enrolled"], field_name=RULES, actions=["attendance"]
)
@extend_validation_errors(["duplicate"], field_name="records", actions=["attendance"])
class SessionViewSet(ExportMixin, ScopedQuerysetMixin, ModelViewSet):
    """Training sessions: a module or a path, scheduled by an organiser at a place and dates.

    Everyone sees open and confirmed sessions; providers also see the sessions
    they enrolled in, trainers those they train. Coordinators schedule and
    decide; a partner centre sees, schedules and decides only its own sessions
    (it is their organiser). The status moves draft → open → confirmed or
    cancelled → completed.
    """

    pagination_class = ChangeFeedPagination
    export_filename = "sessions"
    export_columns = columns.SESSIONS
    scoped_model = Session
    serializer_class = SessionSerializer
    filterset_class = SessionFilter
    permission_classes = [RolePermission]
    action_roles = {
        "list": ANY,
        "retrieve": ANY,
        "create": {COORDINATOR, PARTNER},
        "update": {COORDINATOR, PARTNER},
        "partial_update": {COORDINATOR, PARTNER},
        "destroy": {COORDINATOR, PARTNER},
        "open": {COORDINATOR, PARTNER},
        "confirm": {COORDINATOR, PARTNER},
        "cancel": {COORDINATOR, PARTNER},
        "complete": {COORDINATOR, PARTNER},
        "attendance": {COORDINATOR, TRAINER, PARTNER},
    }
    search_fields = ["title", "venue", "commune", "module__code", "path__code"]
    ordering_fields = ["starts_at", "decision_date", "created_at", "updated_at"]
    ordering = ["starts_at"]
    schema_tags = ["training"]

    def scoped_queryset(self) -> QuerySet[Session]:
        return selectors.session_list(user=self.request.user)

    def export_annotations(self) -> dict[str, Any]:
        return columns.session_annotations()

    def get_serializer_class(self) -> type[BaseSerializer[Any]]:
        if getattr(self, "swagger_fake_view", False):
            return SessionSerializer
        if role_of(self.request.user) == PARTNER:
            return PartnerSessionSerializer
        return SessionSerializer

    def perform_create(self, serializer: BaseSerializer[Any]) -> None:
        serializer.instance = services.session_create(data=dict(serializer.validated_data))

    def perform_update(self, serializer: BaseSerializer[Any]) -> None:
        assert isinstance(serializer.instance, Session)
        serializer.instance = services.session_update(
            session=serializer.instance, data=dict(serializer.validated_data)
        )

    def _answer(self, session: Session) -> Response:
        return Response(SessionSerializer(self.get_queryset().get(pk=session.pk)).data)

    @extend_schema(
        summary="Open a session",
        description="draft → open: providers may enrol.",
        request=None,
        responses=SessionSerializer,
    )
    @action(detail=True, methods=["post"])
    def open(self, request: Request, pk: str | None = None) -> Response:
        return self._answer(services.session_open(session=self.get_object()))

    @extend_schema(
        summary="Confirm a session",
        description="open → confirmed.",
        request=None,
        responses=SessionSerializer,
    )
    @action(detail=True, methods=["post"])
    def confirm(self, request: Request, pk: str | None = None) -> Response:
        return self._answer(services.session_confirm(session=self.get_object()))

    @extend_schema(
        summary="Cancel a session",
        description="draft, open or confirmed → cancelled, with a reason for participants and "
        "a cause for reports (`too_few_participants`, `trainer_unavailable`, `venue_unavailable`, "
        "`weather`, `other`; default `other`).",
        request=SessionCancelSerializer,
        responses=SessionSerializer,
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        body = SessionCancelSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        session = services.session_cancel(
            session=self.get_object(),
            reason=body.validated_data["reason"],
            cause=body.validated_data["cause"],
        )
        return self._answer(session)

    @extend_schema(
        summary="Complete a session",
        description="confirmed → completed.",
        request=None,
        responses=SessionSerializer,
    )
    @action(detail=True, methods=["post"])
    def complete(self, request: Request, pk: str | None = None) -> Response:
        return self._answer(services.session_complete(session=self.get_object()))

    @extend_schema(
        summary="Record the attendance sheet",
        description="Per participant and module: `completed`, `attended` or `absent`. "
        "The session's trainers and coordinators record it, for a confirmed or "
        "completed session; sending it again corrects it (the old record is voided).",
        request=AttendanceSerializer,
        responses=AttendanceResponseSerializer,
    )
    @action(detail=True, methods=["post"])
    def attendance(self, request: Request, pk: str | None = None) -> Response:
        session = self.get_object()
        if role_of(request.user) == TRAINER and not selectors.trainer_trains(
            user=request.user, session=session
        ):
            raise PermissionDenied("Only the session's trainers record its attendance.")
        body = AttendanceSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        results = services.attendance_record(
            session=session,
            records=body.validated_data["records"],
            completed_on=body.validated_data.get("completed_on", timezone.localdate()),
            actor=request.user,
        )
        return Response({"results": results})


@crud_schema("enrolment", "enrolments", writes="providers (for themselves) and coordinators")
@extend_validation_errors(
    ["not_open", "session_started", "duplicate"], field_name="non_field_errors", actions=["create"]
)
@extend_validation_errors(["required_for_role"], field_name="provider", methods=["post"])
@extend_validation_errors(
    ["already_cancelled", "not_open"], field_name="non_field_errors", actions=["cancel"]
)
class EnrolmentViewSet(
    ExportMixin,
    ScopedQuerysetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Enrolments of providers in sessions: `enrolled`, `waitlisted` (with a position) or
    `cancelled`. Capacity is never exceeded; a freed place goes to the first on the list."""

    pagination_class = ChangeFeedPagination
    export_filename = "enrolments"
    export_columns = columns.ENROLMENTS
    scoped_model = Enrolment
    serializer_class = EnrolmentSerializer
    filterset_class = EnrolmentFilter
    permission_classes = [RolePermission]
    lookup_value_regex = ID_PATTERN
    action_roles = {
        "list": {COORDINATOR, TRAINER, PROVIDER, PARTNER},
        "retrieve": {COORDINATOR, TRAINER, PROVIDER, PARTNER},
        "create": {COORDINATOR, PROVIDER},
        "cancel": {COORDINATOR, PROVIDER},
    }
    ordering_fields = ["created_at", "updated_at"]
    schema_tags = ["training"]

    def scoped_queryset(self) -> QuerySet[Enrolment]:
        return selectors.enrolment_list(user=self.request.user)

    def perform_create(self, serializer: BaseSerializer[Any]) -> None:
        data = serializer.validated_data
        session: Session = data["session"]
        if not Session.objects.visible_to(self.request.user).filter(pk=session.pk).exists():
            raise ValidationError(
                {"session": ["Invalid pk - object does not exist."]}, code="does_not_exist"
            )
        provider: Provider | None
        if role_of(self.request.user) == PROVIDER:
            provider = provider_of(self.request.user)
        else:
            provider = data.get("provider")
            if provider is None:
                raise ValidationError(
                    {"provider": ["A coordinator names the provider."]}, code="required_for_role"
                )
        enrolment = services.enrolment_create(
            session=session, provider=provider, actor=self.request.user
        )
        serializer.instance = self.get_queryset().get(pk=enrolment.pk)

    @extend_schema(
        summary="Cancel an enrolment",
        description="The provider or a coordinator cancels; the first on the "
        "waiting list takes the freed place.",
        request=None,
        responses=EnrolmentSerializer,
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        enrolment = services.enrolment_cancel(enrolment=self.get_object())
        return Response(EnrolmentSerializer(self.get_queryset().get(pk=enrolment.pk)).data)


@crud_schema("completion", "completions", writes="the session's trainers and coordinators")
@extend_validation_errors(
    ["not_recordable", "wrong_module", "not_enrolled", "duplicate"],
    methods=["post"],
    actions=["create"],
)
@extend_validation_errors(
    ["not_recordable", "wrong_module", "not_enrolled", "duplicate"],
    field_name=RULES,
    actions=["create"],
)
@extend_validation_errors(["in_future"], field_name="completed_on", actions=["create"])
@extend_validation_errors(["required_for_role"], field_name="session", actions=["create"])
@extend_validation_errors(["already_voided"], field_name="non_field_errors", actions=["void"])
class CompletionViewSet(
    ExportMixin,
    ScopedQuerysetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Completion records: who completed, attended or missed which module, as evidence.

    Never edited: `void/` with a reason corrects a record; voided records stay
    listable (`?voided=true`) and drop out of progress.
    """

    pagination_class = ChangeFeedPagination
    export_filename = "completions"
    export_columns = columns.COMPLETIONS
    scoped_model = Completion
    serializer_class = CompletionSerializer
    filterset_class = CompletionFilter
    permission_classes = [RolePermission]
    lookup_value_regex = ID_PATTERN
    action_roles = {
        "list": {COORDINATOR, TRAINER, PROVIDER, PARTNER},
        "retrieve": {COORDINATOR, TRAINER, PROVIDER, PARTNER},
        "create": {COORDINATOR, TRAINER, PARTNER},
        "void": {COORDINATOR, TRAINER, PARTNER},
    }
    ordering_fields = ["completed_on", "created_at"]
    schema_tags = ["training"]

    def scoped_queryset(self) -> QuerySet[Completion]:
        return selectors.completion_list(user=self.request.user)

    def export_annotations(self) -> dict[str, Any]:
        return columns.completion_annotations()

    def perform_create(self, serializer: BaseSerializer[Any]) -> None:
        data = serializer.validated_data
        session: Session | None = data.get("session")
        role = role_of(self.request.user)
        if role == PARTNER and (
            session is None or session.organiser_id != self.request.user.partner_centre_id  # type: ignore[union-attr]
        ):
            raise ValidationError(
                {"session": ["A partner centre records for one of its sessions."]},
                code="required_for_role",
            )
        if role == TRAINER:
            if session is None:
                raise ValidationError(
                    {"session": ["A trainer records for a session."]}, code="required_for_role"
                )
            if not selectors.trainer_trains(user=self.request.user, session=session):
                raise PermissionDenied("Only the session's trainers record its completions.")
        completion = services.completion_create(
            provider=data["provider"],
            module_id=data["module"].pk,
            session=session,
            completed_on=data.get("completed_on", timezone.localdate()),
            outcome=data["outcome"],
            actor=self.request.user,
            source=Source.PARTNER if role == PARTNER else Source.TRAINER,
        )
        serializer.instance = completion

    @extend_schema(
        summary="Void a completion",
        description="Record that this completion was wrong, with a reason: who "
        "voided it and when are kept. The session's trainers and coordinators.",
        request=CancelSerializer,
        responses=CompletionSerializer,
    )
    @action(detail=True, methods=["post"])
    def void(self, request: Request, pk: str | None = None) -> Response:
        completion = self.get_object()
        if role_of(request.user) == TRAINER and (
            completion.session is None
            or not selectors.trainer_trains(user=request.user, session=completion.session)
        ):
            raise PermissionDenied("Only the session's trainers void its completions.")
        body = CancelSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        voided = services.completion_void(
            completion=completion, reason=body.validated_data["reason"], actor=request.user
        )
        return Response(CompletionSerializer(voided).data, status=status.HTTP_200_OK)
