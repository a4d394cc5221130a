"""Self-assessments: append-only ratings, one or a list, each moving the current level."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from progress.models import ProviderCompetencyLevel, SelfAssessment
from tests.conftest import client_for
from tests.factories import (
    AreaFactory,
    CompetencyFactory,
    CoordinatorFactory,
    EnrolmentFactory,
    ProviderFactory,
    ProviderUserFactory,
    SessionFactory,
    TrainerUserFactory,
)

URL = "/api/v1/self-assessments/"


@pytest.mark.django_db
class TestRating:
    def test_a_provider_rates_one_competency(self):
        user = ProviderUserFactory()
        competency = CompetencyFactory()
        response = client_for(user).post(
            URL,
            {"competency": competency.pk, "level": 2, "comment": "Je progresse"},
            format="json",
        )
        assert response.status_code == 201, response.json()
        body = response.json()
        assert (body["provider"], body["level"], body["competency_code"]) == (
            user.provider.pk,
            2,
            competency.code,
        )
        current = ProviderCompetencyLevel.objects.get(provider=user.provider, competency=competency)
        assert current.level == 2

    def test_a_provider_rates_a_list_at_once(self):
        user = ProviderUserFactory()
        first, second = CompetencyFactory(), CompetencyFactory()
        response = client_for(user).post(
            URL,
            [{"competency": first.pk, "level": 1}, {"competency": second.pk, "level": 3}],
            format="json",
        )
        assert response.status_code == 201
        assert [item["level"] for item in response.json()] == [1, 3]
        assert ProviderCompetencyLevel.objects.filter(provider=user.provider).count() == 2

    def test_one_bad_rating_in_a_list_records_none(self):
        user = ProviderUserFactory()
        competency = CompetencyFactory()
        response = client_for(user).post(
            URL,
            [{"competency": competency.pk, "level": 1}, {"competency": competency.pk, "level": 9}],
            format="json",
        )
        assert response.status_code == 400
        assert response.json()["errors"][0]["attr"] == "1.level"
        assert not SelfAssessment.objects.exists()

    def test_a_level_outside_the_scale_is_refused(self):
        response = client_for(ProviderUserFactory()).post(
            URL, {"competency": CompetencyFactory().pk, "level": 5}, format="json"
        )
        assert response.status_code == 400
        assert response.json()["errors"][0]["code"] == "out_of_scale"

    def test_the_database_refuses_a_level_outside_the_scale(self):
        competency = CompetencyFactory()
        with pytest.raises(IntegrityError), transaction.atomic():
            SelfAssessment.objects.create(
                provider=ProviderFactory(),
                competency=competency,
                level=7,
                assessed_at=timezone.now(),
            )

    def test_a_provider_cannot_backdate(self, time_machine):
        now = timezone.now()
        time_machine.move_to(now, tick=False)
        user = ProviderUserFactory()
        client_for(user).post(
            URL,
            {
                "competency": CompetencyFactory().pk,
                "level": 2,
                "provider": user.provider.pk,
                "assessed_at": "2020-01-01T00:00:00Z",
            },
            format="json",
        )
        rating = SelfAssessment.objects.get()
        assert rating.provider == user.provider
        assert rating.assessed_at == now  # the moment it was posted

    def test_another_providers_id_is_answered_as_an_unknown_id(self):
        user = ProviderUserFactory()
        other = ProviderFactory()
        unknown = other.pk + 1000
        competency = CompetencyFactory()
        client = client_for(user)

        def rate(provider_id: int) -> tuple[int, object]:
            body = {"competency": competency.pk, "level": 2, "provider": provider_id}
            response = client.post(URL, body, format="json")
            return response.status_code, str(response.json()).replace(str(provider_id), "ID")

        assert rate(other.pk) == rate(unknown)
        response = client.post(
            URL, {"competency": competency.pk, "level": 2, "provider": other.pk}, format="json"
        )
        assert response.status_code == 400
        assert [(e["code"], e["attr"]) for e in response.json()["errors"]] == [
            ("does_not_exist", "provider")
        ]
        assert not SelfAssessment.objects.exists()

    def test_a_coordinator_records_an_earlier_rating_without_moving_the_current_level(self):
        provider = ProviderFactory()
        competency = CompetencyFactory()
        client = client_for(CoordinatorFactory())
        client.post(
            URL, {"provider": provider.pk, "competency": competency.pk, "level": 3}, format="json"
        )
        response = client.post(
            URL,
            {
                "provider": provider.pk,
                "competency": competency.pk,
                "level": 1,
                "assessed_at": "2024-01-01T10:00:00Z",
            },
            format="json",
        )
        assert response.status_code == 201
        assert ProviderCompetencyLevel.objects.get(provider=provider).level == 3
        assert SelfAssessment.objects.count() == 2

    def test_a_list_rating_a_competency_twice_keeps_the_latest_then_the_last(self):
        """Ratings of one competency in one list: the latest becomes current, and of two
        at the same time the last one, as if they were recorded one by one."""
        provider = ProviderFactory()
        twice, once = CompetencyFactory(), CompetencyFactory()
        client = client_for(CoordinatorFactory())
        response = client.post(
            URL,
            [
                {
                    "provider": provider.pk,
                    "competency": twice.pk,
                    "level": 3,
                    "assessed_at": "2026-11-02T10:00:00Z",
                },
                {
                    "provider": provider.pk,
                    "competency": twice.pk,
                    "level": 1,
                    "assessed_at": "2026-10-02T10:00:00Z",
                },
                {
                    "provider": provider.pk,
                    "competency": once.pk,
                    "level": 2,
                    "assessed_at": "2026-11-02T10:00:00Z",
                },
                {
                    "provider": provider.pk,
                    "competency": once.pk,
                    "level": 4,
                    "assessed_at": "2026-11-02T10:00:00Z",
                },
            ],
            format="json",
        )
        assert response.status_code == 201, response.json()
        levels = dict(
            ProviderCompetencyLevel.objects.filter(provider=provider).values_list(
                "competency", "level"
            )
        )
        assert levels == {twice.pk: 3, once.pk: 4}
        current = ProviderCompetencyLevel.objects.get(provider=provider, competency=twice)
        assert current.self_assessment_id == response.json()[0]["id"]
        assert SelfAssessment.objects.filter(provider=provider).count() == 4

    def test_a_list_writes_in_three_statements(self):
        """The ratings, their audit events and their competency levels: one statement each,
        whatever the number of ratings; checking them reads each rating's competency
        (with its framework), and each framework's scale once."""
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        user = ProviderUserFactory()
        competencies = CompetencyFactory.create_batch(9, area=AreaFactory())  # one framework
        client = client_for(user)
        for chosen in (competencies[:1], competencies[1:]):
            with CaptureQueriesContext(connection) as ctx:
                response = client.post(
                    URL, [{"competency": c.pk, "level": 2} for c in chosen], format="json"
                )
            assert response.status_code == 201
            statements = [q["sql"] for q in ctx.captured_queries]
            reads = [q for q in statements if q.startswith('SELECT "catalogue_competency"')]
            scales = [q for q in statements if '"catalogue_proficiencylevel"' in q]
            inserts = [q for q in statements if q.lstrip().startswith("INSERT")]
            assert (len(reads), len(scales)) == (len(chosen), 1)
            assert len(inserts) == 3, inserts  # ratings, audit events, competency levels
        assert ProviderCompetencyLevel.objects.filter(provider=user.provider, level=2).count() == 9

    def test_ratings_are_never_changed_or_deleted(self):
        user = ProviderUserFactory()
        client = client_for(user)
        rating = client.post(
            URL, {"competency": CompetencyFactory().pk, "level": 2}, format="json"
        ).json()
        assert client.patch(f"{URL}{rating['id']}/", {"level": 4}, format="json").status_code == 405
        assert client.delete(f"{URL}{rating['id']}/").status_code == 405
        assert SelfAssessment.objects.get().level == 2


