"""Representations of self-assessments and progress profiles."""

import datetime as dt
from typing import Any

from django.utils import timezone
from rest_framework import serializers

from api.fields import StrictCharField
from api.serializers import StrictModelSerializer
from catalogue import selectors as catalogue_selectors
from catalogue.models import Competency
from people.serializers import VisibleProviderField
from progress.models import SelfAssessment


class SelfAssessmentSerializer(StrictModelSerializer):
    """A provider's rating of one competency on its framework's scale. Append-only."""

    competency: serializers.PrimaryKeyRelatedField[Competency] = serializers.PrimaryKeyRelatedField(
        queryset=Competency.objects.select_related("framework")
    )
    competency_code = serializers.CharField(source="competency.code", read_only=True)
    provider = VisibleProviderField(
        required=False,
        help_text="Required for coordinators; a provider rates themself (their own id or none).",
    )
    comment = StrictCharField(required=False, allow_blank=True, max_length=2000, default="")
    assessed_at = serializers.DateTimeField(
        required=False, help_text="Now by default; coordinators may record an earlier rating."
    )

    class Meta:
        model = SelfAssessment
        fields = [
            "id",
            "provider",
            "competency",
            "competency_code",
            "level",
            "comment",
            "assessed_at",
            "recorded_by",
        ]
        read_only_fields = ["recorded_by"]
        extra_kwargs = {"level": {"min_value": 0, "max_value": 20}}

    def validate_assessed_at(self, value: dt.datetime) -> dt.datetime:
        if value > timezone.now():
            raise serializers.ValidationError("A rating cannot be in the future.", code="in_future")
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        competency: Competency = attrs["competency"]
        if not competency.is_active:
            raise serializers.ValidationError(
                {"competency": "This competency is retired."}, code="inactive"
            )
        # A list's ratings are checked by one serializer: each framework's scale is read
        # once for all of them.
        scales: dict[int, set[int]] = self.__dict__.setdefault("_scales", {})
        if competency.framework_id not in scales:
            scales[competency.framework_id] = catalogue_selectors.scale_of(competency.framework)
        if attrs["level"] not in scales[competency.framework_id]:
            raise serializers.ValidationError(
                {"level": "Not a level of the competency's scale."}, code="out_of_scale"
            )
        return attrs


class ProgressCompetencySerializer(serializers.Serializer[Any]):
    competency = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    area = serializers.CharField()
    framework = serializers.CharField()
    proficient_level = serializers.IntegerField()
    self_assessed_level = serializers.IntegerField(allow_null=True)
    self_assessed_at = serializers.DateTimeField(allow_null=True)
    evidenced_level = serializers.IntegerField(
        allow_null=True, help_text="Highest level taught by a completed, non-voided module."
    )
    target_level = serializers.IntegerField(
        allow_null=True, help_text="Highest target of the paths the provider follows."
    )
    gap = serializers.IntegerField(
        allow_null=True,
        help_text="max(0, target − max(self-assessed, evidenced)); null without a target.",
    )


class ProgressPathSerializer(serializers.Serializer[Any]):
    path = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    source = serializers.ChoiceField(choices=["assigned", "session"])  # type: ignore[assignment]
    required_steps = serializers.IntegerField()
    required_completed = serializers.IntegerField()
    steps = serializers.IntegerField()
    steps_completed = serializers.IntegerField()


class UpcomingSessionSerializer(serializers.Serializer[Any]):
    session = serializers.IntegerField()
    starts_at = serializers.DateTimeField()
    commune = serializers.CharField()
    places_left = serializers.IntegerField()


class RecommendationSerializer(serializers.Serializer[Any]):
    module = serializers.IntegerField()
    code = serializers.CharField()
    title = serializers.CharField()
    format = serializers.CharField()
    addresses = serializers.ListField(child=serializers.CharField())
    gap = serializers.IntegerField()
    sessions = UpcomingSessionSerializer(many=True)


class ProgressSerializer(serializers.Serializer[Any]):
    """A provider's progress: per competency, per path, and what to take next."""

    provider = serializers.IntegerField()
    competencies = ProgressCompetencySerializer(many=True)
    paths = ProgressPathSerializer(many=True)
    recommendations = RecommendationSerializer(many=True)
