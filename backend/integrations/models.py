"""Partner centres' clients and the ids they give to their records.

Participant links and webhook subscriptions are read through `objects.visible_to(user)`:
the rows the caller may see (docs/architecture.md, "Authorization").
"""

from typing import Any

from django.conf import settings
from django.db import models
from oauth2_provider.models import Application

from common.roles import COORDINATOR, role_of
from people.models import Organisation, Provider


class PartnerClient(models.Model):
    """An OAuth2 client (client-credentials grant) of a partner centre.

    Its tokens act as the client's technical login (role partner, linked to the
    centre), so every scope rule for partner centres applies to them.
    """

    partner_centre = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="clients", verbose_name="centre"
    )
    name = models.CharField("nom", max_length=200)
    application = models.OneToOneField(
        Application, on_delete=models.PROTECT, related_name="partner_client"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField("révoqué le", null=True, blank=True)

    class Meta:
        verbose_name = "client partenaire"
        verbose_name_plural = "clients partenaires"
        ordering = ["partner_centre", "name", "id"]

    def __str__(self) -> str:
        return f"{self.partner_centre} – {self.name}"


class LinkStatus(models.TextChoices):
    PENDING = "pending", "En attente"
    CONFIRMED = "confirmed", "Confirmé"
    REFUSED = "refused", "Refusé"


class ParticipantQuerySet(models.QuerySet["Participant"]):
    def visible_to(self, user: Any) -> "ParticipantQuerySet":
        """The links the caller may see: a provider their own; coordinators all."""
        if role_of(user) == COORDINATOR:
            return self
        provider_id = getattr(user, "provider_id", None)
        if provider_id is None:
            return self.none()
        return self.filter(provider_id=provider_id)


class Participant(models.Model):
    """A partner centre's own id for a provider (unique per centre), and whether the
    provider agreed to it.

    A centre that pushes a new person's e-mail creates them, confirmed; an e-mail that
    is already a provider's makes a pending link, which the provider (or a coordinator)
    confirms or refuses. Until confirmed, the centre cannot enrol them nor record for them.
    """

    partner_centre = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="participants"
    )
    external_id = models.CharField("identifiant externe", max_length=100)
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="external_ids")
    status = models.CharField(
        "statut", max_length=20, choices=LinkStatus.choices, default=LinkStatus.PENDING
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField("décidé le", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = ParticipantQuerySet.as_manager()

    class Meta:
        verbose_name = "participant externe"
        verbose_name_plural = "participants externes"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=LinkStatus.values), name="participant_status"
            ),
            models.UniqueConstraint(
                fields=["partner_centre", "external_id"], name="participant_external_id_unique"
            ),
            models.UniqueConstraint(
                fields=["partner_centre", "provider"], name="participant_one_id_per_provider"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partner_centre_id}:{self.external_id}"


class IdempotencyRecord(models.Model):
    """A request sent with an `Idempotency-Key`, and the answer it got.

    The first request with a key inserts this row before it runs; a replay finds
    it and gets the stored answer; a concurrent twin waits for it. The key is kept
    whole, the request as its digest. Kept at least 24 hours (`manage.py
    purge_idempotency_keys` removes older ones), at most IDEMPOTENCY_MAX_KEYS a client.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "clé d'idempotence"
        verbose_name_plural = "clés d'idempotence"
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_unique"),
        ]
        indexes = [models.Index(fields=["created_at"], name="idempotency_created")]

    def __str__(self) -> str:
        return self.key


class WebhookSubscriptionQuerySet(models.QuerySet["WebhookSubscription"]):
    def visible_to(self, user: Any) -> "WebhookSubscriptionQuerySet":
        """The subscriptions the caller may see: a partner centre its own; coordinators all."""
        if role_of(user) == COORDINATOR:
            return self
        return self.filter(partner_centre_id=getattr(user, "partner_centre_id", None))


class WebhookSubscription(models.Model):
    """A partner centre's endpoint for events about its own sessions."""

    partner_centre = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="webhooks"
    )
    url = models.URLField("adresse", max_length=500)
    events = models.JSONField("évènements", default=list)
    secret = models.CharField("secret", max_length=200)
    is_active = models.BooleanField("actif", default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = WebhookSubscriptionQuerySet.as_manager()

    class Meta:
        verbose_name = "abonnement webhook"
        verbose_name_plural = "abonnements webhook"
        ordering = ["partner_centre", "id"]

    def __str__(self) -> str:
        return self.url


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "En attente"
    DELIVERED = "delivered", "Livrée"
    FAILED = "failed", "Abandonnée"


class WebhookDelivery(models.Model):
    """One event sent (or being sent) to one subscription, with its attempts."""

    subscription = models.ForeignKey(
        WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.CharField(max_length=50)
    payload = models.JSONField()
    status = models.CharField(
        max_length=20, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    last_status_code = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True, default="")
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "livraison webhook"
        verbose_name_plural = "livraisons webhook"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=DeliveryStatus.values), name="delivery_status"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.subscription_id}"
