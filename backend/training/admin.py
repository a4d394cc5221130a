"""Sessions, enrolments and completions in the admin.

Completions are evidence: the admin shows them read-only (void them through the API).
"""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from training import models


class SessionSlotInline(admin.TabularInline):
    model = models.SessionSlot
    extra = 0


@admin.register(models.Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ("__str__", "organiser", "status", "starts_at", "capacity", "funding")
    list_filter = ("status", "funding", "organiser")
    search_fields = ("title", "venue", "commune", "external_id")
    readonly_fields = ("starts_at", "ends_at")
    filter_horizontal = ["trainers"]
    inlines = [SessionSlotInline]


@admin.register(models.Enrolment)
class EnrolmentAdmin(admin.ModelAdmin):
    list_display = ("provider", "session", "status", "created_at")
    list_filter = ("status",)
    search_fields = ("provider__last_name", "provider__email")
    raw_id_fields = ("session", "provider", "enrolled_by")


@admin.register(models.Completion)
class CompletionAdmin(admin.ModelAdmin):
    list_display = ("provider", "module", "session", "outcome", "completed_on", "voided_at")
    list_filter = ("outcome", "source")
    search_fields = ("provider__last_name", "module__code")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
