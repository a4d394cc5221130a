"""The competency levels a provider should have, worked out from the facts by plain Python.

Tests compare it with the rows kept by progress.competency_levels after each kind of write.
"""

from collections import defaultdict

from catalogue.models import ModuleCompetency, PathTarget
from people.models import Provider
from progress.models import ProviderCompetencyLevel
from training.models import Completion, Enrolment


def expected_levels() -> dict[tuple[int, int], tuple[int | None, int | None]]:
    """(provider, competency) → (evidenced level, target level), for every non-empty pair."""
    taught: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for link in ModuleCompetency.objects.all():
        taught[link.module_id].append((link.competency_id, link.level))
    evidenced: dict[tuple[int, int], int] = {}
    for record in Completion.objects.filter(outcome="completed", voided_at__isnull=True):
        for competency_id, level in taught[record.module_id]:
            key = (record.provider_id, competency_id)
            evidenced[key] = max(evidenced.get(key, 0), level)
    followed: dict[int, set[int]] = defaultdict(set)
    for provider in Provider.objects.prefetch_related("assigned_paths"):
        followed[provider.pk] |= {path.pk for path in provider.assigned_paths.all()}
    for enrolment in Enrolment.objects.filter(status="enrolled", session__path__isnull=False):
        followed[enrolment.provider_id].add(enrolment.session.path_id)
    targets: dict[tuple[int, int], int] = {}
    for provider_id, paths in followed.items():
        for target in PathTarget.objects.filter(path_id__in=paths):
            key = (provider_id, target.competency_id)
            targets[key] = max(targets.get(key, 0), target.level)
    return {
        key: (evidenced.get(key), targets.get(key)) for key in evidenced.keys() | targets.keys()
    }


def stored_levels() -> dict[tuple[int, int], tuple[int | None, int | None]]:
    """The same, as kept in the database (pairs with neither level left out)."""
    return {
        (row.provider_id, row.competency_id): (row.evidenced_level, row.target_level)
        for row in ProviderCompetencyLevel.objects.all()
        if row.evidenced_level is not None or row.target_level is not None
    }
