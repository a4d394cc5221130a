"""Prepares the load test's database and prints what its clients need, as JSON.

Run by `bench/loadtest.py` with the load test's DATABASE_URL, on a freshly generated
data set: a coordinator's token; provider logins with their tokens; competencies;
open sessions with room for everyone, for providers to enrol in; and a partner
centre's OAuth2 client with its sessions' external ids, for bulk enrolments.
"""

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "backend"), str(ROOT)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

import datetime as dt  # noqa: E402

from django.utils import timezone  # noqa: E402
from rest_framework_simplejwt.tokens import AccessToken  # noqa: E402

from accounts.models import User  # noqa: E402
from catalogue.models import Competency, Module  # noqa: E402
from common.roles import Role  # noqa: E402
from integrations.services import partner_client_create  # noqa: E402
from people.models import Organisation, OrganisationKind, Provider  # noqa: E402
from training.models import Funding, Session, SessionStatus  # noqa: E402

PROVIDER_LOGINS = 300
OPEN_SESSIONS = 40
PARTNER_SESSIONS = 10


def sessions(organiser: Organisation, count: int, prefix: str) -> list[Session]:
    """Open sessions next month with room for every client of the run."""
    modules = list(Module.objects.filter(is_active=True).order_by("id")[:count])
    starts = timezone.now() + dt.timedelta(days=30)
    return Session.objects.bulk_create(
        [
            Session(
                module=modules[n % len(modules)],
                organiser=organiser,
                title=f"{prefix} {n}",
                venue="Salle des fêtes",
                commune="Paimpol",
                capacity=100_000,
                funding=Funding.PAID,
                status=SessionStatus.OPEN,
                external_id=f"{prefix}-{n}" if prefix == "LOAD-P" else None,
                starts_at=starts + dt.timedelta(hours=n),
                ends_at=starts + dt.timedelta(hours=n + 3),
            )
            for n in range(count)
        ]
    )


def main() -> None:
    coordinator, _ = User.objects.get_or_create(
        username="load-coordinator", defaults={"role": Role.COORDINATOR}
    )
    providers = list(Provider.objects.filter(user__isnull=True).order_by("id")[:PROVIDER_LOGINS])
    logins = User.objects.bulk_create(
        [
            User(username=f"load-provider-{p.pk}", role=Role.PROVIDER, provider=p, password="!")
            for p in providers
        ]
    )
    office = Organisation.objects.exclude(kind=OrganisationKind.PARTNER_CENTRE).first()
    centre = Organisation.objects.filter(kind=OrganisationKind.PARTNER_CENTRE).first()
    if office is None or centre is None:
        raise SystemExit("load_setup: generate the data set first")
    open_sessions = sessions(office, OPEN_SESSIONS, "LOAD")
    partner_sessions = sessions(centre, PARTNER_SESSIONS, "LOAD-P")
    client, secret = partner_client_create(partner_centre=centre, name="load", actor=None)
    print(
        json.dumps(
            {
                "coordinator": str(AccessToken.for_user(coordinator)),
                "providers": [
                    {"token": str(AccessToken.for_user(login)), "provider": login.provider_id}
                    for login in logins
                ],
                "competencies": list(
                    Competency.objects.filter(is_active=True).values_list("pk", flat=True)
                ),
                "sessions": [session.pk for session in open_sessions],
                "partner_sessions": [session.external_id for session in partner_sessions],
                "client_id": client.application.client_id,
                "client_secret": secret,
            }
        )
    )


if __name__ == "__main__":
    main()
