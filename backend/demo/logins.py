"""The demo logins, one per role, printed by `make run`.

These accounts exist only in the demo database that `make run` builds; their
passwords are public on purpose and no production data set contains them.
The trainer, provider and partner logins belong to people of the demo data set
(fixtures/people.json): load it first (`load_people`).
"""

from dataclasses import dataclass

from django.db import transaction

from accounts.models import User
from common.roles import Role
from people.models import Organisation, OrganisationKind, Provider, Trainer

DEMO_PASSWORD = "parcours-demo"


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    description: str
    superuser: bool = False
    # Who the login belongs to, by natural key (email, organisation name); for one role each.
    provider_email: str = ""
    trainer_email: str = ""
    partner_centre: str = ""


DEMO_LOGINS = [
    DemoLogin("admin", Role.COORDINATOR, "superuser: the admin and every right", superuser=True),
    DemoLogin("coordinatrice", Role.COORDINATOR, "coordinator at the tourism office"),
    DemoLogin(
        "animatrice",
        Role.TRAINER,
        "trainer: Gwenaëlle Le Bihan, digital facilitator of the office",
        trainer_email="gwenaelle.lebihan@example.org",
    ),
    DemoLogin(
        "prestataire",
        Role.PROVIDER,
        "provider: Soazig Kerbrat, B&B in Carantec (Web 2.0 in 2019, follow-up path)",
        provider_email="soazig.kerbrat@example.fr",
    ),
    DemoLogin(
        "centre-partenaire",
        Role.PARTNER,
        "partner centre: Centre de formation Léon Avenir (Saint-Pol-de-Léon)",
        partner_centre="Centre de formation Léon Avenir",
    ),
]


class DemoLoginError(Exception):
    """A demo login cannot be linked to the person or centre it belongs to."""


def _link(user: User, login: DemoLogin) -> None:
    """Point the login at its provider, trainer or partner centre (and at nothing else)."""
    user.provider = user.trainer = user.partner_centre = None
    try:
        if login.provider_email:
            user.provider = Provider.objects.get(email__iexact=login.provider_email)
            user.email = user.provider.email
        if login.trainer_email:
            user.trainer = Trainer.objects.get(email__iexact=login.trainer_email)
            user.email = user.trainer.email
        if login.partner_centre:
            user.partner_centre = Organisation.objects.get(
                name=login.partner_centre, kind=OrganisationKind.PARTNER_CENTRE
            )
    except (Provider.DoesNotExist, Trainer.DoesNotExist, Organisation.DoesNotExist) as error:
        raise DemoLoginError(
            f"The demo login {login.username!r} belongs to demo data that is missing: "
            "load the demo people first."
        ) from error
    others = User.objects.exclude(pk=user.pk)
    if (user.provider is not None and others.filter(provider=user.provider).exists()) or (
        user.trainer is not None and others.filter(trainer=user.trainer).exists()
    ):
        raise DemoLoginError(f"Another login already belongs to the person of {login.username!r}.")


@transaction.atomic
def ensure_demo_logins() -> list[DemoLogin]:
    """Create the demo logins if missing, link them, and reset their password to the demo one."""
    for login in DEMO_LOGINS:
        user, _ = User.objects.get_or_create(username=login.username)
        user.role = login.role
        user.is_superuser = login.superuser
        # Only the office's staff use the admin; the other roles work through the API.
        user.is_staff = login.role == Role.COORDINATOR
        user.is_active = True
        _link(user, login)
        user.set_password(DEMO_PASSWORD)
        user.save()
    return DEMO_LOGINS
