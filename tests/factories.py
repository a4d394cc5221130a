"""factory-boy factories for every model the tests build."""

from decimal import Decimal

import factory
from accounts.models import Role, User
from factory.django import DjangoModelFactory

from catalogue import models as catalogue


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    role = Role.PROVIDER
    password = factory.django.Password("secret-pass-123")


class CoordinatorFactory(UserFactory):
    role = Role.COORDINATOR
    username = factory.Sequence(lambda n: f"coordinator{n}")


class FrameworkFactory(DjangoModelFactory):
    """A framework with a 0..4 scale (3 = proficient) and one area."""

    class Meta:
        model = catalogue.Framework
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"FW{n}")
    name_fr = factory.LazyAttribute(lambda fw: f"Référentiel {fw.code}")
    name_en = factory.LazyAttribute(lambda fw: f"Framework {fw.code}")
    proficient_level = 3

    @factory.post_generation
    def scale(self, create: bool, extracted: int | None, **kwargs: object) -> None:
        top = extracted if extracted is not None else 4
        for value in range(top + 1):
            catalogue.ProficiencyLevel.objects.create(
                framework=self,
                value=value,
                code=f"L{value}",
                name_fr=f"Niveau {value}",
                name_en=f"Level {value}",
            )


class AreaFactory(DjangoModelFactory):
    class Meta:
        model = catalogue.Area

    framework = factory.SubFactory(FrameworkFactory)
    code = factory.Sequence(lambda n: f"AREA{n}")
    name_fr = factory.LazyAttribute(lambda area: f"Domaine {area.code}")
    name_en = factory.LazyAttribute(lambda area: f"Area {area.code}")


class CompetencyFactory(DjangoModelFactory):
    class Meta:
        model = catalogue.Competency

    area = factory.SubFactory(AreaFactory)
    framework = factory.LazyAttribute(lambda competency: competency.area.framework)
    code = factory.Sequence(lambda n: f"COMP{n}")
    name_fr = factory.LazyAttribute(lambda competency: f"Compétence {competency.code}")
    name_en = factory.LazyAttribute(lambda competency: f"Competency {competency.code}")


class ModuleFactory(DjangoModelFactory):
    class Meta:
        model = catalogue.Module

    code = factory.Sequence(lambda n: f"MOD{n}")
    title_fr = factory.LazyAttribute(lambda module: f"Module {module.code}")
    title_en = factory.LazyAttribute(lambda module: f"Module {module.code} (en)")
    format = catalogue.ModuleFormat.WORKSHOP
    duration_hours = Decimal("3.0")
    price = Decimal("40.00")


class ModuleCompetencyFactory(DjangoModelFactory):
    class Meta:
        model = catalogue.ModuleCompetency

    module = factory.SubFactory(ModuleFactory)
    competency = factory.SubFactory(CompetencyFactory)
    level = 3


class LearningPathFactory(DjangoModelFactory):
    class Meta:
        model = catalogue.LearningPath

    code = factory.Sequence(lambda n: f"PATH{n}")
    name_fr = factory.LazyAttribute(lambda path: f"Parcours {path.code}")
    name_en = factory.LazyAttribute(lambda path: f"Path {path.code}")


class PathStepFactory(DjangoModelFactory):
    class Meta:
        model = catalogue.PathStep

    path = factory.SubFactory(LearningPathFactory)
    module = factory.SubFactory(ModuleFactory)
    position = factory.Sequence(lambda n: n + 1)
