"""factory-boy factories for every model the tests build."""

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from accounts.models import User
from catalogue import models as catalogue
from common.roles import Role
from people import models as people
from training import models as training


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


# People -------------------------------------------------------------------


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = people.Organisation

    name = factory.Sequence(lambda n: f"Bureau {n}")
    kind = people.OrganisationKind.INFORMATION_OFFICE
    commune = "Paimpol"


class PartnerCentreFactory(OrganisationFactory):
    name = factory.Sequence(lambda n: f"Centre de formation {n}")
    kind = people.OrganisationKind.PARTNER_CENTRE


class BusinessFactory(DjangoModelFactory):
    class Meta:
        model = people.Business

    name = factory.Sequence(lambda n: f"Camping {n}")
    sector = people.Sector.ACCOMMODATION
    commune = "Paimpol"
    office = factory.SubFactory(OrganisationFactory)


class ProviderFactory(DjangoModelFactory):
    class Meta:
        model = people.Provider

    first_name = "Anne"
    last_name = factory.Sequence(lambda n: f"Le Goff {n}")
    email = factory.Sequence(lambda n: f"provider{n}@example.org")
    business = factory.SubFactory(BusinessFactory)


class TrainerFactory(DjangoModelFactory):
    class Meta:
        model = people.Trainer

    first_name = "Yann"
    last_name = factory.Sequence(lambda n: f"Trainer {n}")
    email = factory.Sequence(lambda n: f"trainer{n}@example.org")
    organisation = factory.SubFactory(OrganisationFactory)


class ProviderUserFactory(UserFactory):
    role = Role.PROVIDER
    provider = factory.SubFactory(ProviderFactory)


class TrainerUserFactory(UserFactory):
    role = Role.TRAINER
    trainer = factory.SubFactory(TrainerFactory)


class PartnerUserFactory(UserFactory):
    role = Role.PARTNER
    partner_centre = factory.SubFactory(PartnerCentreFactory)


# Training -----------------------------------------------------------------


class SessionFactory(DjangoModelFactory):
    """An open workshop session with one slot in a month, 12 places."""

    class Meta:
        model = training.Session
        skip_postgeneration_save = True

    module = factory.SubFactory(ModuleFactory)
    organiser = factory.SubFactory(OrganisationFactory)
    venue = "Salle des fêtes"
    commune = "Paimpol"
    capacity = 12
    min_participants = 0
    funding = training.Funding.PAID
    status = training.SessionStatus.OPEN
    cancel_cause = factory.LazyAttribute(
        lambda s: training.CancelCause.OTHER if s.status == training.SessionStatus.CANCELLED else ""
    )
    starts_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=30))
    ends_at = factory.LazyAttribute(lambda s: s.starts_at + dt.timedelta(hours=3))

    @factory.post_generation
    def slot(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create and self.starts_at:
            training.SessionSlot.objects.create(
                session=self, starts_at=self.starts_at, ends_at=self.ends_at
            )

    @factory.post_generation
    def trainers(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create and extracted:
            self.trainers.set(extracted)  # type: ignore[arg-type]


class EnrolmentFactory(DjangoModelFactory):
    class Meta:
        model = training.Enrolment

    session = factory.SubFactory(SessionFactory)
    provider = factory.SubFactory(ProviderFactory)
    status = training.EnrolmentStatus.ENROLLED


class CompletionFactory(DjangoModelFactory):
    class Meta:
        model = training.Completion

    provider = factory.SubFactory(ProviderFactory)
    module = factory.SubFactory(ModuleFactory)
    session = None
    completed_on = factory.LazyFunction(timezone.localdate)
    outcome = training.Outcome.COMPLETED
    source = training.Source.TRAINER
