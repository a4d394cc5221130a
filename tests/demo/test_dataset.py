"""The large data set: realistic proportions, consistent rows, and the same rows for a seed."""

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count, Max

from demo.dataset import CAPACITY, generate
from people.models import Business, Organisation, Provider
from progress.models import ProviderCompetencyLevel, SelfAssessment
from reports import skill_counts
from tests.progress.competency_levels_check import expected_levels, stored_levels
from tests.reports.skill_counts_check import figures as report_figures
from training.models import Completion, Enrolment, Session, SessionSlot


def signature() -> dict[str, Any]:
    """What a run wrote, without ids or creation times."""
    return {
        "providers": list(
            Provider.objects.order_by("email").values_list(
                "email", "last_name", "business__sector", "business__commune"
            )
        ),
        "ratings": list(
            SelfAssessment.objects.order_by("provider__email", "assessed_at", "id").values_list(
                "provider__email", "competency__code", "level", "assessed_at"
            )
        ),
        "completions": list(
            Completion.objects.order_by("provider__email", "completed_on", "id").values_list(
                "provider__email", "module__code", "completed_on", "outcome"
            )
        ),
    }


def wipe() -> None:
    for model in (
        ProviderCompetencyLevel,
        SelfAssessment,
        Completion,
        Enrolment,
        SessionSlot,
        Session,
    ):
        model.objects.all().delete()
    Provider.assigned_paths.through.objects.all().delete()
    for model in (Provider, Business, Organisation):
        model.objects.all().delete()


@pytest.mark.django_db
class TestDataset:
    def test_proportions_and_consistency(self):
        counts = generate(providers=90, seed=7)
        assert counts["providers"] == Provider.objects.count() == 90
        assert counts["businesses"] == 30
        assert Organisation.objects.filter(kind="information_office").count() == 4
        per_provider = SelfAssessment.objects.count() / 90
        assert 15 <= per_provider <= 25
        assert 3.5 <= Completion.objects.count() / 90 <= 5
        # Every current level is the provider's latest rating in that competency.
        latest = SelfAssessment.objects.values("provider", "competency").annotate(
            n=Count("id"), last=Max("assessed_at")
        )
        rated = ProviderCompetencyLevel.objects.filter(level__isnull=False)
        assert rated.count() == latest.count()
        for row in rated.select_related("self_assessment")[:50]:
            assert row.self_assessment.provider_id == row.provider_id
            assert row.self_assessment.level == row.level
            newer = SelfAssessment.objects.filter(
                provider=row.provider_id,
                competency=row.competency_id,
                assessed_at__gt=row.assessed_at,
            )
            assert not newer.exists()
        # Beside them, the evidenced and target levels, as the API keeps them.
        assert stored_levels() == expected_levels()
        assert any(evidenced for evidenced, _target in stored_levels().values())
        assert any(target for _evidenced, target in stored_levels().values())
        # The skills report's counts are kept through the bulk load, as through the API
        # (PostgreSQL; SQLite keeps none).
        if connection.vendor == "postgresql":
            kept = {g: report_figures(g, kept=True) for g in skill_counts.GROUPINGS}
            assert kept == {g: report_figures(g, kept=False) for g in skill_counts.GROUPINGS}
        fullest = Enrolment.objects.values("session").annotate(n=Count("id")).order_by("-n")
        assert fullest[0]["n"] <= CAPACITY
        assert Session.objects.count() == SessionSlot.objects.count()
        assert not Session.objects.filter(status="cancelled", cancel_cause="").exists()
        # Ids given by the generator leave the sequences ready for the next insert.
        assert (
            Provider.objects.create(first_name="A", last_name="B", email="after@example.org").pk
            == Provider.objects.aggregate(top=Max("pk"))["top"]
        )

    def test_the_same_seed_gives_the_same_rows(self):
        generate(providers=40, seed=3)
        first = signature()
        wipe()
        generate(providers=40, seed=3)
        assert signature() == first
        wipe()
        generate(providers=40, seed=4)
        assert signature() != first

    def test_command_reports_what_it_wrote(self):
        out = StringIO()
        call_command(
            "generate_dataset", "--providers", "30", "--seed", "2", stdout=out, stderr=StringIO()
        )
        assert "30 providers" in out.getvalue()
        assert Provider.objects.count() == 30
