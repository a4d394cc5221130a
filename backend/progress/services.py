"""Writes of self-assessments, and of the competency levels they lead to."""

import datetime as dt
from typing import Any

from django.db import connection, transaction

from people.models import Provider
from progress import profile_cache
from progress.models import SelfAssessment
from progress.signals import self_assessments_recorded

# The ratings' competency levels, each moved forward unless a later rating is already there (a
# competency level may hold only evidenced or target levels, with no rating yet): one statement
# for all of them, in the order of their key (two writers on the same provider wait for
# each other rather than lock rows in a circle). The same SQL on SQLite and PostgreSQL.
ADVANCE = """
INSERT INTO progress_currentlevel
    (provider_id, competency_id, level, assessed_at, self_assessment_id)
VALUES {rows}
ON CONFLICT (provider_id, competency_id) DO UPDATE
SET level = excluded.level, assessed_at = excluded.assessed_at,
    self_assessment_id = excluded.self_assessment_id
WHERE progress_currentlevel.assessed_at IS NULL
    OR progress_currentlevel.assessed_at <= excluded.assessed_at
"""


def _advance_current_levels(assessments: list[SelfAssessment]) -> None:
    """Make each competency's latest rating among `assessments` its current level, unless
    a later one is already current. Among ratings of the same competency, the latest wins,
    and of those at the same time the last, as if they were recorded one by one."""
    latest: dict[int, SelfAssessment] = {}
    for assessment in assessments:
        current = latest.get(assessment.competency_id)
        if current is None or assessment.assessed_at >= current.assessed_at:
            latest[assessment.competency_id] = assessment
    chosen = [latest[competency_id] for competency_id in sorted(latest)]
    adapt = connection.ops.adapt_datetimefield_value
    params = []
    for assessment in chosen:
        params += [
            assessment.provider_id,
            assessment.competency_id,
            assessment.level,
            adapt(assessment.assessed_at),
            assessment.pk,
        ]
    rows = ", ".join(["(%s, %s, %s, %s, %s)"] * len(chosen))
    with connection.cursor() as cursor:
        cursor.execute(ADVANCE.format(rows=rows), params)


@transaction.atomic
def self_assessments_create(
    *, provider: Provider, ratings: list[dict[str, Any]], assessed_at: dt.datetime, actor: Any
) -> list[SelfAssessment]:
    """Record a provider's ratings (all or none) and move their competency levels forward:
    the ratings in one statement, their audit events in another, their competency levels in a
    third, whatever their number."""
    created = SelfAssessment.objects.bulk_create(
        [
            SelfAssessment(
                provider=provider,
                competency=rating["competency"],
                level=rating["level"],
                comment=rating.get("comment", ""),
                assessed_at=rating.get("assessed_at") or assessed_at,
                recorded_by=actor,
            )
            for rating in ratings
        ]
    )
    # A bulk insert sends no model signal: the audit trail hears of it here.
    self_assessments_recorded.send(sender=SelfAssessment, records=created)
    _advance_current_levels(created)
    profile_cache.invalidate([provider.pk])
    return created
