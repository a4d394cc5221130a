"""Filters on self-assessments."""

from api.filters import FilterSet, IdFilter, IsoDateTimeFilter
from progress.models import SelfAssessment


class SelfAssessmentFilter(FilterSet):
    provider = IdFilter(field_name="provider_id", label="Provider (id)")
    competency = IdFilter(field_name="competency_id", label="Competency (id)")
    since = IsoDateTimeFilter(field_name="assessed_at", lookup_expr="gte")
    until = IsoDateTimeFilter(field_name="assessed_at", lookup_expr="lt")

    class Meta:
        model = SelfAssessment
        fields: list[str] = []
