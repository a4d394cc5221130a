"""The database holds the catalogue's invariants even when the API is bypassed."""

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from catalogue.models import (
    CompetencyLevel,
    Module,
    ModuleCompetency,
    ModulePrerequisite,
    PathStep,
    PathTarget,
    ProficiencyLevel,
)
from progress import models as progress
from tests.factories import (
    AreaFactory,
    CompetencyFactory,
    FrameworkFactory,
    LearningPathFactory,
    ModuleFactory,
    PathStepFactory,
    ProviderFactory,
)


def refused(create: object) -> bool:
    try:
        with transaction.atomic():
            create()  # type: ignore[operator]
    except IntegrityError:
        return True
    return False


@pytest.mark.django_db
class TestDatabaseGuards:
    def test_levels_outside_the_scale_are_refused_everywhere(self):
        competency = CompetencyFactory()  # scale 0..4
        module = ModuleFactory()
        path = LearningPathFactory()
        assert refused(
            lambda: ModuleCompetency.objects.create(module=module, competency=competency, level=5)
        )
        assert refused(
            lambda: ModulePrerequisite.objects.create(
                module=module, competency=competency, min_level=9
            )
        )
        assert refused(lambda: PathTarget.objects.create(path=path, competency=competency, level=5))
        assert refused(
            lambda: CompetencyLevel.objects.create(
                competency=competency, level=5, descriptor_fr="x"
            )
        )
        ModuleCompetency.objects.create(module=module, competency=competency, level=4)
        assert ModuleCompetency.objects.count() == 1

    def test_an_update_out_of_the_scale_is_refused(self):
        competency = CompetencyFactory()
        taught = ModuleCompetency.objects.create(
            module=ModuleFactory(), competency=competency, level=2
        )
        assert refused(lambda: ModuleCompetency.objects.filter(pk=taught.pk).update(level=8))

    def test_a_row_with_no_level_passes_the_guard_and_one_out_of_the_scale_does_not(self):
        competency = CompetencyFactory()  # scale 0..4
        row = progress.ProviderCompetencyLevel.objects.create(
            provider=ProviderFactory(), competency=competency, level=None, evidenced_level=3
        )
        rated = {"assessed_at": timezone.now()}
        rows = progress.ProviderCompetencyLevel.objects.filter(pk=row.pk)
        assert refused(lambda: rows.update(level=7, **rated))
        assert refused(
            lambda: progress.ProviderCompetencyLevel.objects.create(
                provider=ProviderFactory(), competency=competency, level=5, **rated
            )
        )
        rows.update(level=4, **rated)
        assert progress.ProviderCompetencyLevel.objects.get(pk=row.pk).level == 4

    def test_a_competency_in_an_area_of_another_framework_is_refused(self):
        framework = FrameworkFactory()
        foreign = AreaFactory()
        assert refused(lambda: CompetencyFactory(framework=framework, area=foreign))

    def test_codes_are_unique(self):
        ModuleFactory(code="SAME")
        assert refused(lambda: ModuleFactory(code="SAME"))
        competency = CompetencyFactory(code="X")
        assert refused(
            lambda: CompetencyFactory(
                code="X", area=competency.area, framework=competency.framework
            )
        )
        assert refused(
            lambda: ProficiencyLevel.objects.create(
                framework=competency.framework, value=9, code="L1", name_fr="dup"
            )
        )

    def test_one_step_per_position_in_a_path(self):
        step = PathStepFactory(position=1)
        assert refused(
            lambda: PathStep.objects.create(path=step.path, module=ModuleFactory(), position=1)
        )

    def test_module_format_duration_and_price_are_checked(self):
        assert refused(lambda: ModuleFactory(format="party"))
        assert refused(lambda: ModuleFactory(duration_hours=0))
        assert refused(lambda: ModuleFactory(price=-1))
        assert not Module.objects.exists()
