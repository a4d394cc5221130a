"""A provider's progress: self-assessed vs evidenced vs target, paths, recommendations."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from progress import profile_cache
from progress.models import SelfAssessment
from progress.services import self_assessments_create
from tests.conftest import client_for
from tests.factories import (
    CompletionFactory,
    CoordinatorFactory,
    EnrolmentFactory,
    ModuleFactory,
    PartnerUserFactory,
    ProviderFactory,
    ProviderUserFactory,
    SessionFactory,
    TrainerUserFactory,
)
from training.services import completion_void


def rate(provider, competency, level, days_ago=0):  # type: ignore[no-untyped-def]
    self_assessments_create(
        provider=provider,
        ratings=[{"competency": competency, "level": level}],
        assessed_at=timezone.now() - dt.timedelta(days=days_ago),
        actor=None,
    )


def by_code(body):  # type: ignore[no-untyped-def]
    return {row["code"]: row for row in body["competencies"]}


class TestFormulas:
    def test_self_assessed_evidenced_target_and_gap(self, world):
        user = ProviderUserFactory()
        provider = user.provider
        provider.assigned_paths.add(world["path"])
        rate(provider, world["strategy"], 1, days_ago=10)
        rate(provider, world["strategy"], 2, days_ago=1)
        rate(provider, world["facebook"], 1)
        CompletionFactory(provider=provider, module=world["day1"])
        voided = CompletionFactory(provider=provider, module=world["workshop"])
        completion_void(completion=voided, reason="x", actor=None)
        body = client_for(user).get("/api/v1/providers/me/progress/").json()
        rows = by_code(body)
        assert rows["STRATEGY"]["self_assessed_level"] == 2  # the latest, not the highest
        latest = SelfAssessment.objects.filter(provider=provider, level=2).get()
        shown = dt.datetime.fromisoformat(rows["STRATEGY"]["self_assessed_at"])
        assert shown == latest.assessed_at  # the same moment, in the office's time zone
        assert rows["STRATEGY"]["evidenced_level"] == 3  # D1 completed
        assert rows["STRATEGY"]["target_level"] == 3
        assert rows["STRATEGY"]["gap"] == 0  # max(2, 3) reaches 3
        assert rows["FACEBOOK"]["evidenced_level"] is None  # the workshop was voided
        assert rows["FACEBOOK"]["gap"] == 2  # 3 − max(1, 0)
        assert body["paths"] == [
            {
                "path": world["path"].pk,
                "code": "WEB20",
                "name": world["path"].name,
                "source": "assigned",
                "required_steps": 2,
                "required_completed": 1,
                "steps": 2,
                "steps_completed": 1,
            }
        ]

    def test_with_nothing_rated_or_completed_the_gap_is_the_whole_target(self, world):
        user = ProviderUserFactory()
        user.provider.assigned_paths.add(world["path"])
        rows = by_code(client_for(user).get("/api/v1/providers/me/progress/").json())
        assert (rows["FACEBOOK"]["self_assessed_at"], rows["FACEBOOK"]["gap"]) == (None, 3)

    def test_without_a_path_there_is_no_target_nor_gap(self, world):
        user = ProviderUserFactory()
        rows = by_code(client_for(user).get("/api/v1/providers/me/progress/").json())
        assert rows["FACEBOOK"]["target_level"] is None
        assert rows["FACEBOOK"]["gap"] is None

    def test_a_path_session_they_enrolled_in_sets_targets(self, world):
        user = ProviderUserFactory()
        session = SessionFactory(module=None, path=world["path"])
        EnrolmentFactory(session=session, provider=user.provider)
        body = client_for(user).get("/api/v1/providers/me/progress/").json()
        assert by_code(body)["FACEBOOK"]["target_level"] == 3
        assert body["paths"][0]["source"] == "session"

    def test_recommendations_meet_the_target_and_the_prerequisites(self, world):
        user = ProviderUserFactory()
        provider = user.provider
        provider.assigned_paths.add(world["path"])
        rate(provider, world["strategy"], 1)
        client = client_for(user)
        body = client.get("/api/v1/providers/me/progress/").json()
        # Strategy 1 < 2: the Facebook workshop's prerequisite is not met; the intro only
        # reaches 2 < target 3. Only the strategy day is recommended.
        assert [r["code"] for r in body["recommendations"]] == ["D1"]
        rate(provider, world["strategy"], 2)
        upcoming = SessionFactory(module=world["workshop"], capacity=5)
        EnrolmentFactory(session=upcoming)
        full = SessionFactory(module=world["workshop"], capacity=1)
        EnrolmentFactory(session=full)
        SessionFactory(module=world["workshop"], status="draft")
        body = client.get("/api/v1/providers/me/progress/").json()
        recommendations = {r["code"]: r for r in body["recommendations"]}
        assert list(recommendations) == ["WS-FB", "D1"]  # gap 2 before gap 1
        assert recommendations["WS-FB"]["addresses"] == ["FACEBOOK"]
        sessions = recommendations["WS-FB"]["sessions"]
        assert [(s["session"], s["commune"], s["places_left"]) for s in sessions] == [
            (upcoming.pk, upcoming.commune, 4)
        ]
        assert dt.datetime.fromisoformat(sessions[0]["starts_at"]) == upcoming.starts_at

    def test_a_recommendation_lists_the_next_five_sessions_with_a_place(self, world):
        user = ProviderUserFactory()
        user.provider.assigned_paths.add(world["path"])
        now = timezone.now()
        sessions = [
            SessionFactory(module=world["day1"], capacity=1, starts_at=now + dt.timedelta(days=d))
            for d in range(1, 9)
        ]
        EnrolmentFactory(session=sessions[1])  # full
        SessionFactory(module=world["day1"], starts_at=now - dt.timedelta(days=1))  # past
        SessionFactory(module=world["day1"], status="draft")
        body = client_for(user).get("/api/v1/providers/me/progress/").json()
        (day1,) = [r for r in body["recommendations"] if r["code"] == "D1"]
        assert [s["session"] for s in day1["sessions"]] == [sessions[i].pk for i in (0, 2, 3, 4, 5)]
        assert {s["places_left"] for s in day1["sessions"]} == {1}

    def test_completed_modules_are_not_recommended_again(self, world):
        user = ProviderUserFactory()
        user.provider.assigned_paths.add(world["path"])
        CompletionFactory(provider=user.provider, module=world["day1"], outcome="attended")
        body = client_for(user).get("/api/v1/providers/me/progress/").json()
        assert "D1" in [r["code"] for r in body["recommendations"]]  # attended ≠ completed
        CompletionFactory(provider=user.provider, module=world["day1"])
        body = client_for(user).get("/api/v1/providers/me/progress/").json()
        assert "D1" not in [r["code"] for r in body["recommendations"]]

    def test_the_query_count_does_not_grow_with_history(self, world, settings):
        settings.LOGIN_CACHE_SECONDS = 0  # the login is read at each request: in every count
        user = ProviderUserFactory()
        provider = user.provider
        provider.assigned_paths.add(world["path"])
        client = client_for(user)

        def count() -> tuple[int, ...]:
            """Queries with the catalogue's snapshot to build, then with it built, then with
            the sessions kept, then with the whole answer kept."""
            counts = []
            for forget_sessions, forget_answer in ((1, 1), (1, 1), (0, 1), (0, 0)):
                if forget_sessions:
                    profile_cache.invalidate_all()
                if forget_answer:
                    profile_cache.invalidate([provider.pk])
                with CaptureQueriesContext(connection) as ctx:
                    assert client.get("/api/v1/providers/me/progress/").status_code == 200
                counts.append(len(ctx))
            return tuple(counts)

        rate(provider, world["strategy"], 1)
        CompletionFactory(provider=provider, module=world["intro"])
        SessionFactory(module=world["day1"])
        small = count()
        for day in range(30):
            rate(provider, world["facebook"], day % 3, days_ago=day)
            CompletionFactory(provider=provider, module=ModuleFactory())
        SessionFactory.create_batch(5, module=world["day1"])
        assert count() == small
        # The login, the competency levels with the catalogue's version and the modules and paths
        # followed, the recommended modules' next sessions, and their enrolments.
        assert small[1] == 4
        assert small[0] == small[1] + 6  # the snapshot: once per catalogue version
        assert small[2] == 2  # the recommended modules' sessions kept for everyone
        assert small[3] == 1  # served again: the login only


class TestAccess:
    def test_an_id_beyond_any_integer_is_a_404(self, db):
        response = client_for(CoordinatorFactory()).get(
            "/api/v1/providers/99999999999999999999999/progress/"
        )
        assert response.status_code == 404
        assert response.json()["errors"][0]["code"] == "not_found"

    def test_a_provider_cannot_read_another_providers_progress(self, world):
        other = ProviderFactory()
        response = client_for(ProviderUserFactory()).get(f"/api/v1/providers/{other.pk}/progress/")
        assert response.status_code == 404

    def test_a_coordinator_reads_anyones(self, world):
        provider = ProviderFactory()
        response = client_for(CoordinatorFactory()).get(
            f"/api/v1/providers/{provider.pk}/progress/"
        )
        assert response.status_code == 200
        assert response.json()["provider"] == provider.pk

    def test_a_trainer_reads_their_participants_only(self, world):
        trainer = TrainerUserFactory()
        participant = EnrolmentFactory(session=SessionFactory(trainers=[trainer.trainer]))
        client = client_for(trainer)
        assert (
            client.get(f"/api/v1/providers/{participant.provider.pk}/progress/").status_code == 200
        )
        assert client.get(f"/api/v1/providers/{ProviderFactory().pk}/progress/").status_code == 404

    def test_a_partner_reads_only_consenting_participants(self, world):
        partner = PartnerUserFactory()
        session = SessionFactory(organiser=partner.partner_centre)
        consenting = EnrolmentFactory(
            session=session, provider=ProviderFactory(shares_progress_with_partners=True)
        )
        silent = EnrolmentFactory(session=session)
        client = client_for(partner)
        assert (
            client.get(f"/api/v1/providers/{consenting.provider.pk}/progress/").status_code == 200
        )
        assert client.get(f"/api/v1/providers/{silent.provider.pk}/progress/").status_code == 404

    def test_me_progress_is_a_404_for_a_login_without_a_provider(self, world):
        response = client_for(CoordinatorFactory()).get("/api/v1/providers/me/progress/")
        assert response.status_code == 404

    def test_anonymous_is_401(self, world, anon):
        assert anon.get("/api/v1/providers/me/progress/").status_code == 401
