"""Evidenced and target levels kept beside the current levels, on every kind of write."""

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone

from catalogue.models import ModuleCompetency, PathTarget
from people.models import Provider
from progress import competency_levels
from progress.models import ProviderCompetencyLevel
from progress.services import self_assessments_create
from tests.conftest import client_for
from tests.factories import (
    AreaFactory,
    CompetencyFactory,
    CompletionFactory,
    CoordinatorFactory,
    LearningPathFactory,
    ModuleFactory,
    ProviderFactory,
    SessionFactory,
)
from tests.progress.competency_levels_check import expected_levels, stored_levels
from training import services as training
from training.models import Completion


@pytest.fixture
def world(db):  # type: ignore[no-untyped-def]
    """Two competencies on a 0..4 scale; a module teaching both; a path aiming at them."""
    area = AreaFactory()
    strategy = CompetencyFactory(area=area, code="STRATEGY")
    facebook = CompetencyFactory(area=area, code="FACEBOOK")
    basics = ModuleFactory(code="BASICS")
    ModuleCompetency.objects.create(module=basics, competency=strategy, level=2)
    ModuleCompetency.objects.create(module=basics, competency=facebook, level=1)
    advanced = ModuleFactory(code="ADVANCED")
    ModuleCompetency.objects.create(module=advanced, competency=facebook, level=3)
    path = LearningPathFactory(code="WEB")
    PathTarget.objects.create(path=path, competency=strategy, level=3)
    return {
        "strategy": strategy,
        "facebook": facebook,
        "basics": basics,
        "advanced": advanced,
        "path": path,
        "provider": ProviderFactory(),
    }


def levels(provider, competency):  # type: ignore[no-untyped-def]
    """(self-assessed, evidenced, target) of a provider in a competency, or None."""
    row = ProviderCompetencyLevel.objects.filter(provider=provider, competency=competency).first()
    return None if row is None else (row.level, row.evidenced_level, row.target_level)


def consistent() -> bool:
    return stored_levels() == expected_levels()


def record(provider, module, outcome="completed"):  # type: ignore[no-untyped-def]
    return training.completion_create(
        provider=provider,
        module_id=module.pk,
        session=None,
        completed_on=timezone.localdate(),
        outcome=outcome,
        actor=None,
    )


class TestEvidence:
    def test_completions_and_voids_move_the_evidenced_level(self, world):
        provider, facebook = world["provider"], world["facebook"]
        record(provider, world["basics"])
        assert levels(provider, facebook) == (None, 1, None)
        assert levels(provider, world["strategy"]) == (None, 2, None)
        advanced = record(provider, world["advanced"])
        assert levels(provider, facebook) == (None, 3, None)  # the highest taught
        training.completion_void(completion=advanced, reason="typo", actor=None)
        assert levels(provider, facebook) == (None, 1, None)
        record(provider, world["advanced"], outcome="attended")
        assert levels(provider, facebook) == (None, 1, None)  # attended is not evidence
        assert consistent()

    def test_an_attendance_sheet_correction_moves_it(self, world):
        provider = world["provider"]
        session = SessionFactory(module=world["advanced"], status="confirmed")
        training.enrolment_create(session=session, provider=provider, actor=None)
        sheet = [{"provider": provider, "module": world["advanced"], "outcome": "completed"}]
        training.attendance_record(
            session=session, records=sheet, completed_on=timezone.localdate(), actor=None
        )
        assert levels(provider, world["facebook"]) == (None, 3, None)
        sheet[0]["outcome"] = "absent"
        training.attendance_record(
            session=session, records=sheet, completed_on=timezone.localdate(), actor=None
        )
        assert levels(provider, world["facebook"]) == (None, None, None)
        assert consistent()

    def test_a_bulk_replacement_moves_it_for_every_provider(self, world):
        providers = ProviderFactory.create_batch(3)
        old = [CompletionFactory(provider=p, module=world["basics"]) for p in providers]
        new = [
            Completion(
                provider=p,
                module=world["advanced"],
                completed_on=timezone.localdate(),
                outcome="completed",
                source="partner",
            )
            for p in providers
        ]
        training.completions_replace(voids=old, records=new, reason="moved", actor=None)
        for provider in providers:
            assert levels(provider, world["facebook"]) == (None, 3, None)
            assert levels(provider, world["strategy"]) == (None, None, None)
        assert consistent()

    def test_a_bulk_write_refreshes_what_its_modules_teach_from_every_module(self, world):
        """A bulk write recomputes only the competencies its records' modules teach, but
        from all the provider's records: voiding ADVANCED leaves FACEBOOK at the level
        BASICS (not in the write) teaches; STRATEGY, which ADVANCED does not teach, keeps
        its row as it was."""
        provider = world["provider"]
        record(provider, world["basics"])
        advanced = CompletionFactory(provider=provider, module=world["advanced"])
        competency_levels.refresh_evidence([provider.pk])
        assert levels(provider, world["facebook"]) == (None, 3, None)
        replacement = Completion(
            provider=provider,
            module=world["advanced"],
            completed_on=timezone.localdate(),
            outcome="attended",
            source="partner",
        )
        training.completions_replace(
            voids=[advanced], records=[replacement], reason="attended only", actor=None
        )
        assert levels(provider, world["facebook"]) == (None, 1, None)
        assert levels(provider, world["strategy"]) == (None, 2, None)
        assert consistent()

    def test_what_a_module_teaches_moves_the_evidence_of_those_who_completed_it(self, world):
        provider = world["provider"]
        record(provider, world["basics"])
        link = ModuleCompetency.objects.get(module=world["basics"], competency=world["strategy"])
        link.level = 4
        link.save()
        assert levels(provider, world["strategy"]) == (None, 4, None)
        link.delete()
        assert levels(provider, world["strategy"]) == (None, None, None)
        assert consistent()


