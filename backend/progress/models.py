"""Self-assessments (append-only history) and the competency levels they lead to."""

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from catalogue.models import Competency
from common.roles import COORDINATOR, PARTNER, PROVIDER, TRAINER, role_of
from people.models import Provider


class SelfAssessmentQuerySet(models.QuerySet["SelfAssessment"]):
    def visible_to(self, user: Any) -> "SelfAssessmentQuerySet":
        """The self-assessments the caller may read: a provider their own; a trainer or a
        partner centre those of the providers whose progress they may read
        (`Provider.objects.visible_to(user, progress=True)`); coordinators all."""
        role = role_of(user)
        if role == COORDINATOR:
            return self
        if role == PROVIDER:
            return self.filter(provider_id=user.provider_id)
        if role in (TRAINER, PARTNER):
            readable = Provider.objects.visible_to(user, progress=True)
            return self.filter(provider__in=readable.values("pk"))
        return self.none()


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

    objects = SelfAssessmentQuerySet.as_manager()

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


class ProviderCompetencyLevel(models.Model):
    """A provider's levels in a competency: their latest self-assessed level, the level
    their completed modules evidence, and the target of the paths they follow (a
    provider's competency level; catalogue.CompetencyLevel describes one level of a
    competency's scale).

    Kept current in the writer's transaction: the self-assessed level with each
    self-assessment, the evidenced and target levels with each completion, enrolment,
    path assignment or catalogue change (see progress.competency_levels). So progress and
    reports read one row per provider and competency, never the history.
    """

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="current_levels")
    competency = models.ForeignKey(Competency, on_delete=models.PROTECT, related_name="+")
    level = models.PositiveSmallIntegerField("niveau", null=True, blank=True)
    assessed_at = models.DateTimeField("date", null=True, blank=True)
    self_assessment = models.ForeignKey(
        SelfAssessment, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    evidenced_level = models.PositiveSmallIntegerField("niveau attesté", null=True, blank=True)
    target_level = models.PositiveSmallIntegerField("niveau visé", null=True, blank=True)

    class Meta:
        # The table keeps the model's first name: the triggers frozen in migrations name it.
        db_table = "progress_currentlevel"
        verbose_name = "niveau actuel"
        verbose_name_plural = "niveaux actuels"
        constraints = [
            models.UniqueConstraint(fields=["provider", "competency"], name="current_level_unique"),
            models.CheckConstraint(
                condition=(
                    Q(level__isnull=True, assessed_at__isnull=True)
                    | Q(level__isnull=False, assessed_at__isnull=False)
                ),
                name="current_level_dated",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provider_id} {self.competency_id} = {self.level}"
