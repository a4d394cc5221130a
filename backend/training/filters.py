"""Filters on training lists."""

import django_filters

from api.filters import ChoiceFilter, FilterSet, IdFilter, IsoDateTimeFilter, StrictBooleanFilter
from catalogue.models import ModuleFormat
from training.models import (
    Completion,
    Enrolment,
    EnrolmentStatus,
    Funding,
    Outcome,
    Session,
    SessionStatus,
    Source,
)


class SessionFilter(FilterSet):
    updated_since = IsoDateTimeFilter(
        field_name="updated_at", lookup_expr="gte", label="Changed at or after (change feed)"
    )
    status = ChoiceFilter(choices=SessionStatus.choices)
    funding = ChoiceFilter(choices=Funding.choices)
    module = IdFilter(field_name="module_id", label="Module (id)")
    path = IdFilter(field_name="path_id", label="Learning path (id)")
    organiser = IdFilter(field_name="organiser_id", label="Organiser (id)")
    trainer = IdFilter(field_name="trainers", label="Trainer (id)", distinct=True)
    module_format = ChoiceFilter(field_name="module__format", choices=ModuleFormat.choices)
    commune = django_filters.CharFilter(lookup_expr="iexact")
    external_id = django_filters.CharFilter(label="The organiser's own id")
    starts_after = IsoDateTimeFilter(field_name="starts_at", lookup_expr="gte")
    starts_before = IsoDateTimeFilter(field_name="starts_at", lookup_expr="lt")

    class Meta:
        model = Session
        fields: list[str] = []


class EnrolmentFilter(FilterSet):
    updated_since = IsoDateTimeFilter(
        field_name="updated_at", lookup_expr="gte", label="Changed at or after (change feed)"
    )
    session = IdFilter(field_name="session_id", label="Session (id)")
    provider = IdFilter(field_name="provider_id", label="Provider (id)")
    status = ChoiceFilter(choices=EnrolmentStatus.choices)

    class Meta:
        model = Enrolment
        fields: list[str] = []


class CompletionFilter(FilterSet):
    updated_since = IsoDateTimeFilter(
        field_name="updated_at", lookup_expr="gte", label="Changed at or after (change feed)"
    )
    provider = IdFilter(field_name="provider_id", label="Provider (id)")
    module = IdFilter(field_name="module_id", label="Module (id)")
    session = IdFilter(field_name="session_id", label="Session (id)")
    outcome = ChoiceFilter(choices=Outcome.choices)
    source = ChoiceFilter(choices=Source.choices)
    voided = StrictBooleanFilter(
        field_name="voided_at",
        lookup_expr="isnull",
        exclude=True,
        label="true: only voided records; false: only live ones",
    )

    class Meta:
        model = Completion
        fields: list[str] = []
