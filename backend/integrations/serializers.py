"""Representations of partner clients."""

import datetime as dt
from functools import cached_property
from typing import Any

from django.utils import timezone
from rest_framework import serializers

from api.fields import StrictCharField
from api.serializers import StrictModelSerializer
from integrations import destinations
from integrations.models import (
    Participant,
    PartnerClient,
    WebhookDelivery,
    WebhookSubscription,
)
from integrations.services_bulk import MAX_ITEMS
from people.models import OrganisationKind
from training.models import Outcome
from training.serializers import completion_date_checked
from training.signals import EVENTS


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


class ParticipantLinkSerializer(StrictModelSerializer):
    """A partner centre's link to a provider under the centre's own id: `pending` until
    the provider (or a coordinator) confirms or refuses it."""

    partner_centre_name = serializers.CharField(source="partner_centre.name", read_only=True)

    class Meta:
        model = Participant
        fields = [
            "id",
            "partner_centre",
            "partner_centre_name",
            "provider",
            "external_id",
            "status",
            "created_at",
            "decided_at",
        ]
        read_only_fields = fields


class BulkParticipantSerializer(serializers.Serializer[Any]):
    """A centre's participant: its id, and who they are (matched by e-mail, else created)."""

    external_id = StrictCharField(max_length=100)
    email = serializers.EmailField(max_length=254)
    first_name = StrictCharField(max_length=100)
    last_name = StrictCharField(max_length=100)
    phone = StrictCharField(max_length=30, required=False, allow_blank=True)


class EnrolmentBulkItemSerializer(serializers.Serializer[Any]):
    """One enrolment, named by the centre's id, in one of the centre's sessions."""

    external_id = StrictCharField(max_length=100)
    session = StrictCharField(max_length=100, help_text="The session's external id.")
    participant = BulkParticipantSerializer()
    status = serializers.ChoiceField(choices=["enrolled", "cancelled"], default="enrolled")


OUTCOMES = frozenset(Outcome.values)


class CompletionBulkItemSerializer(serializers.Serializer[Any]):
    """One completion record, named by the centre's id."""

    external_id = StrictCharField(max_length=100)
    session = StrictCharField(max_length=100, help_text="The session's external id.")
    participant = StrictCharField(max_length=100, help_text="The participant's external id.")
    module = StrictCharField(max_length=40, help_text="The module's code.")
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    completed_on = serializers.DateField(required=False)

    def validate_completed_on(self, value: dt.date) -> dt.date:
        return completion_date_checked(value, self._today)

    @cached_property
    def _today(self) -> dt.date:
        """Today, read once for the items of a push (4 µs an item read each time)."""
        return timezone.localdate()

    @cached_property
    def _rules(self) -> tuple[dict[str, Any], bool]:
        """This serializer's `validate_<field>` rules, and whether it has a `validate`."""
        names: list[str] = list(self.fields.keys())
        rules = {
            name: getattr(self, f"validate_{name}")
            for name in names
            if hasattr(self, f"validate_{name}")
        }
        return rules, type(self).validate is not serializers.Serializer.validate

    def run_validation(self, data: Any = serializers.empty) -> Any:
        """A plainly valid item is taken as it is: the fields' checks cost about 70 µs an
        item, most of a push of 1,000. Any other item goes through them, which accept it
        or say what is wrong, so the answers are the fields' own."""
        plain = self.plainly_valid(data)
        return plain if plain is not None else super().run_validation(data)

    def within_rules(self, item: dict[str, Any]) -> dict[str, Any] | None:
        """The item through this serializer's own rules (`validate_<field>`, then
        `validate`), as the fields' path applies them; None if one refuses it."""
        rules, validates = self._rules
        try:
            for name, rule in rules.items():
                if name in item:
                    item[name] = rule(item[name])
            return dict(self.validate(item)) if validates else item
        except serializers.ValidationError:
            return None

    def plainly_valid(self, data: Any) -> dict[str, Any] | None:
        """The item as the fields and rules would return it, if it is valid beyond doubt;
        else None.

        Texts: strings of printable characters, not blank, without the spaces the fields
        trim, within their maximum length (no NUL, no surrogate, nothing to normalise).
        The date: what `date.fromisoformat` reads, which the field itself tries first."""
        if type(data) is not dict:
            return None
        item: dict[str, Any] = {}
        for name in ("external_id", "session", "participant", "module"):
            text = data.get(name)
            if not (
                type(text) is str
                and 0 < len(text) <= self.fields[name].max_length  # type: ignore[attr-defined]
                and text.isprintable()
                and text[0] != " "
                and text[-1] != " "
            ):
                return None
            item[name] = text
        outcome = data.get("outcome")
        if type(outcome) is not str or outcome not in OUTCOMES:
            return None
        item["outcome"] = outcome
        if "completed_on" in data:
            completed_on = data["completed_on"]
            if type(completed_on) is not str:
                return None
            try:
                item["completed_on"] = dt.date.fromisoformat(completed_on)
            except ValueError:
                return None
        return self.within_rules(item)


