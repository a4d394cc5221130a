"""The roles a login acts with, defined once.

A login's role (`accounts.User.role`) is one of these plain strings; a Django
superuser acts as a coordinator. The permission classes (`api.permissions`) and the
apps' scoping read them from here, so no app below accounts has to import it.
"""

from typing import Any

from django.db import models

COORDINATOR = "coordinator"
TRAINER = "trainer"
PROVIDER = "provider"
PARTNER = "partner"
# A request with no signed-in login or client: a role of no login.
ANONYMOUS = "anonymous"


class Role(models.TextChoices):
    """The roles a login may have, with their labels."""

    COORDINATOR = COORDINATOR, "Coordinateur·rice"
    TRAINER = TRAINER, "Formateur·rice"
    PROVIDER = PROVIDER, "Prestataire"
    PARTNER = PARTNER, "Centre partenaire"


ANY = frozenset({ANONYMOUS, COORDINATOR, TRAINER, PROVIDER, PARTNER})
SIGNED_IN = frozenset({COORDINATOR, TRAINER, PROVIDER, PARTNER})


def role_of(user: Any) -> str:
    """The role a request acts with: a superuser acts as a coordinator."""
    if user is None or not user.is_authenticated or not user.is_active:
        return ANONYMOUS
    if user.is_superuser:
        return COORDINATOR
    return str(getattr(user, "role", ANONYMOUS))


def is_coordinator(user: Any) -> bool:
    """True for a coordinator login or a superuser."""
    return role_of(user) == COORDINATOR
