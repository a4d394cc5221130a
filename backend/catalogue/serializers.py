"""Representations of the framework and the catalogue, with nested writes."""

from decimal import Decimal
from typing import Any

from django.db.models import Model
from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail

from api.fields import StrictCharField, StrictIntegerField
from api.serializers import StrictModelSerializer
from api.translation import translated_fields, translated_kwargs
from catalogue import selectors, services
from catalogue.models import (
    Area,
    Competency,
    CompetencyLevel,
    Framework,
    LearningPath,
    Module,
    ModuleCompetency,
    ModulePrerequisite,
    PathStep,
    PathTarget,
    ProficiencyLevel,
)

CODE_PATTERN = r"^[A-Z][A-Z0-9_-]*$"
CODE_HELP = "Upper-case letters, digits, '_' and '-', starting with a letter."


class CodeField(StrictCharField):
    """A code: upper-case, digits, `_` and `-`."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 40)
        kwargs.setdefault("help_text", CODE_HELP)
        super().__init__(pattern=CODE_PATTERN, **kwargs)


def _duplicates(values: list[Any]) -> set[Any]:
    seen: set[Any] = set()
    return {value for value in values if value in seen or seen.add(value)}  # type: ignore[func-returns-value]


class ProficiencyLevelSerializer(StrictModelSerializer):
    is_proficient = serializers.SerializerMethodField(
        help_text="True from the framework's first proficient level upwards."
    )
    code = CodeField()

    class Meta:
        model = ProficiencyLevel
        fields = ["value", "code", *translated_fields("name", "descriptor"), "is_proficient"]
        extra_kwargs = {
            "value": {"min_value": 0, "max_value": 20},
            **translated_kwargs(required=("name",), optional=("descriptor",)),
        }
        validators: list[Any] = []

    def get_is_proficient(self, level: ProficiencyLevel) -> bool:
        return level.value >= level.framework.proficient_level


class AreaSerializer(StrictModelSerializer):
    code = CodeField()

    class Meta:
        model = Area
        fields = ["id", "code", *translated_fields("name"), "order"]
        extra_kwargs = {"order": {"max_value": 32767}, **translated_kwargs(required=("name",))}
        validators: list[Any] = []


class FrameworkSerializer(StrictModelSerializer):
    """A framework with its proficiency scale and areas, written in one request."""

    code = CodeField()
    levels = ProficiencyLevelSerializer(  # type: ignore[call-arg]
        many=True,
        min_length=2,
        help_text="The whole scale, levels 0..n in order; at least two levels.",
    )
    areas = AreaSerializer(many=True, required=False, help_text="Areas, matched by code.")

    class Meta:
        model = Framework
        fields = [
            "id",
            "code",
            *translated_fields("name", "description"),
            "proficient_level",
            "is_active",
            "levels",
            "areas",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {
            "proficient_level": {"min_value": 1, "max_value": 20},
            **translated_kwargs(required=("name",), optional=("description",)),
        }

    def validate_code(self, value: str) -> str:
        others = Framework.objects.filter(code=value)
        if self.instance is not None:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise serializers.ValidationError("A framework with this code exists.", code="unique")
        return value

    def validate_levels(self, levels: list[dict[str, Any]]) -> list[dict[str, Any]]:
        values = [level["value"] for level in levels]
        if len(levels) < 2:
            raise serializers.ValidationError(
                "A scale needs at least two levels.", code="invalid_scale"
            )
        if sorted(values) != list(range(len(values))):
            raise serializers.ValidationError(
                "Levels must be numbered 0, 1, 2, … without gaps or repeats.", code="invalid_scale"
            )
        if _duplicates([level["code"] for level in levels]):
            raise serializers.ValidationError("Level codes must be unique.", code="unique")
        if self.instance is not None:
            in_use = selectors.framework_levels_in_use(framework=self.instance)
            removed = in_use - set(values)
            if removed:
                raise serializers.ValidationError(
                    f"Levels {sorted(removed)} are in use and cannot be removed.", code="in_use"
                )
        return sorted(levels, key=lambda level: level["value"])

    def validate_areas(self, areas: list[dict[str, Any]]) -> list[dict[str, Any]]:
        if _duplicates([area["code"] for area in areas]):
            raise serializers.ValidationError("Area codes must be unique.", code="unique")
        return areas

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        levels = attrs.get("levels")
        proficient = attrs.get("proficient_level")
        if levels is not None and proficient is not None and proficient >= len(levels):
            raise serializers.ValidationError(
                {"proficient_level": "Must be a level of the scale."}, code="out_of_scale"
            )
        return attrs

    def create(self, validated_data: dict[str, Any]) -> Framework:
        return services.framework_create(data=validated_data)

    def update(self, instance: Framework, validated_data: dict[str, Any]) -> Framework:
        return services.framework_update(framework=instance, data=validated_data)


class CompetencyLevelSerializer(StrictModelSerializer):
    class Meta:
        model = CompetencyLevel
        fields = ["level", *translated_fields("descriptor")]
        extra_kwargs = {"level": {"max_value": 20}, **translated_kwargs(required=("descriptor",))}
        validators: list[Any] = []


class CompetencySerializer(StrictModelSerializer):
    """A competency, its area and what each level of the scale means for it."""

    code = CodeField()
    framework_code = serializers.CharField(source="framework.code", read_only=True)
    area_code = serializers.CharField(source="area.code", read_only=True)
    levels = CompetencyLevelSerializer(
        source="level_descriptors",
        many=True,
        required=False,
        help_text="Descriptors per level of the framework's scale.",
    )

    class Meta:
        model = Competency
        fields = [
            "id",
            "framework",
            "framework_code",
            "area",
            "area_code",
            "code",
            *translated_fields("name", "description"),
            "order",
            "is_active",
            "levels",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {
            "order": {"max_value": 32767},
            **translated_kwargs(required=("name",), optional=("description",)),
        }
        validators: list[Any] = []

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        framework = attrs.get("framework") or getattr(self.instance, "framework", None)
        area = attrs.get("area") or getattr(self.instance, "area", None)
        code = attrs.get("code") or getattr(self.instance, "code", None)
        if framework is None:
            return attrs
        if area is not None and area.framework_id != framework.pk:
            raise serializers.ValidationError(
                {"area": "This area belongs to another framework."}, code="wrong_framework"
            )
        others = Competency.objects.filter(framework=framework, code=code)
        if self.instance is not None:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise serializers.ValidationError(
                {"code": "A competency with this code exists in this framework."}, code="unique"
            )
        scale = selectors.scale_of(framework)
        levels = attrs.get("level_descriptors") or []
        errors = {
            f"levels.{i}.level": ErrorDetail(
                "Not a level of the framework's scale.", "out_of_scale"
            )
            for i, item in enumerate(levels)
            if item["level"] not in scale
        }
        if errors:
            raise serializers.ValidationError(errors, code="out_of_scale")
        if _duplicates([item["level"] for item in levels]):
            raise serializers.ValidationError(
                {"levels": "One descriptor per level."}, code="unique"
            )
        return attrs

    def create(self, validated_data: dict[str, Any]) -> Competency:
        return services.competency_create(data=validated_data)

    def update(self, instance: Competency, validated_data: dict[str, Any]) -> Competency:
        return services.competency_update(competency=instance, data=validated_data)


class CompetencyLevelRefSerializer(StrictModelSerializer):
    """A competency named by id, with a level of its framework's scale."""

    competency_code = serializers.CharField(source="competency.code", read_only=True)

    class Meta:
        model: type[Model] = ModuleCompetency
        fields = ["competency", "competency_code", "level"]
        extra_kwargs = {"level": {"min_value": 1, "max_value": 20}}
        validators: list[Any] = []