class EnrolmentBulkSerializer(serializers.Serializer[Any]):
    items = EnrolmentBulkItemSerializer(many=True, min_length=1, max_length=MAX_ITEMS)  # type: ignore[call-arg]


class CompletionBulkSerializer(serializers.Serializer[Any]):
    items = CompletionBulkItemSerializer(many=True, min_length=1, max_length=MAX_ITEMS)  # type: ignore[call-arg]


class BulkResultSerializer(serializers.Serializer[Any]):
    """What happened to one item."""

    index = serializers.IntegerField()
    external_id = serializers.CharField(allow_null=True)
    result = serializers.ChoiceField(choices=["created", "updated", "unchanged", "error"])
    code = serializers.CharField(required=False)
    field = serializers.CharField(required=False, allow_null=True)
    detail = serializers.CharField(required=False)


class BulkResponseSerializer(serializers.Serializer[Any]):
    results = BulkResultSerializer(many=True)


class WebhookSerializer(StrictModelSerializer):
    """A partner centre's subscription: where to POST which events, signed with `secret`."""

    url = serializers.URLField(max_length=500)

    events = serializers.ListField(
        child=serializers.ChoiceField(choices=[(e, e) for e in EVENTS]),
        min_length=1,
        max_length=len(EVENTS),
    )
    secret = StrictCharField(
        write_only=True,
        min_length=16,
        max_length=200,
        help_text="Used to sign deliveries (HMAC-SHA256); never shown again.",
    )

    class Meta:
        model = WebhookSubscription
        fields = [
            "id",
            "partner_centre",
            "url",
            "events",
            "secret",
            "is_active",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["partner_centre"]
        extra_kwargs = {"is_active": {"required": False}}

    def run_validation(self, data: Any = serializers.empty) -> Any:
        try:
            return super().run_validation(data)
        except serializers.ValidationError as exc:
            # An address the schema's `uri` format accepts but a server cannot call
            # (a host name label over 63 characters, say) is a rule of its own.
            detail: Any = exc.detail
            if isinstance(detail, dict) and "url" in detail:
                detail["url"] = [
                    serializers.ErrorDetail(str(error), "invalid_url")
                    if getattr(error, "code", None) == "invalid"
                    else error
                    for error in detail["url"]
                ]
            raise

    def validate_url(self, url: str) -> str:
        refused = destinations.saved_refusal(url)
        if refused:
            raise serializers.ValidationError(refused, code="invalid_url")
        return url

    def validate_events(self, events: list[str]) -> list[str]:
        return sorted(set(events))


class WebhookDeliverySerializer(StrictModelSerializer):
    """One event sent to a subscription: status, attempts, last answer."""

    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "event",
            "payload",
            "status",
            "attempts",
            "last_status_code",
            "last_error",
            "next_attempt_at",
            "delivered_at",
            "created_at",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "last_status_code": {
                "help_text": "The status code your endpoint answered the last attempt with; "
                "null when it did not answer."
            },
            "last_error": {
                "help_text": "Why the last attempt got no answer: `Not delivered.` (retried), "
                "or `Not delivered: this URL may not receive webhooks.` (final); empty "
                "when the endpoint answered."
            },
        }
