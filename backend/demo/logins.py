"""The demo logins, one per role, printed by `make run`.

These accounts exist only in the demo database that `make run` builds; their
passwords are public on purpose and no production data set contains them.
"""

from dataclasses import dataclass

from accounts.models import Role, User
from django.db import transaction

DEMO_PASSWORD = "parcours-demo"


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    description: str
    superuser: bool = False


DEMO_LOGINS = [
    DemoLogin("admin", Role.COORDINATOR, "superuser: the admin and every right", superuser=True),
    DemoLogin("coordinatrice", Role.COORDINATOR, "coordinator at the tourism office"),
]


@transaction.atomic
def ensure_demo_logins() -> list[DemoLogin]:
    """Create the demo logins if missing and reset their password to the demo one."""
    for login in DEMO_LOGINS:
        user, _ = User.objects.get_or_create(username=login.username)
        user.role = login.role
        user.is_superuser = login.superuser
        user.is_staff = True
        user.is_active = True
        user.set_password(DEMO_PASSWORD)
        user.save()
    return DEMO_LOGINS
