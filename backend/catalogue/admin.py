"""The catalogue in the Django admin, for the office's staff."""

from django.contrib import admin
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from catalogue import models


class ProficiencyLevelInline(TranslationTabularInline):
    model = models.ProficiencyLevel
    extra = 0


class AreaInline(TranslationTabularInline):
    model = models.Area
    extra = 0


@admin.register(models.Framework)
class FrameworkAdmin(TranslationAdmin):
    list_display = ("code", "name", "proficient_level", "is_active")
    search_fields = ("code", "name_fr", "name_en")
    inlines = [ProficiencyLevelInline, AreaInline]


class CompetencyLevelInline(TranslationTabularInline):
    model = models.CompetencyLevel
    extra = 0


@admin.register(models.Competency)
class CompetencyAdmin(TranslationAdmin):
    list_display = ("code", "name", "framework", "area", "order", "is_active")
    list_filter = ("framework", "area", "is_active")
    search_fields = ("code", "name_fr", "name_en")
    inlines = [CompetencyLevelInline]


class ModuleCompetencyInline(admin.TabularInline):
    model = models.ModuleCompetency
    extra = 0
    autocomplete_fields = ["competency"]


class ModulePrerequisiteInline(admin.TabularInline):
    model = models.ModulePrerequisite
    extra = 0
    autocomplete_fields = ["competency"]


@admin.register(models.Module)
class ModuleAdmin(TranslationAdmin):
    list_display = ("code", "title", "format", "duration_hours", "price", "is_active")
    list_filter = ("format", "is_active")
    search_fields = ("code", "title_fr", "title_en")
    inlines = [ModuleCompetencyInline, ModulePrerequisiteInline]


class PathStepInline(admin.TabularInline):
    model = models.PathStep
    extra = 0
    autocomplete_fields = ["module"]


class PathTargetInline(admin.TabularInline):
    model = models.PathTarget
    extra = 0
    autocomplete_fields = ["competency"]


@admin.register(models.LearningPath)
class LearningPathAdmin(TranslationAdmin):
    list_display = ("code", "name", "is_active")
    list_filter = ("is_active",)
    search_fields = ("code", "name_fr", "name_en")
    inlines = [PathStepInline, PathTargetInline]
