"""The catalogue that progress tests share."""

import pytest

from catalogue.models import ModuleCompetency, ModulePrerequisite, PathTarget
from tests.factories import (
    AreaFactory,
    CompetencyFactory,
    LearningPathFactory,
    ModuleFactory,
    PathStepFactory,
)


@pytest.fixture
def world(db):  # type: ignore[no-untyped-def]
    """Strategy and Facebook on a 0..4 scale, a path aiming at 3 for both, four modules."""
    area = AreaFactory()
    strategy = CompetencyFactory(area=area, code="STRATEGY", order=1)
    facebook = CompetencyFactory(area=area, code="FACEBOOK", order=2)
    day1 = ModuleFactory(code="D1")
    ModuleCompetency.objects.create(module=day1, competency=strategy, level=3)
    workshop = ModuleFactory(code="WS-FB")
    ModuleCompetency.objects.create(module=workshop, competency=facebook, level=4)
    ModulePrerequisite.objects.create(module=workshop, competency=strategy, min_level=2)
    intro = ModuleFactory(code="FB-INTRO")  # teaches Facebook only up to 2: below the target
    ModuleCompetency.objects.create(module=intro, competency=facebook, level=2)
    path = LearningPathFactory(code="WEB20")
    PathStepFactory(path=path, module=day1, position=1, is_required=True)
    PathStepFactory(path=path, module=workshop, position=2, is_required=True)
    PathTarget.objects.create(path=path, competency=strategy, level=3)
    PathTarget.objects.create(path=path, competency=facebook, level=3)
    return {
        "strategy": strategy,
        "facebook": facebook,
        "day1": day1,
        "workshop": workshop,
        "intro": intro,
        "path": path,
    }