class ModuleCompetencySerializer(CompetencyLevelRefSerializer):
    """A competency a module teaches and the level it brings a participant to."""

    class Meta(CompetencyLevelRefSerializer.Meta):
        model = ModuleCompetency


class ModulePrerequisiteSerializer(StrictModelSerializer):
    """A level a participant should have before taking the module."""

    competency_code = serializers.CharField(source="competency.code", read_only=True)

    class Meta:
        model = ModulePrerequisite
        fields = ["competency", "competency_code", "min_level"]
        extra_kwargs = {"min_level": {"min_value": 0, "max_value": 20}}
        validators: list[Any] = []


def _check_levels(
    items: list[dict[str, Any]], field: str, level_key: str, errors: dict[str, ErrorDetail]
) -> None:
    """Per-item errors for a competency repeated or a level outside its scale."""
    seen: set[int] = set()
    for i, item in enumerate(items):
        competency: Competency = item["competency"]
        if competency.pk in seen:
            errors[f"{field}.{i}.competency"] = ErrorDetail(
                "This competency is listed twice.", "duplicate"
            )
        seen.add(competency.pk)
        if item[level_key] not in selectors.scale_of(competency.framework):
            errors[f"{field}.{i}.{level_key}"] = ErrorDetail(
                "Not a level of the competency's scale.", "out_of_scale"
            )


