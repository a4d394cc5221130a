"""The paths a provider follows: those assigned to them, and those of the path sessions
they are enrolled in (an enrolment on the waiting list or cancelled does not count).

Defined here once, for the target levels (progress.competency_levels), the progress profile
(progress.selectors), their refreshes (progress.receivers) and the reports' groups by path.
"""

from typing import Any

from django.db.models import F, Q, QuerySet

from people.models import Provider
from training.models import Enrolment, EnrolmentStatus


def followed_paths_by_source(
    *, providers: Any = None, path_id: int | None = None
) -> tuple[QuerySet[Any], QuerySet[Any]]:
    """The paths followed, as `provider_id` and `path_id` rows in two parts: those assigned,
    and those of the path sessions enrolled in. Optionally only of `providers` (ids, or a
    subquery of them), or of one path."""
    assigned = Provider.assigned_paths.through.objects.all()
    enrolled = Enrolment.objects.filter(
        status=EnrolmentStatus.ENROLLED, session__path__isnull=False
    )
    if providers is not None:
        assigned = assigned.filter(provider_id__in=providers)
        enrolled = enrolled.filter(provider_id__in=providers)
    if path_id is not None:
        assigned = assigned.filter(learningpath_id=path_id)
        enrolled = enrolled.filter(session__path_id=path_id)
    return (
        assigned.values("provider_id", path_id=F("learningpath_id")).order_by(),
        enrolled.values("provider_id", path_id=F("session__path_id")).order_by(),
    )


def followed_paths(*, providers: Any = None, path_id: int | None = None) -> QuerySet[Any]:
    """(provider_id, path_id) rows, one per path a provider follows (see the module)."""
    assigned, enrolled = followed_paths_by_source(providers=providers, path_id=path_id)
    return assigned.union(enrolled)


def path_followers(path_id: int) -> QuerySet[Provider]:
    """The providers who follow a path."""
    assigned, enrolled = followed_paths_by_source(path_id=path_id)
    return Provider.objects.filter(
        Q(pk__in=assigned.values("provider_id")) | Q(pk__in=enrolled.values("provider_id"))
    )