@pytest.mark.django_db
class TestReading:
    def test_providers_see_only_their_own(self):
        user = ProviderUserFactory()
        competency = CompetencyFactory()
        client_for(user).post(URL, {"competency": competency.pk, "level": 1}, format="json")
        other = ProviderUserFactory()
        client_for(other).post(URL, {"competency": competency.pk, "level": 2}, format="json")
        mine = client_for(user).get(URL).json()["results"]
        assert [r["provider"] for r in mine] == [user.provider.pk]
        foreign = SelfAssessment.objects.get(provider=other.provider)
        assert client_for(user).get(f"{URL}{foreign.pk}/").status_code == 404

    def test_a_trainer_sees_their_participants_ratings(self):
        trainer = TrainerUserFactory()
        participant = EnrolmentFactory(session=SessionFactory(trainers=[trainer.trainer]))
        competency = CompetencyFactory()
        for provider in (participant.provider, ProviderFactory()):
            SelfAssessment.objects.create(
                provider=provider, competency=competency, level=1, assessed_at=timezone.now()
            )
        seen = client_for(trainer).get(URL).json()["results"]
        assert [r["provider"] for r in seen] == [participant.provider.pk]

    def test_filters_by_competency_and_period(self):
        provider = ProviderFactory()
        first, second = CompetencyFactory(), CompetencyFactory()
        for competency, when in [
            (first, "2025-01-10"),
            (first, "2025-06-10"),
            (second, "2025-06-11"),
        ]:
            SelfAssessment.objects.create(
                provider=provider,
                competency=competency,
                level=1,
                assessed_at=dt.datetime.fromisoformat(f"{when}T10:00:00+00:00"),
            )
        client = client_for(CoordinatorFactory())
        by_competency = client.get(URL, {"competency": first.pk}).json()["results"]
        assert len(by_competency) == 2
        period = client.get(
            URL, {"since": "2025-06-01T00:00:00Z", "until": "2025-06-11T00:00:00Z"}
        ).json()["results"]
        assert len(period) == 1

    def test_the_history_pages_by_cursor_newest_first(self):
        provider = ProviderFactory()
        competency = CompetencyFactory()
        base = timezone.now() - dt.timedelta(days=30)
        for day in range(5):
            SelfAssessment.objects.create(
                provider=provider,
                competency=competency,
                level=1,
                assessed_at=base + dt.timedelta(days=day),
            )
        client = client_for(CoordinatorFactory())
        first = client.get(URL, {"provider": provider.pk, "page_size": 2}).json()
        assert "count" not in first
        seen = [r["id"] for r in first["results"]]
        page = first
        while page["next"]:
            page = client.get(page["next"]).json()
            seen += [r["id"] for r in page["results"]]
        expected = list(
            SelfAssessment.objects.order_by("-assessed_at").values_list("id", flat=True)
        )
        assert seen == expected


@pytest.mark.django_db
def test_errors_in_a_list_name_every_item_by_position():
    response = client_for(ProviderUserFactory()).post(
        URL,
        [{"competency": 999999, "level": 1}, {"competency": 999998, "level": 1}],
        format="json",
    )
    assert [e["attr"] for e in response.json()["errors"]] == ["0.competency", "1.competency"]
