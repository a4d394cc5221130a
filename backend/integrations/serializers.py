"""Representations of partner clients."""

from typing import Any

from rest_framework import serializers

from api.serializers import StrictModelSerializer
from integrations.models import PartnerClient
from people.models import OrganisationKind


class PartnerClientSerializer(StrictModelSerializer):
    """An OAuth2 client of a partner centre. `client_secret` appears once, at creation."""

    client_id = serializers.CharField(source="application.client_id", read_only=True)
    client_secret = serializers.SerializerMethodField(
        help_text="Shown once, in the answer to the creation; store it safely."
    )
    is_active = serializers.SerializerMethodField()

    class Meta:
        model = PartnerClient
        fields = [
            "id",
            "partner_centre",
            "name",
            "client_id",
            "client_secret",
            "is_active",
            "created_at",
            "revoked_at",
        ]
        read_only_fields = ["revoked_at"]

    def get_client_secret(self, client: PartnerClient) -> str | None:
        return getattr(client, "_secret", None)

    def get_is_active(self, client: PartnerClient) -> bool:
        return client.revoked_at is None

    def validate_partner_centre(self, centre: Any) -> Any:
        if centre.kind != OrganisationKind.PARTNER_CENTRE:
            raise serializers.ValidationError(
                "This organisation is not a partner centre.", code="wrong_kind"
            )
        return centre
