"""Each receiver of progress.receivers is connected to what it follows, and does what its
name says: the refresh (progress.competency_levels) and the cached profiles dropped
(progress.profile_cache). What the refreshes compute is tested in
test_competency_levels.py, what the cached profiles show in test_profile_cache.py."""

from types import SimpleNamespace
from typing import Any

import pytest
from django.db.models.signals import m2m_changed, post_delete, post_save

from catalogue.models import Module, ModuleCompetency, PathTarget
from people.models import Provider
from progress import receivers
from progress.models import ProviderCompetencyLevel, SelfAssessment
from progress.paths import path_followers
from training.models import Completion, Enrolment, Session
from training.signals import written_in_bulk

CONNECTED = [
    (post_save, Completion, receivers.refresh_evidence_after_completion),
    (post_delete, Completion, receivers.refresh_evidence_after_completion),
    (written_in_bulk, Completion, receivers.refresh_evidence_after_bulk_completions),
    (post_save, Enrolment, receivers.refresh_targets_after_enrolment),
    (post_delete, Enrolment, receivers.refresh_targets_after_enrolment),
    (post_save, Session, receivers.refresh_targets_after_session_change),
    (post_delete, Session, receivers.forget_profiles_after_session_deletion),
    (
        m2m_changed,
        Provider.assigned_paths.through,
        receivers.refresh_targets_after_path_assignment,
    ),
    (post_save, ModuleCompetency, receivers.refresh_evidence_after_module_competency_change),
    (post_delete, PathTarget, receivers.refresh_targets_after_path_target_change),
    (post_save, Module, receivers.forget_profiles_after_catalogue_change),
    (post_save, SelfAssessment, receivers.forget_profile_after_provider_data_change),
    (post_delete, ProviderCompetencyLevel, receivers.forget_profile_after_provider_data_change),
    (post_delete, Provider, receivers.forget_profile_after_provider_data_change),
]


@pytest.mark.parametrize(
    ("signal", "sender", "receiver"), CONNECTED, ids=[c[2].__name__ for c in CONNECTED]
)
def test_each_receiver_is_connected(signal: Any, sender: Any, receiver: Any) -> None:
    sync_receivers, _async_receivers = signal._live_receivers(sender)
    assert receiver in sync_receivers


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, Any]]:
    """Every refresh and every profile dropped, as (what, about whom)."""
    made: list[tuple[str, Any]] = []
    for name in ("refresh_evidence", "refresh_targets"):
        monkeypatch.setattr(
            receivers.competency_levels, name, lambda *a, _n=name, **k: made.append((_n, a))
        )
    # A query of the providers to refresh, recorded as its SQL.
    for name in ("refresh_evidence_of", "refresh_targets_of"):
        monkeypatch.setattr(
            receivers.competency_levels,
            name,
            lambda query, _n=name: made.append((_n, str(query.query))),
        )
    monkeypatch.setattr(
        receivers.profile_cache, "invalidate", lambda ids: made.append(("forget", set(ids)))
    )
    monkeypatch.setattr(
        receivers.profile_cache, "invalidate_all", lambda: made.append(("forget_all", None))
    )
    return made


def test_a_completion_refreshes_its_providers_evidence(calls: list[Any]) -> None:
    receivers.refresh_evidence_after_completion(SimpleNamespace(provider_id=7))
    assert calls == [("refresh_evidence", ([7],)), ("forget", {7})]


def test_bulk_completions_refresh_only_what_their_modules_teach(calls: list[Any]) -> None:
    records = [
        SimpleNamespace(provider_id=7, module_id=3),
        SimpleNamespace(provider_id=8, module_id=3),
    ]
    receivers.refresh_evidence_after_bulk_completions(records)
    assert calls == [("refresh_evidence", ({7, 8}, {3})), ("forget", {7, 8})]


def test_an_enrolment_refreshes_its_providers_targets(calls: list[Any]) -> None:
    receivers.refresh_targets_after_enrolment(SimpleNamespace(provider_id=7))
    assert calls == [("refresh_targets", ([7],)), ("forget_all", None)]


def test_a_session_whose_path_may_have_moved_refreshes_its_participants(
    calls: list[Any],
) -> None:
    receivers.refresh_targets_after_session_change(
        SimpleNamespace(pk=5), created=False, update_fields=None
    )
    participants = Enrolment.objects.filter(session_id=5).values("provider_id")
    assert calls == [("forget_all", None), ("refresh_targets_of", str(participants.query))]
    calls.clear()
    receivers.refresh_targets_after_session_change(
        SimpleNamespace(pk=5), created=False, update_fields={"status"}
    )
    assert calls == [("forget_all", None)]


def test_paths_assigned_refresh_the_providers_targets(calls: list[Any]) -> None:
    provider = SimpleNamespace(pk=7)
    receivers.refresh_targets_after_path_assignment(
        provider, action="post_add", reverse=False, pk_set={2}
    )
    assert calls == [("refresh_targets", ([7],)), ("forget", {7})]
    calls.clear()
    path = SimpleNamespace(pk=2)
    receivers.refresh_targets_after_path_assignment(
        path, action="post_remove", reverse=True, pk_set={7, 8}
    )
    assert calls == [("refresh_targets", ({7, 8},)), ("forget", {7, 8})]


def test_what_a_module_teaches_refreshes_those_who_completed_it(calls: list[Any]) -> None:
    receivers.refresh_evidence_after_module_competency_change(SimpleNamespace(module_id=3))
    completed = Completion.objects.filter(module_id=3).values("provider_id")
    assert calls == [("refresh_evidence_of", str(completed.query))]


def test_a_paths_target_refreshes_those_following_it(calls: list[Any]) -> None:
    receivers.refresh_targets_after_path_target_change(SimpleNamespace(path_id=2))
    assert calls == [("refresh_targets_of", str(path_followers(2).values("pk").query))]


def test_a_catalogue_write_drops_every_kept_profile(calls: list[Any]) -> None:
    receivers.forget_profiles_after_catalogue_change()
    assert calls == [("forget_all", None)]


def test_a_session_deleted_drops_every_kept_profile(calls: list[Any]) -> None:
    receivers.forget_profiles_after_session_deletion(SimpleNamespace(pk=5))
    assert calls == [("forget_all", None)]


def test_a_providers_data_written_drops_their_kept_profile(calls: list[Any]) -> None:
    receivers.forget_profile_after_provider_data_change(SimpleNamespace(provider_id=7))
    receivers.forget_profile_after_provider_data_change(SimpleNamespace(pk=8))
    assert calls == [("forget", {7}), ("forget", {8})]
