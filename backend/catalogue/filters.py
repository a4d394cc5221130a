"""Filters on catalogue lists."""

import django_filters

from api.filters import ChoiceFilter, FilterSet, IdFilter
from catalogue.models import Competency, Framework, LearningPath, Module, ModuleFormat


class FrameworkFilter(FilterSet):
    class Meta:
        model = Framework
        fields = ["is_active"]


class CompetencyFilter(FilterSet):
    framework = IdFilter(field_name="framework_id", label="Framework (id)")
    area = IdFilter(field_name="area_id", label="Area (id)")
    framework_code = django_filters.CharFilter(field_name="framework__code", label="Framework code")
    area_code = django_filters.CharFilter(field_name="area__code", label="Area code")

    class Meta:
        model = Competency
        fields = ["is_active"]


class ModuleFilter(FilterSet):
    # `?format=` is reserved for the response format (json, csv, xlsx) across the API.
    module_format = ChoiceFilter(
        field_name="format", choices=ModuleFormat.choices, label="Module format"
    )
    competency = IdFilter(
        field_name="taught__competency", label="Teaches this competency (id)", distinct=True
    )
    competency_code = django_filters.CharFilter(
        field_name="taught__competency__code",
        label="Teaches this competency (code)",
        distinct=True,
    )

    class Meta:
        model = Module
        fields = ["is_active"]


class LearningPathFilter(FilterSet):
    module = IdFilter(
        field_name="steps__module", label="Has this module as a step (id)", distinct=True
    )
    competency = IdFilter(
        field_name="targets__competency", label="Targets this competency (id)", distinct=True
    )

    class Meta:
        model = LearningPath
        fields = ["is_active"]
