"""The people of the programme and the structures they belong to.

Businesses, providers and trainers are read through `objects.visible_to(user)`: the
rows the caller may see (docs/architecture.md, "Authorization").
"""

from collections.abc import Callable
from typing import Any

from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from common.roles import COORDINATOR, PARTNER, PROVIDER, TRAINER, role_of


class OrganisationKind(models.TextChoices):
    OFFICE = "office", "Office de tourisme"
    INFORMATION_OFFICE = "information_office", "Bureau d'information touristique"
    PARTNER_CENTRE = "partner_centre", "Centre de formation partenaire"


class Organisation(models.Model):
    """The tourism office, one of its information offices, or a partner training centre."""

    name = models.CharField("nom", max_length=200)
    kind = models.CharField("type", max_length=30, choices=OrganisationKind.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name="structure de rattachement",
    )
    commune = models.CharField("commune", max_length=120, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "structure"
        verbose_name_plural = "structures"
        ordering = ["kind", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=OrganisationKind.values), name="organisation_kind_valid"
            ),
            models.UniqueConstraint(fields=["name"], name="organisation_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class Sector(models.TextChoices):
    ACCOMMODATION = "accommodation", "Hébergement"
    FOOD_AND_DRINK = "food_and_drink", "Restauration"
    ACTIVITIES_AND_LEISURE = "activities_and_leisure", "Activités et loisirs"
    RETAIL = "retail", "Commerce"
    ASSOCIATION = "association", "Association"
    PUBLIC_BODY = "public_body", "Collectivité"
    OTHER = "other", "Autre"


# The participants a trainer or a partner centre sees are read from sessions and
# enrolments, which training owns, a floor above people: training hands people that
# read when it starts (`TrainingConfig.ready`), so people imports nothing of training.
ParticipantIds = Callable[[Any], "models.QuerySet[Any]"]
_participants: ParticipantIds | None = None


def set_participants_read(read: ParticipantIds) -> None:
    """Name the read giving the ids of the providers a trainer or a partner centre may
    see (called once, by training)."""
    global _participants
    _participants = read


class BusinessQuerySet(models.QuerySet["Business"]):
    def visible_to(self, user: Any) -> "BusinessQuerySet":
        """The businesses the caller may see: all for coordinators, else those of the
        providers they may see."""
        if role_of(user) == COORDINATOR:
            return self
        visible = Provider.objects.visible_to(user).exclude(business__isnull=True)
        return self.filter(pk__in=visible.values("business_id"))


class ProviderQuerySet(models.QuerySet["Provider"]):
    def visible_to(self, user: Any, *, progress: bool = False) -> "ProviderQuerySet":
        """The providers the caller may see: all for coordinators, themself for a provider,
        the participants of their sessions for a trainer or a partner centre.

        With `progress`, those whose progress (self-assessments, profile) the caller may
        read: the same, except that a partner centre reads only the participants who
        consented to share it.
        """
        role = role_of(user)
        if role == COORDINATOR:
            return self
        if role == PROVIDER and user.provider_id:
            return self.filter(pk=user.provider_id)
        if role in (TRAINER, PARTNER) and _participants is not None:
            visible = self.filter(pk__in=_participants(user))
            if progress and role == PARTNER:
                visible = visible.filter(shares_progress_with_partners=True)
            return visible
        return self.none()


class TrainerQuerySet(models.QuerySet["Trainer"]):
    def visible_to(self, user: Any) -> "TrainerQuerySet":
        """The trainers the caller may see: all for coordinators, themself for a trainer."""
        role = role_of(user)
        if role == COORDINATOR:
            return self
        if role == TRAINER and user.trainer_id:
            return self.filter(pk=user.trainer_id)
        return self.none()


class Business(models.Model):
    """A provider's establishment, followed by one of the office's information offices."""

    name = models.CharField("nom", max_length=200)
    sector = models.CharField("secteur", max_length=30, choices=Sector.choices)
    commune = models.CharField("commune", max_length=120)
    office = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="businesses",
        verbose_name="bureau d'information qui la suit",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = BusinessQuerySet.as_manager()

    class Meta:
        verbose_name = "établissement"
        verbose_name_plural = "établissements"
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(sector__in=Sector.values), name="business_sector"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.commune})"


class Provider(models.Model):
    """A learner: a person at a local business."""

    first_name = models.CharField("prénom", max_length=100)
    last_name = models.CharField("nom", max_length=100)
    email = models.EmailField("courriel", max_length=254)
    phone = models.CharField("téléphone", max_length=30, blank=True, default="")
    business = models.ForeignKey(
        Business,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="providers",
        verbose_name="établissement",
    )
    shares_progress_with_partners = models.BooleanField(
        "partage sa progression avec les centres partenaires", default=False
    )
    # A reference by name: the path a coordinator assigned, kept beside the person.
    assigned_paths = models.ManyToManyField(
        "catalogue.LearningPath",
        blank=True,
        related_name="assigned_providers",
        verbose_name="parcours assignés",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Set when the person's data was erased (anonymised); see docs/privacy.md.
    erased_at = models.DateTimeField("effacé le", null=True, blank=True)

    objects = ProviderQuerySet.as_manager()

    class Meta:
        verbose_name = "prestataire"
        verbose_name_plural = "prestataires"
        ordering = ["last_name", "first_name", "id"]
        indexes = [models.Index(fields=["updated_at", "id"], name="provider_changes")]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="provider_email_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"


class Trainer(models.Model):
    """A facilitator (a trainer of the office) or an outside trainer."""

    first_name = models.CharField("prénom", max_length=100)
    last_name = models.CharField("nom", max_length=100)
    email = models.EmailField("courriel", max_length=254)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="trainers", verbose_name="structure"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TrainerQuerySet.as_manager()

    class Meta:
        verbose_name = "formateur·rice"
        verbose_name_plural = "formateur·rices"
        ordering = ["last_name", "first_name", "id"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="trainer_email_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def is_facilitator(self) -> bool:
        """Facilitators (ANT) are the trainers of the office and its information offices."""
        return self.organisation.kind != OrganisationKind.PARTNER_CENTRE
