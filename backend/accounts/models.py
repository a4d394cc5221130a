"""Logins and the role each one plays in the programme."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q


class Role(models.TextChoices):
    COORDINATOR = "coordinator", "Coordinateur·rice"
    TRAINER = "trainer", "Formateur·rice"
    PROVIDER = "provider", "Prestataire"
    PARTNER = "partner", "Centre partenaire"


class User(AbstractUser):
    """A person's login; `role` says what they may do (superusers may do everything).

    A provider login belongs to a provider, a trainer login to a trainer, a
    partner login to a partner centre; a coordinator login to none of them.
    """

    role = models.CharField("rôle", max_length=20, choices=Role.choices, default=Role.PROVIDER)
    provider = models.OneToOneField(
        "people.Provider",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="user",
        verbose_name="prestataire",
    )
    trainer = models.OneToOneField(
        "people.Trainer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="user",
        verbose_name="formateur·rice",
    )
    partner_centre = models.ForeignKey(
        "people.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name="centre partenaire",
    )

    class Meta:
        verbose_name = "compte"
        verbose_name_plural = "comptes"
        constraints = [
            models.CheckConstraint(
                condition=Q(role__in=Role.values), name="accounts_user_role_valid"
            ),
            models.CheckConstraint(
                condition=Q(provider__isnull=True) | Q(role=Role.PROVIDER),
                name="accounts_user_provider_only_for_providers",
            ),
            models.CheckConstraint(
                condition=Q(trainer__isnull=True) | Q(role=Role.TRAINER),
                name="accounts_user_trainer_only_for_trainers",
            ),
            models.CheckConstraint(
                condition=Q(partner_centre__isnull=True) | Q(role=Role.PARTNER),
                name="accounts_user_centre_only_for_partners",
            ),
        ]
