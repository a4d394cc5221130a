"""Prepares a benchmark database and prints what the load needs, as JSON.

Run by `bench/run.py` with the bench's DATABASE_URL: a coordinator login and its
token, a partner centre's OAuth2 client with external ids for its sessions and
participants, two 1,000-item completion pushes, ids of providers and
competencies, and the cursor of the self-assessment history at position
1,000,000 (or as deep as the history goes).
"""

import base64
import json
import os
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "backend"), str(ROOT)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.db.models import Max, Min  # noqa: E402
from django.utils import timezone  # noqa: E402
from rest_framework_simplejwt.tokens import AccessToken  # noqa: E402

from accounts.models import User  # noqa: E402
from catalogue.models import Competency  # noqa: E402
from common.roles import Role  # noqa: E402
from integrations.models import LinkStatus, Participant, PartnerClient  # noqa: E402
from integrations.services import partner_client_create  # noqa: E402
from people.models import Organisation, OrganisationKind, Provider  # noqa: E402
from progress.models import SelfAssessment  # noqa: E402
from training.models import Completion, Session, SessionStatus  # noqa: E402

DEEP = 1_000_000
ITEMS = 1000


def coordinator() -> User:
    user, _ = User.objects.get_or_create(
        username="bench-coordinator", defaults={"role": Role.COORDINATOR}
    )
    return user


def partner(centre: Organisation) -> tuple[str, str]:
    """A fresh client of the centre (its secret is shown only once)."""
    PartnerClient.objects.filter(partner_centre=centre, name="bench").delete()
    client, secret = partner_client_create(partner_centre=centre, name="bench", actor=None)
    return client.application.client_id, secret


@transaction.atomic
def external_ids(centre: Organisation) -> None:
    """The centre names its sessions `S<id>` and its participants `P<id>`."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE training_session SET external_id = 'S' || id "
            "WHERE organiser_id = %s AND external_id IS NULL",
            [centre.pk],
        )
    # The providers agreed to the centre's ids, as each would confirm its link (a pending
    # link refuses the centre's records: participant_pending).
    Participant.objects.filter(partner_centre=centre, status=LinkStatus.PENDING).update(
        status=LinkStatus.CONFIRMED, decided_at=timezone.now()
    )
    known = set(
        Participant.objects.filter(partner_centre=centre).values_list("provider_id", flat=True)
    )
    enrolled = set(
        Completion.objects.filter(session__organiser=centre).values_list("provider_id", flat=True)
    )
    Participant.objects.bulk_create(
        [
            Participant(
                partner_centre=centre,
                external_id=f"P{provider_id}",
                provider_id=provider_id,
                status=LinkStatus.CONFIRMED,
                decided_at=timezone.now(),
            )
            for provider_id in sorted(enrolled - known)
        ],
        batch_size=5000,
    )


def pushes(centre: Organisation) -> list[list[dict[str, Any]]]:
    """Two pairs of pushes, each pair the same 1,000 records with the outcome flipped: each
    push corrects all its records. The pairs name different providers, so two pushes sent
    at once (one per worker) write different rows, as two centres' pushes would.

    The centre's software becomes the source of these records: the trainers' records of
    the same participants and modules are voided first, so every item is written.
    """
    candidates = Completion.objects.filter(
        session__organiser=centre, session__status=SessionStatus.COMPLETED
    ).order_by("id")[: ITEMS * 4]
    rows = list(
        candidates.values_list("pk", "session_id", "provider_id", "module__code", "completed_on")
    )
    sets = [[row for row in rows if row[2] % 2 == parity][:ITEMS] for parity in (0, 1)]
    assert all(len(chosen) == ITEMS for chosen in sets), "Too few records for the pushes."
    Completion.objects.filter(
        pk__in=[row[0] for chosen in sets for row in chosen],
        voided_at__isnull=True,
        external_id__isnull=True,
    ).update(voided_at=timezone.now(), void_reason="replaced by the partner's records")
    return [
        [
            {
                "items": [
                    {
                        "external_id": f"B{session}-{provider}",
                        "session": f"S{session}",
                        "participant": f"P{provider}",
                        "module": module,
                        "outcome": outcome,
                        "completed_on": completed_on.isoformat(),
                    }
                    for _pk, session, provider, module, completed_on in chosen
                ]
            }
            for outcome in ("completed", "attended")
        ]
        for chosen in sets
    ]


def deep_cursor() -> tuple[str, int]:
    """The cursor of the history page that starts at position 1,000,000."""
    total = SelfAssessment.objects.count()
    position = min(DEEP, max(total - 100, 0))
    row = (
        SelfAssessment.objects.order_by("-assessed_at", "-id")
        .values_list("assessed_at", flat=True)[position : position + 1]
        .first()
    )
    # DRF's cursor: the ordering value the page starts after (`p`), read in reverse order.
    value = str(row if row is not None else timezone.now())
    token = base64.b64encode(urlencode({"p": value}).encode()).decode()
    return token, position


def main() -> None:
    centre = (
        Organisation.objects.filter(kind=OrganisationKind.PARTNER_CENTRE).order_by("id").first()
    )
    assert centre is not None, "The bench database has no partner centre: generate the dataset."
    external_ids(centre)
    client_id, secret = partner(centre)
    bounds = Provider.objects.aggregate(low=Min("pk"), high=Max("pk"))
    cursor, position = deep_cursor()
    session = (
        Session.objects.filter(organiser=centre).order_by("id").values_list("id", flat=True).first()
    )
    json.dump(
        {
            "token": str(AccessToken.for_user(coordinator())),
            "client_id": client_id,
            "client_secret": secret,
            "provider_low": bounds["low"],
            "provider_high": bounds["high"],
            "competencies": list(
                Competency.objects.filter(is_active=True).values_list("pk", flat=True)
            ),
            "deep_cursor": cursor,
            "deep_position": position,
            "pushes": pushes(centre),
            "centre": centre.pk,
            "session": session,
            "counts": {
                "providers": Provider.objects.count(),
                "self-assessments": SelfAssessment.objects.count(),
                "completions": Completion.objects.count(),
                "sessions": Session.objects.count(),
            },
        },
        sys.stdout,
    )


if __name__ == "__main__":
    main()