class ModuleSerializer(StrictModelSerializer):
    """A module, the competencies it teaches (up to which level) and its prerequisites."""

    code = CodeField()
    competencies = ModuleCompetencySerializer(
        source="taught", many=True, required=False, help_text="Competencies taught."
    )
    prerequisites = ModulePrerequisiteSerializer(
        many=True, required=False, help_text="Levels required before the module."
    )

    class Meta:
        model = Module
        fields = [
            "id",
            "code",
            *translated_fields("title", "description"),
            "format",
            "duration_hours",
            "price",
            "is_active",
            "competencies",
            "prerequisites",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {
            "duration_hours": {"min_value": Decimal("0.5"), "max_value": Decimal(1000)},
            "price": {"min_value": Decimal(0), "max_value": Decimal(100000)},
            **translated_kwargs(required=("title",), optional=("description",)),
        }

    def validate_code(self, value: str) -> str:
        others = Module.objects.filter(code=value)
        if self.instance is not None:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise serializers.ValidationError("A module with this code exists.", code="unique")
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        errors: dict[str, ErrorDetail] = {}
        _check_levels(attrs.get("taught") or [], "competencies", "level", errors)
        _check_levels(attrs.get("prerequisites") or [], "prerequisites", "min_level", errors)
        if errors:
            raise serializers.ValidationError(errors)
        return attrs

    def create(self, validated_data: dict[str, Any]) -> Module:
        return services.module_create(data=validated_data)

    def update(self, instance: Module, validated_data: dict[str, Any]) -> Module:
        return services.module_update(module=instance, data=validated_data)


class PathStepSerializer(StrictModelSerializer):
    """A module at a position of a path."""

    module_code = serializers.CharField(source="module.code", read_only=True)
    position = StrictIntegerField(min_value=1, max_value=999)

    class Meta:
        model = PathStep
        fields = ["position", "module", "module_code", "is_required"]
        validators: list[Any] = []


class PathTargetSerializer(StrictModelSerializer):
    """The level a path aims for in a competency."""

    competency_code = serializers.CharField(source="competency.code", read_only=True)

    class Meta:
        model = PathTarget
        fields = ["competency", "competency_code", "level"]
        extra_kwargs = {"level": {"min_value": 0, "max_value": 20}}
        validators: list[Any] = []


class LearningPathSerializer(StrictModelSerializer):
    """A learning path: ordered steps and a target level per competency."""

    code = CodeField()
    steps = PathStepSerializer(many=True, required=False, help_text="Steps, by position.")
    targets = PathTargetSerializer(many=True, required=False, help_text="Target levels.")

    class Meta:
        model = LearningPath
        fields = [
            "id",
            "code",
            *translated_fields("name", "description"),
            "is_active",
            "steps",
            "targets",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = translated_kwargs(required=("name",), optional=("description",))

    def validate_code(self, value: str) -> str:
        others = LearningPath.objects.filter(code=value)
        if self.instance is not None:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise serializers.ValidationError("A path with this code exists.", code="unique")
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        errors: dict[str, ErrorDetail] = {}
        steps = attrs.get("steps") or []
        positions: set[int] = set()
        modules: set[int] = set()
        for i, step in enumerate(steps):
            if step["position"] in positions:
                errors[f"steps.{i}.position"] = ErrorDetail(
                    "Two steps at the same position.", "duplicate"
                )
            positions.add(step["position"])
            module: Module = step["module"]
            if module.pk in modules:
                errors[f"steps.{i}.module"] = ErrorDetail(
                    "This module is already a step of the path.", "duplicate"
                )
            elif not module.is_active:
                errors[f"steps.{i}.module"] = ErrorDetail("This module is inactive.", "inactive")
            modules.add(module.pk)
        _check_levels(attrs.get("targets") or [], "targets", "level", errors)
        if errors:
            raise serializers.ValidationError(errors)
        return attrs

    def create(self, validated_data: dict[str, Any]) -> LearningPath:
        return services.path_create(data=validated_data)

    def update(self, instance: LearningPath, validated_data: dict[str, Any]) -> LearningPath:
        return services.path_update(path=instance, data=validated_data)
