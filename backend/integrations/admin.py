"""Partner clients in the admin: create (the secret is shown once) and revoke."""

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from integrations import services
from integrations.models import Participant, PartnerClient


@admin.register(PartnerClient)
class PartnerClientAdmin(admin.ModelAdmin):
    list_display = ("name", "partner_centre", "created_at", "revoked_at")
    list_filter = ("partner_centre",)
    fields = ("partner_centre", "name")
    actions = ["revoke"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        client, secret = services.partner_client_create(
            partner_centre=obj.partner_centre, name=obj.name, actor=request.user
        )
        obj.pk = client.pk
        messages.warning(
            request,
            f"Client id: {client.application.client_id} — secret (shown once): {secret}",
        )

    @admin.action(description="Révoquer les clients sélectionnés")
    def revoke(self, request: HttpRequest, queryset: QuerySet[PartnerClient]) -> None:
        for client in queryset:
            services.partner_client_revoke(client=client)


@admin.register(Participant)
class ParticipantAdmin(admin.ModelAdmin):
    list_display = ("external_id", "partner_centre", "provider", "status")
    list_filter = ("partner_centre", "status")
    search_fields = ("external_id", "provider__email")
