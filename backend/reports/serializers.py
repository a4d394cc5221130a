"""Query parameters and answers of the reports."""

from typing import Any

from rest_framework import serializers

from api.fields import BoundedDateField
from api.filters import MAX_ID
from catalogue.models import ModuleFormat
from people.models import Sector
from reports.skills import SKILL_ORDERINGS

GROUPINGS = ["office", "sector", "commune", "business", "session", "path"]
EXPORT_FORMATS = ["json", "csv", "xlsx"]


def _id(help_text: str) -> serializers.IntegerField:
    return serializers.IntegerField(
        min_value=1, max_value=MAX_ID, required=False, help_text=help_text
    )


class ReportQuery(serializers.Serializer[Any]):
    """What every report accepts: a period and the answer's format."""

    since = BoundedDateField(
        required=False, help_text="First day of the period (1900-01-01 to 2200-12-31)."
    )
    until = BoundedDateField(
        required=False, help_text="Last day of the period, included (1900-01-01 to 2200-12-31)."
    )
    organiser = _id("Only sessions organised by this organisation.")
    format = serializers.ChoiceField(
        choices=EXPORT_FORMATS,
        default="json",
        help_text="`csv` or `xlsx` download the same report as a spreadsheet.",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        since, until = attrs.get("since"), attrs.get("until")
        if since and until and since > until:
            raise serializers.ValidationError(
                {"until": ["The period ends before it starts."]}, code="invalid_period"
            )
        return attrs


class SkillsQuery(ReportQuery):
    group_by = serializers.ChoiceField(choices=GROUPINGS, default="office")
    framework = _id("Only the competencies of this framework.")
    competency = _id("Only this competency.")
    sector = serializers.ChoiceField(
        choices=Sector.choices, required=False, help_text="Only providers of this sector."
    )
    office = _id("Only providers whose business this information office follows.")
    commune = serializers.CharField(
        max_length=120, required=False, help_text="Only providers whose business is here."
    )
    business = _id("Only the providers of this business.")
    session = _id("Only the participants of this session.")
    path = _id("Only providers following this learning path.")
    ordering = serializers.ChoiceField(
        choices=list(SKILL_ORDERINGS),
        required=False,
        help_text="Sort the rows: `mean_level` puts the weakest first.",
    )


class SkillsChartQuery(SkillsQuery):
    """The skills report's filters; a chart has no rows to sort and one format."""

    format = None  # type: ignore[assignment]
    ordering = None  # type: ignore[assignment]


class TrainingEffectQuery(ReportQuery):
    group_by = serializers.ChoiceField(choices=["session", "module"], default="session")
    session = _id("Only this session.")
    module = _id("Only the sessions of this module.")
    framework = _id("Only the competencies of this framework.")
    competency = _id("Only this competency.")


class SessionsQuery(ReportQuery):
    period = serializers.ChoiceField(choices=["month", "year"], default="month")
    format_of_module = serializers.ChoiceField(
        choices=[*ModuleFormat.values, "path"],
        required=False,
        help_text="Only sessions of this format (`path` for sessions of a whole learning path).",
    )


# --- Answers ---------------------------------------------------------------


class LevelCountSerializer(serializers.Serializer[Any]):
    level = serializers.IntegerField()
    count = serializers.IntegerField()


class ReportGroupSerializer(serializers.Serializer[Any]):
    key = serializers.CharField(allow_null=True, help_text="null: providers with no such group.")
    label = serializers.CharField()  # type: ignore[assignment]


class SkillsGroupSerializer(ReportGroupSerializer):
    providers = serializers.IntegerField(help_text="Providers of the report in this group.")


class ReportCompetencySerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    framework = serializers.CharField()
    proficient_level = serializers.IntegerField()
    scale = serializers.ListField(child=serializers.IntegerField())


def _ratio() -> serializers.FloatField:
    return serializers.FloatField(allow_null=True, min_value=0, max_value=1)


class CompetencyRowSerializer(serializers.Serializer[Any]):
    group = serializers.CharField(allow_null=True)
    group_label = serializers.CharField()
    competency = serializers.IntegerField()
    competency_code = serializers.CharField()
    competency_name = serializers.CharField()


class SkillsRowSerializer(CompetencyRowSerializer):
    assessed = serializers.IntegerField()
    mean_level = serializers.FloatField(allow_null=True)
    distribution = LevelCountSerializer(many=True)
    proficient_share = _ratio()
    with_target = serializers.IntegerField()
    at_target_share = _ratio()
    evidenced = serializers.IntegerField()
    mean_evidenced_level = serializers.FloatField(allow_null=True)
    compared = serializers.IntegerField()
    over_confident = serializers.IntegerField()
    under_confident = serializers.IntegerField()
    mean_self_minus_evidenced = serializers.FloatField(allow_null=True)


class SkillsReportSerializer(serializers.Serializer[Any]):
    group_by = serializers.ChoiceField(choices=GROUPINGS)
    groups = SkillsGroupSerializer(many=True)
    competencies = ReportCompetencySerializer(many=True)
    rows = SkillsRowSerializer(many=True)


class EffectRowSerializer(CompetencyRowSerializer):
    n = serializers.IntegerField(help_text="Participants with a rating before and after.")
    mean_before = serializers.FloatField(allow_null=True)
    mean_after = serializers.FloatField(allow_null=True)
    delta = serializers.FloatField(allow_null=True)
    improved = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    declined = serializers.IntegerField()


class TrainingEffectReportSerializer(serializers.Serializer[Any]):
    group_by = serializers.ChoiceField(choices=["session", "module"])
    groups = ReportGroupSerializer(many=True)
    rows = EffectRowSerializer(many=True)


class SessionFiguresSerializer(serializers.Serializer[Any]):
    planned = serializers.IntegerField()
    confirmed = serializers.IntegerField()
    held = serializers.IntegerField()
    cancelled = serializers.IntegerField()
    cancelled_by_cause = serializers.DictField(child=serializers.IntegerField())
    places = serializers.IntegerField()
    enrolled = serializers.IntegerField()
    waitlisted = serializers.IntegerField()
    fill_rate = serializers.FloatField(allow_null=True, min_value=0)
    present = serializers.IntegerField()
    attendance_rate = serializers.FloatField(allow_null=True, min_value=0)
    completed = serializers.IntegerField()
    completion_rate = _ratio()


class SessionsRowSerializer(SessionFiguresSerializer):
    organiser = serializers.IntegerField()
    organiser_name = serializers.CharField()
    format = serializers.CharField()
    format_label = serializers.CharField()
    period = serializers.CharField(allow_null=True, help_text="`2026-03` or `2026`.")


class SessionsReportSerializer(serializers.Serializer[Any]):
    period = serializers.ChoiceField(choices=["month", "year"])
    rows = SessionsRowSerializer(many=True)
    totals = SessionFiguresSerializer()
