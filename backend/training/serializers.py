"""Representations of sessions, enrolments and completions."""

import datetime as dt
from typing import Any

from django.utils import timezone
from rest_framework import serializers

from api.fields import StrictCharField
from api.serializers import StrictModelSerializer
from catalogue.models import Module
from people.models import Provider
from people.serializers import VisibleProviderField
from training.models import (
    CancelCause,
    Completion,
    Enrolment,
    EnrolmentStatus,
    Outcome,
    Session,
    SessionSlot,
)


class SessionSlotSerializer(StrictModelSerializer):
    """A dated part of a session."""

    class Meta:
        model = SessionSlot
        fields = ["starts_at", "ends_at"]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["ends_at"] <= attrs["starts_at"]:
            raise serializers.ValidationError(
                {"ends_at": "A slot ends after it starts."}, code="ends_before_start"
            )
        return attrs


class SessionSerializer(StrictModelSerializer):
    """A scheduled run of a module or of a learning path.

    `status` changes only through the `open/`, `confirm/`, `cancel/` and
    `complete/` actions.
    """

    module_code = serializers.CharField(
        source="module.code", read_only=True, allow_null=True, default=None
    )
    path_code = serializers.CharField(
        source="path.code", read_only=True, allow_null=True, default=None
    )
    organiser_name = serializers.CharField(source="organiser.name", read_only=True)
    slots = SessionSlotSerializer(many=True, min_length=1, max_length=60)  # type: ignore[call-arg]
    enrolled_count = serializers.IntegerField(read_only=True)
    waitlisted_count = serializers.IntegerField(read_only=True)
    places_left = serializers.SerializerMethodField()
    # Declared: a read-only field built from the model would lose `allow_blank`, and the
    # schema would leave out the "" that a session not cancelled has.
    cancel_cause = serializers.ChoiceField(
        choices=CancelCause.choices,
        allow_blank=True,
        read_only=True,
        help_text="Why the session was cancelled; empty while it is not.",
    )

    class Meta:
        model = Session
        fields = [
            "id",
            "module",
            "module_code",
            "path",
            "path_code",
            "title",
            "organiser",
            "organiser_name",
            "venue",
            "commune",
            "slots",
            "starts_at",
            "ends_at",
            "trainers",
            "capacity",
            "min_participants",
            "decision_date",
            "price",
            "funding",
            "status",
            "cancel_reason",
            "cancel_cause",
            "external_id",
            "enrolled_count",
            "waitlisted_count",
            "places_left",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["status", "cancel_reason", "cancel_cause", "starts_at", "ends_at"]
        extra_kwargs = {
            "capacity": {"min_value": 1, "max_value": 100000},
            "min_participants": {"min_value": 0, "max_value": 100000},
            "price": {"min_value": 0, "max_value": 100000},
            "title": {"required": False},
            "trainers": {"required": False},
            "external_id": {"required": False, "allow_null": True},
            "module": {"required": False, "allow_null": True},
            "path": {"required": False, "allow_null": True},
        }

    def get_places_left(self, session: Session) -> int:
        return max(session.capacity - getattr(session, "enrolled_count", 0), 0)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        def current(name: str) -> Any:
            return attrs[name] if name in attrs else getattr(self.instance, name, None)

        module, path = current("module"), current("path")
        if (module is None) == (path is None):
            raise serializers.ValidationError(
                {"module": "Give either a module or a path, not both."}, code="module_or_path"
            )
        target = module or path
        if ("module" in attrs or "path" in attrs) and not target.is_active:
            field = "module" if module is not None else "path"
            raise serializers.ValidationError({field: "This is inactive."}, code="inactive")
        capacity, minimum = current("capacity"), current("min_participants") or 0
        if capacity is not None and minimum > capacity:
            raise serializers.ValidationError(
                {"min_participants": "The minimum exceeds the capacity."}, code="above_capacity"
            )
        if self.instance is not None and "capacity" in attrs:
            enrolled = self.instance.enrolments.filter(status=EnrolmentStatus.ENROLLED).count()
            if attrs["capacity"] < enrolled:
                raise serializers.ValidationError(
                    {"capacity": f"{enrolled} providers are already enrolled."},
                    code="below_enrolled",
                )
        external_id = current("external_id")
        if external_id:
            others = Session.objects.filter(organiser=current("organiser"), external_id=external_id)
            if self.instance is not None:
                others = others.exclude(pk=self.instance.pk)
            if others.exists():
                raise serializers.ValidationError(
                    {"external_id": "This organiser already uses this id."}, code="unique"
                )
        return attrs


class PartnerSessionSerializer(SessionSerializer):
    """A partner centre's session: the centre is always its organiser."""

    class Meta(SessionSerializer.Meta):
        read_only_fields = [*SessionSerializer.Meta.read_only_fields, "organiser"]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        request = self.context.get("request")
        if request is not None:
            attrs["organiser"] = request.user.partner_centre
        return super().validate(attrs)


class CancelSerializer(serializers.Serializer[Any]):
    """Why a session or record is cancelled."""

    reason = StrictCharField(max_length=300)


class SessionCancelSerializer(CancelSerializer):
    """Why a session is cancelled: the text participants read, and a cause for reports."""

    cause = serializers.ChoiceField(choices=CancelCause.choices, default=CancelCause.OTHER)


class EnrolmentSerializer(StrictModelSerializer):
    """A provider in a session; past capacity, on the waiting list with a position."""

    provider = VisibleProviderField(
        required=False,
        help_text="Required for coordinators; a provider enrols themself (their own id or none).",
    )
    provider_name = serializers.CharField(source="provider.__str__", read_only=True)
    waitlist_position = serializers.SerializerMethodField(
        help_text="1 for the first on the waiting list; null unless waitlisted."
    )

    class Meta:
        model = Enrolment
        fields = [
            "id",
            "session",
            "provider",
            "provider_name",
            "status",
            "waitlist_position",
            "external_id",
            "cancelled_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["status", "external_id", "cancelled_at"]

    def get_waitlist_position(self, enrolment: Enrolment) -> int | None:
        if enrolment.status != EnrolmentStatus.WAITLISTED:
            return None
        return int(getattr(enrolment, "waitlist_ahead", 0)) + 1


def completion_date_checked(value: dt.date) -> dt.date:
    """A completion's date, which is never after today."""
    if value > timezone.localdate():
        raise serializers.ValidationError("A completion cannot be in the future.", code="in_future")
    return value


class CompletionDateField(serializers.DateField):
    """The date of a completion, today unless given: every way of recording one (a single
    write, an attendance sheet, a partner's bulk item) takes this field, so a rule added
    here holds for each."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_internal_value(self, value: Any) -> dt.date:
        return completion_date_checked(super().to_internal_value(value))


class CompletionSerializer(StrictModelSerializer):
    """A provider's outcome for a module: evidence, corrected only by voiding."""

    module_code = serializers.CharField(source="module.code", read_only=True)
    provider_name = serializers.CharField(source="provider.__str__", read_only=True)
    completed_on = CompletionDateField()
    is_voided = serializers.SerializerMethodField()

    class Meta:
        model = Completion
        fields = [
            "id",
            "provider",
            "provider_name",
            "module",
            "module_code",
            "session",
            "completed_on",
            "outcome",
            "source",
            "recorded_by",
            "external_id",
            "is_voided",
            "voided_at",
            "voided_by",
            "void_reason",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "source",
            "recorded_by",
            "external_id",
            "voided_at",
            "voided_by",
            "void_reason",
        ]
        extra_kwargs = {"session": {"required": False, "allow_null": True}}

    def get_is_voided(self, completion: Completion) -> bool:
        return completion.voided_at is not None


class AttendanceRecordSerializer(serializers.Serializer[Any]):
    """One line of an attendance sheet."""

    provider: serializers.PrimaryKeyRelatedField[Provider] = serializers.PrimaryKeyRelatedField(
        queryset=Provider.objects.all()
    )
    module: serializers.PrimaryKeyRelatedField[Module] = serializers.PrimaryKeyRelatedField(
        queryset=Module.objects.all()
    )
    outcome = serializers.ChoiceField(choices=Outcome.choices)


class AttendanceSerializer(serializers.Serializer[Any]):
    """A whole attendance sheet for a session."""

    completed_on = CompletionDateField()
    records = AttendanceRecordSerializer(many=True, min_length=1, max_length=1000)  # type: ignore[call-arg]

    def validate_records(self, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
        keys = [(r["provider"].pk, r["module"].pk) for r in records]
        if len(keys) != len(set(keys)):
            raise serializers.ValidationError(
                "One line per participant and module.", code="duplicate"
            )
        return records


class AttendanceResultSerializer(serializers.Serializer[Any]):
    provider = serializers.IntegerField()
    module = serializers.IntegerField()
    result = serializers.ChoiceField(choices=["created", "unchanged", "replaced"])
    completion = serializers.IntegerField()


class AttendanceResponseSerializer(serializers.Serializer[Any]):
    results = AttendanceResultSerializer(many=True)
