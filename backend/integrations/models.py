"""Partner centres' clients and the ids they give to their records."""

from django.conf import settings
from django.db import models
from oauth2_provider.models import Application

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


class Participant(models.Model):
    """A partner centre's own id for a provider (unique per centre)."""

    partner_centre = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="participants"
    )
    external_id = models.CharField("identifiant externe", max_length=100)
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="external_ids")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "participant externe"
        verbose_name_plural = "participants externes"
        constraints = [
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
    it and gets the stored answer; a concurrent twin waits for it. Kept at least
    24 hours (`manage.py purge_idempotency_keys` removes older ones).
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