class TestTargets:
    def test_assigning_and_removing_a_path_moves_the_target(self, world):
        provider, strategy = world["provider"], world["strategy"]
        coordinator = client_for(CoordinatorFactory())
        url = f"/api/v1/providers/{provider.pk}/"
        response = coordinator.patch(url, {"assigned_paths": [world["path"].pk]}, format="json")
        assert response.status_code == 200
        assert levels(provider, strategy) == (None, None, 3)
        response = coordinator.patch(url, {"assigned_paths": []}, format="json")
        assert response.status_code == 200
        assert levels(provider, strategy) == (None, None, None)

    def test_from_the_paths_side_too(self, world):
        providers = ProviderFactory.create_batch(2)
        world["path"].assigned_providers.add(*providers)
        assert [levels(p, world["strategy"]) for p in providers] == [(None, None, 3)] * 2
        world["path"].assigned_providers.clear()
        assert [levels(p, world["strategy"]) for p in providers] == [(None, None, None)] * 2

    def test_enrolling_in_a_path_session_moves_it_and_cancelling_takes_it_back(self, world):
        provider, waiting = world["provider"], ProviderFactory()
        session = SessionFactory(module=None, path=world["path"], capacity=1)
        enrolment = training.enrolment_create(session=session, provider=provider, actor=None)
        training.enrolment_create(session=session, provider=waiting, actor=None)
        assert levels(provider, world["strategy"]) == (None, None, 3)
        assert levels(waiting, world["strategy"]) is None  # on the waiting list
        training.enrolment_cancel(enrolment=enrolment)
        assert levels(provider, world["strategy"]) == (None, None, None)
        assert levels(waiting, world["strategy"]) == (None, None, 3)  # promoted
        assert consistent()

    def test_a_sessions_path_and_a_paths_target_move_it(self, world):
        provider = world["provider"]
        other = LearningPathFactory(code="OTHER")
        PathTarget.objects.create(path=other, competency=world["facebook"], level=2)
        session = SessionFactory(module=None, path=world["path"])
        training.enrolment_create(session=session, provider=provider, actor=None)
        training.session_update(session=session, data={"path": other})
        assert levels(provider, world["strategy"]) == (None, None, None)
        assert levels(provider, world["facebook"]) == (None, None, 2)
        target = PathTarget.objects.get(path=other)
        target.level = 4
        target.save()
        assert levels(provider, world["facebook"]) == (None, None, 4)
        assert consistent()


class TestTogether:
    def test_a_rating_fills_the_row_that_evidence_opened(self, world):
        provider, strategy = world["provider"], world["strategy"]
        record(provider, world["basics"])
        world["path"].assigned_providers.add(provider)
        self_assessments_create(
            provider=provider,
            ratings=[{"competency": strategy, "level": 1}],
            assessed_at=timezone.now() - dt.timedelta(days=1),
            actor=None,
        )
        assert levels(provider, strategy) == (1, 2, 3)
        assert (
            ProviderCompetencyLevel.objects.filter(provider=provider, competency=strategy).count()
            == 1
        )

    def test_a_write_that_rolls_back_moves_nothing(self, world):
        provider = world["provider"]

        def write_then_fail() -> None:
            with transaction.atomic():
                record(provider, world["advanced"])
                assert levels(provider, world["facebook"]) == (None, 3, None)
                raise RuntimeError

        with pytest.raises(RuntimeError):
            write_then_fail()
        assert levels(provider, world["facebook"]) is None

    def test_a_rebuild_finds_what_the_writes_kept(self, world):
        providers = ProviderFactory.create_batch(4)
        for index, provider in enumerate(providers):
            record(provider, world["basics"] if index % 2 else world["advanced"])
            if index < 2:
                world["path"].assigned_providers.add(provider)
        kept = stored_levels()
        ProviderCompetencyLevel.objects.all().delete()
        competency_levels.rebuild()
        assert stored_levels() == kept == expected_levels()
        # Pairs left with no level at all are dropped by a rebuild.
        assert not ProviderCompetencyLevel.objects.filter(
            level__isnull=True, evidenced_level__isnull=True, target_level__isnull=True
        ).exists()


def test_evidenced_levels_up_to_a_day_count_only_completions_by_then(world) -> None:  # type: ignore[no-untyped-def]
    provider, basics, advanced = world["provider"], world["basics"], world["advanced"]
    today = timezone.localdate()
    CompletionFactory(provider=provider, module=basics, completed_on=today - dt.timedelta(days=9))
    CompletionFactory(provider=provider, module=advanced, completed_on=today)
    voided = CompletionFactory(provider=ProviderFactory(), module=advanced)
    Completion.objects.filter(pk=voided.pk).update(voided_at=timezone.now(), void_reason="error")
    strategy, facebook = world["strategy"].pk, world["facebook"].pk
    everyone = Provider.objects.all()

    assert competency_levels.evidenced_levels(everyone, [strategy, facebook]) == {
        (provider.pk, strategy): 2,
        (provider.pk, facebook): 3,
    }
    assert competency_levels.evidenced_levels(
        everyone, [facebook], today - dt.timedelta(days=1)
    ) == {(provider.pk, facebook): 1}
    assert competency_levels.evidenced_levels(everyone, []) == {}
