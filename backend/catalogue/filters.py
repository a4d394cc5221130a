"""Filters on catalogue lists."""

import django_filters

from catalogue.models import Competency, Framework, LearningPath, Module, ModuleFormat


class FrameworkFilter(django_filters.FilterSet):
    class Meta:
        model = Framework
        fields = ["is_active"]


class CompetencyFilter(django_filters.FilterSet):
    framework_code = django_filters.CharFilter(
        field_name="framework__code", label="Framework code"
    )
    area_code = django_filters.CharFilter(field_name="area__code", label="Area code")

    class Meta:
        model = Competency
        fields = ["framework", "area", "is_active"]


class ModuleFilter(django_filters.FilterSet):
    format = django_filters.ChoiceFilter(choices=ModuleFormat.choices)
    competency = django_filters.NumberFilter(
        field_name="taught__competency", label="Teaches this competency (id)", distinct=True
    )
    competency_code = django_filters.CharFilter(
        field_name="taught__competency__code",
        label="Teaches this competency (code)",
        distinct=True,
    )

    class Meta:
        model = Module
        fields = ["format", "is_active"]


class LearningPathFilter(django_filters.FilterSet):
    module = django_filters.NumberFilter(
        field_name="steps__module", label="Has this module as a step (id)", distinct=True
    )
    competency = django_filters.NumberFilter(
        field_name="targets__competency", label="Targets this competency (id)", distinct=True
    )

    class Meta:
        model = LearningPath
        fields = ["is_active"]
