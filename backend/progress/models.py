"""Self-assessments (append-only history) and the current level they lead to."""

from django.conf import settings
from django.db import models

from catalogue.models import Competency
from people.models import Provider


class SelfAssessment(models.Model):
    """A provider's rating of their own level in one competency, at one moment."""

    provider = models.ForeignKey(
        Provider, on_delete=models.CASCADE, related_name="self_assessments"
    )
    competency = models.ForeignKey(
        Competency, on_delete=models.PROTECT, related_name="self_assessments"
    )
    level = models.PositiveSmallIntegerField("niveau")
    comment = models.TextField("commentaire", blank=True, default="")
    assessed_at = models.DateTimeField("date")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = "auto-évaluation"
        verbose_name_plural = "auto-évaluations"
        ordering = ["-assessed_at", "-id"]
        indexes = [
            models.Index(fields=["provider", "-assessed_at", "-id"], name="selfassessment_history"),
            # The whole history, newest first, read by cursor (coordinators, exports).
            models.Index(fields=["-assessed_at", "-id"], name="selfassessment_recent"),
            models.Index(fields=["competency", "assessed_at"], name="selfassessment_competency"),
        ]

    def __str__(self) -> str:
        return f"{self.provider_id} {self.competency_id} = {self.level}"


class CurrentLevel(models.Model):
    """A provider's latest self-assessed level in a competency.

    Written in the same transaction as each self-assessment, so reads never
    scan the history.
    """

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="current_levels")
    competency = models.ForeignKey(Competency, on_delete=models.PROTECT, related_name="+")
    level = models.PositiveSmallIntegerField("niveau")
    assessed_at = models.DateTimeField("date")
    self_assessment = models.ForeignKey(SelfAssessment, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = "niveau actuel"
        verbose_name_plural = "niveaux actuels"
        constraints = [
            models.UniqueConstraint(fields=["provider", "competency"], name="current_level_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.provider_id} {self.competency_id} = {self.level}"
