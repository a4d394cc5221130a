"""Self-assessments in the admin: read-only, they are the providers' own words."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from progress import models


@admin.register(models.SelfAssessment)
class SelfAssessmentAdmin(admin.ModelAdmin):
    list_display = ("provider", "competency", "level", "assessed_at")
    list_filter = ("competency",)
    search_fields = ("provider__last_name", "provider__email")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(models.ProviderCompetencyLevel)
class ProviderCompetencyLevelAdmin(SelfAssessmentAdmin):
    list_display = ("provider", "competency", "level", "assessed_at")
