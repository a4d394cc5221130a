"""People and structures in the admin."""

from django.contrib import admin

from people import models


@admin.register(models.Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "parent", "commune")
    list_filter = ("kind",)
    search_fields = ("name", "commune")


@admin.register(models.Business)
class BusinessAdmin(admin.ModelAdmin):
    list_display = ("name", "sector", "commune", "office")
    list_filter = ("sector", "office")
    search_fields = ("name", "commune")


@admin.register(models.Provider)
class ProviderAdmin(admin.ModelAdmin):
    list_display = ("last_name", "first_name", "email", "business", "shares_progress_with_partners")
    list_filter = ("shares_progress_with_partners", "business__sector")
    search_fields = ("last_name", "first_name", "email", "business__name")
    autocomplete_fields = ["business"]
    filter_horizontal = ["assigned_paths"]


@admin.register(models.Trainer)
class TrainerAdmin(admin.ModelAdmin):
    list_display = ("last_name", "first_name", "email", "organisation")
    list_filter = ("organisation",)
    search_fields = ("last_name", "first_name", "email")
