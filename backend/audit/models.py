"""The audit trail: one row per write, never changed nor deleted (a database trigger
refuses both, see the migration)."""

from django.db import models


class AuditEvent(models.Model):
    """A record created, changed or deleted: by whom, when, and what changed."""

    at = models.DateTimeField("date", auto_now_add=True)
    # Who: the login (its id and username at the time) and, for a partner centre's
    # software, its OAuth2 client id; none for the system (commands, tasks).
    actor_id = models.BigIntegerField("auteur (id)", null=True, blank=True)
    actor = models.CharField("auteur", max_length=150, blank=True, default="")
    client = models.CharField("client partenaire", max_length=100, blank=True, default="")
    record_type = models.CharField("type", max_length=60)
    record_id = models.BigIntegerField("enregistrement")
    action = models.CharField("action", max_length=10)
    # Created: the values written; updated: {field: [before, after]}; deleted: the values.
    changes = models.JSONField("changements", default=dict)

    class Meta:
        verbose_name = "événement du journal"
        verbose_name_plural = "journal"
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["-at", "-id"], name="audit_recent"),
            models.Index(fields=["record_type", "record_id"], name="audit_record"),
            models.Index(fields=["actor_id", "-at"], name="audit_actor"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor or '-'} {self.action} {self.record_type}"


class Redaction(models.Model):
    """An erasure under way: while its transaction holds a row here (inserted and deleted
    before it commits, so no other transaction ever sees it), the database lets that
    transaction rewrite the author and the changes of events, and nothing else of them."""

    started_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "audit_redaction"

    def __str__(self) -> str:
        return f"redaction {self.pk}"
