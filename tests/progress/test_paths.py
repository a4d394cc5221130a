"""The paths a provider follows, defined once in progress.paths."""

import pytest

from progress.paths import followed_paths, path_followers
from tests.factories import (
    EnrolmentFactory,
    LearningPathFactory,
    ProviderFactory,
    SessionFactory,
)
from training.models import EnrolmentStatus


@pytest.mark.django_db
def test_a_provider_follows_the_paths_assigned_and_those_of_their_path_sessions() -> None:
    assigned, enrolled, waitlisted, cancelled = (
        LearningPathFactory(code=code) for code in ("A", "E", "W", "C")
    )
    provider, other = ProviderFactory(), ProviderFactory()
    provider.assigned_paths.add(assigned)
    for path, status in (
        (enrolled, EnrolmentStatus.ENROLLED),
        (waitlisted, EnrolmentStatus.WAITLISTED),
        (cancelled, EnrolmentStatus.CANCELLED),
    ):
        session = SessionFactory(module=None, path=path)
        EnrolmentFactory(session=session, provider=provider, status=status)
    EnrolmentFactory(session=SessionFactory(), provider=provider)  # a module session
    other.assigned_paths.add(enrolled)

    rows = {(row["provider_id"], row["path_id"]) for row in followed_paths(providers=[provider.pk])}
    assert rows == {(provider.pk, assigned.pk), (provider.pk, enrolled.pk)}
    assert set(path_followers(enrolled.pk).values_list("pk", flat=True)) == {provider.pk, other.pk}
    assert set(path_followers(waitlisted.pk).values_list("pk", flat=True)) == set()
