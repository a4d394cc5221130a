"""Filters on people lists."""

import django_filters

from api.filters import ChoiceFilter, FilterSet, IdFilter, IsoDateTimeFilter
from people.models import Business, Organisation, OrganisationKind, Provider, Sector, Trainer


class OrganisationFilter(FilterSet):
    kind = ChoiceFilter(choices=OrganisationKind.choices)
    parent = IdFilter(field_name="parent_id", label="Parent organisation (id)")

    class Meta:
        model = Organisation
        fields: list[str] = []


class BusinessFilter(FilterSet):
    sector = ChoiceFilter(choices=Sector.choices)
    office = IdFilter(field_name="office_id", label="Following office (id)")
    commune = django_filters.CharFilter(lookup_expr="iexact")

    class Meta:
        model = Business
        fields: list[str] = []


class ProviderFilter(FilterSet):
    updated_since = IsoDateTimeFilter(
        field_name="updated_at", lookup_expr="gte", label="Changed at or after (change feed)"
    )
    business = IdFilter(field_name="business_id", label="Business (id)")
    sector = ChoiceFilter(field_name="business__sector", choices=Sector.choices)
    office = IdFilter(field_name="business__office_id", label="Following office (id)")
    commune = django_filters.CharFilter(field_name="business__commune", lookup_expr="iexact")
    path = IdFilter(field_name="assigned_paths", label="Assigned path (id)", distinct=True)

    class Meta:
        model = Provider
        fields = ["shares_progress_with_partners"]


class TrainerFilter(FilterSet):
    organisation = IdFilter(field_name="organisation_id", label="Organisation (id)")

    class Meta:
        model = Trainer
        fields: list[str] = []
