"""Texts stored in French and English (django-modeltranslation)."""

from modeltranslation.translator import TranslationOptions, register

from catalogue import models


class Translated(TranslationOptions):
    """French is required; an empty English text falls back to the French one."""

    required_languages = ("fr",)
    fallback_undefined = ""
    empty_values = ""


@register(models.Framework)
class FrameworkTranslation(Translated):
    fields = ("name", "description")


@register(models.ProficiencyLevel)
class ProficiencyLevelTranslation(Translated):
    fields = ("name", "descriptor")


@register(models.Area)
class AreaTranslation(Translated):
    fields = ("name",)


@register(models.Competency)
class CompetencyTranslation(Translated):
    fields = ("name", "description")


@register(models.CompetencyLevel)
class CompetencyLevelTranslation(Translated):
    fields = ("descriptor",)


@register(models.Module)
class ModuleTranslation(Translated):
    fields = ("title", "description")


@register(models.LearningPath)
class LearningPathTranslation(Translated):
    fields = ("name", "description")
