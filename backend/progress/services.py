"""Writes of self-assessments, and of the current levels they lead to."""

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet

from catalogue.models import Competency
from people.models import Provider
from progress.models import CurrentLevel, SelfAssessment


def _not_later(assessment: SelfAssessment) -> QuerySet[CurrentLevel]:
    """The provider's standing in the competency, unless a later rating is already there
    (a standing may hold only evidenced or target levels, with no rating yet)."""
    return CurrentLevel.objects.filter(
        Q(assessed_at__isnull=True) | Q(assessed_at__lte=assessment.assessed_at),
        provider_id=assessment.provider_id,
        competency_id=assessment.competency_id,
    )


def _advance_current_level(assessment: SelfAssessment) -> None:
    """Make `assessment` the current level unless a later one is already current."""
    updated = _not_later(assessment).update(
        level=assessment.level, assessed_at=assessment.assessed_at, self_assessment=assessment
    )
    if updated:
        return
    try:
        with transaction.atomic():
            CurrentLevel.objects.create(
                provider_id=assessment.provider_id,
                competency_id=assessment.competency_id,
                level=assessment.level,
                assessed_at=assessment.assessed_at,
                self_assessment=assessment,
            )
    except IntegrityError:
        # A row exists: it holds a later assessment (else the update took it) or a
        # concurrent insert just won; take it over if this assessment is later.
        _not_later(assessment).update(
            level=assessment.level,
            assessed_at=assessment.assessed_at,
            self_assessment=assessment,
        )


@transaction.atomic
def self_assessments_create(
    *, provider: Provider, ratings: list[dict[str, Any]], assessed_at: dt.datetime, actor: Any
) -> list[SelfAssessment]:
    """Record a provider's ratings (all or none) and move their current levels forward."""
    created = []
    for rating in ratings:
        competency: Competency = rating["competency"]
        assessment = SelfAssessment.objects.create(
            provider=provider,
            competency=competency,
            level=rating["level"],
            comment=rating.get("comment", ""),
            assessed_at=rating.get("assessed_at") or assessed_at,
            recorded_by=actor,
        )
        _advance_current_level(assessment)
        created.append(assessment)
    return created
