"""Representations of partner clients."""

from collections.abc import Mapping
from functools import cached_property
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers
from rest_framework.fields import SkipField, get_error_detail

from api.fields import StrictCharField
from api.serializers import StrictModelSerializer
from integrations import destinations
from integrations.bulk_upserts import MAX_ITEMS
from integrations.models import (
    Participant,
    PartnerClient,
    WebhookDelivery,
    WebhookSubscription,
)
from people.models import OrganisationKind
from training.models import Outcome
from training.serializers import CompletionDateField
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


class BulkItemSerializer(serializers.Serializer[Any]):
    """An item of a partner's bulk write, checked by this serializer's own fields, rules
    (`validate_<field>`) and `validate`, as a single write is.

    One instance checks every item of a request, and a field's answer to a value it has
    already checked in this request is reused: a field's checks depend on the value alone,
    and a request's items repeat their sessions, modules, outcomes and dates (the checks
    cost about 6 µs a text, for six fields an item and 1,000 items a request)."""

    @cached_property
    def _checks(self) -> list[tuple[Any, Any, dict[tuple[type, Any], tuple[bool | None, Any]]]]:
        """Each writable field with its `validate_<field>` rule and its answers so far."""
        return [
            (field, getattr(self, f"validate_{field.field_name}", None), {})
            for field in self._writable_fields
        ]

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, Mapping):
            return super().to_internal_value(data)
        validated: dict[str, Any] = {}
        errors: dict[str, Any] = {}
        for field, rule, answers in self._checks:
            primitive = field.get_value(data)
            key: tuple[type, Any] | None = (type(primitive), primitive)
            known: tuple[bool | None, Any] | None
            try:
                known = answers.get(key)  # type: ignore[arg-type]
            except TypeError:  # an unhashable value (an object, a list): checked each time
                key, known = None, None
            if known is None:
                known = self._answer(field, rule, primitive)
                if key is not None:
                    answers[key] = known
            valid, answer = known
            if valid is None:  # an optional field not given
                continue
            if valid:
                self.set_value(validated, field.source_attrs, answer)
            else:
                errors[field.field_name] = answer
        if errors:
            raise serializers.ValidationError(errors)
        return validated

    @staticmethod
    def _answer(field: Any, rule: Any, primitive: Any) -> tuple[bool | None, Any]:
        """A field's answer to a value, as `Serializer.to_internal_value` computes it:
        (True, the value), (False, the error's detail), or (None, None) to leave it out."""
        try:
            value = field.run_validation(primitive)
            if rule is not None:
                value = rule(value)
        except serializers.ValidationError as exc:
            return False, exc.detail
        except DjangoValidationError as exc:
            return False, get_error_detail(exc)
        except SkipField:
            return None, None
        return True, value


class BulkParticipantSerializer(serializers.Serializer[Any]):
    """A centre's participant: its id, and who they are (matched by e-mail, else created)."""

    external_id = StrictCharField(max_length=100)
    email = serializers.EmailField(max_length=254)
    first_name = StrictCharField(max_length=100)
    last_name = StrictCharField(max_length=100)
    phone = StrictCharField(max_length=30, required=False, allow_blank=True)


class EnrolmentBulkItemSerializer(BulkItemSerializer):
    """One enrolment, named by the centre's id, in one of the centre's sessions."""

    external_id = StrictCharField(max_length=100)
    session = StrictCharField(max_length=100, help_text="The session's external id.")
    participant = BulkParticipantSerializer()
    status = serializers.ChoiceField(choices=["enrolled", "cancelled"], default="enrolled")


class CompletionBulkItemSerializer(BulkItemSerializer):
    """One completion record, named by the centre's id."""

    external_id = StrictCharField(max_length=100)
    session = StrictCharField(max_length=100, help_text="The session's external id.")
    participant = StrictCharField(max_length=100, help_text="The participant's external id.")
    module = StrictCharField(max_length=40, help_text="The module's code.")
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    completed_on = CompletionDateField()


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
