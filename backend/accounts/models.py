"""Logins and the role each one plays in the programme."""

from django.contrib.auth.models import AbstractUser
from django.db import models


class Role(models.TextChoices):
    COORDINATOR = "coordinator", "Coordinateur·rice"
    TRAINER = "trainer", "Formateur·rice"
    PROVIDER = "provider", "Prestataire"
    PARTNER = "partner", "Centre partenaire"


class User(AbstractUser):
    """A person's login; `role` says what they may do (superusers may do everything)."""

    role = models.CharField("rôle", max_length=20, choices=Role.choices, default=Role.PROVIDER)

    class Meta:
        verbose_name = "compte"
        verbose_name_plural = "comptes"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="accounts_user_role_valid"
            ),
        ]
