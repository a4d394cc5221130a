"""Every operation of the schema, called by every role, answers as the matrix says."""

from pathlib import Path
from typing import Any

import pytest
import yaml
from django.db import transaction
from django.utils import timezone
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from catalogue.models import ModuleCompetency, PathStep
from integrations.models import Participant, WebhookSubscription
from integrations.services import partner_client_create
from progress.models import SelfAssessment
from tests.authz.matrix import OPERATIONS, ROLES
from tests.conftest import client_for
from tests.factories import (
    AreaFactory,
    BusinessFactory,
    CompetencyFactory,
    CompletionFactory,
    CoordinatorFactory,
    EnrolmentFactory,
    FrameworkFactory,
    LearningPathFactory,
    ModuleFactory,
    OrganisationFactory,
    PartnerUserFactory,
    ProviderFactory,
    ProviderUserFactory,
    SessionFactory,
    TrainerFactory,
    TrainerUserFactory,
    UserFactory,
)

SCHEMA = Path(__file__).resolve().parents[2] / "api_schema" / "openapi.yaml"
PASSWORD = "secret-pass-123"


class Rollback(Exception):
    pass


def scene() -> dict[str, Any]:
    """Provider A enrolled in session S that trainer T trains, and spare records to delete."""
    office = OrganisationFactory(kind="office", name="Maison du tourisme")
    area = AreaFactory()
    framework = area.framework
    competency = CompetencyFactory(area=area, code="STRATEGY")
    module = ModuleFactory(code="W20-D1")
    ModuleCompetency.objects.create(module=module, competency=competency, level=3)
    path = LearningPathFactory(code="WEB20")
    PathStep.objects.create(path=path, module=module, position=1)
    provider_user = ProviderUserFactory(provider__business__office=office)
    provider = provider_user.provider
    trainer_user = TrainerUserFactory()
    session = SessionFactory(
        module=module, organiser=office, status="confirmed", trainers=[trainer_user.trainer]
    )
    enrolment = EnrolmentFactory(session=session, provider=provider)
    participant = EnrolmentFactory(session=session).provider
    completion = CompletionFactory(provider=provider, module=module, session=session)
    partner_user = PartnerUserFactory()
    partner_client, _ = partner_client_create(
        partner_centre=partner_user.partner_centre, name="Logiciel", actor=None
    )
    webhook = WebhookSubscription.objects.create(
        partner_centre=partner_user.partner_centre,
        url="https://centre.example/hooks",
        events=["session.confirmed"],
        secret="s" * 20,
    )
    participant_link = Participant.objects.create(
        partner_centre=partner_user.partner_centre, external_id="P-A", provider=provider
    )
    return {
        "participant_link": participant_link,
        "webhook": webhook,
        "partner_centre": partner_user.partner_centre,
        "partner_client": partner_client,
        "office": office,
        "framework": framework,
        "area": area,
        "competency": competency,
        "module": module,
        "path": path,
        "business": provider.business,
        "provider": provider,
        "provider_user": provider_user,
        "trainer": trainer_user.trainer,
        "trainer_user": trainer_user,
        "session": session,
        "open_session": SessionFactory(module=module, organiser=office, status="open"),
        "draft_session": SessionFactory(module=module, organiser=office, status="draft"),
        "enrolment": enrolment,
        "participant": participant,
        "completion": completion,
        "self_assessment": SelfAssessment.objects.create(
            provider=provider, competency=competency, level=2, assessed_at=timezone.now()
        ),
        "spare_framework": FrameworkFactory(),
        "spare_competency": CompetencyFactory(area=area),
        "spare_module": ModuleFactory(),
        "spare_path": LearningPathFactory(),
        "spare_organisation": OrganisationFactory(),
        "spare_business": BusinessFactory(),
        "spare_provider": ProviderFactory(business=None),
        "spare_trainer": TrainerFactory(),
        "spare_user": UserFactory(),
        "password": PASSWORD,
        "refresh_token": str(RefreshToken.for_user(provider_user)),
        "clients": {
            "anonymous": APIClient(),
            "provider": client_for(provider_user),
            "other_provider": client_for(ProviderUserFactory()),
            "trainer": client_for(trainer_user),
            "other_trainer": client_for(TrainerUserFactory()),
            "partner": client_for(partner_user),
            "coordinator": client_for(CoordinatorFactory()),
        },
    }


def schema_operations() -> set[str]:
    schema = yaml.safe_load(SCHEMA.read_text(encoding="utf-8"))
    return {
        f"{method.upper()} {path}"
        for path, item in schema["paths"].items()
        for method in item
        if method in {"get", "post", "put", "patch", "delete"}
    }


def test_every_operation_of_the_schema_is_in_the_matrix():
    assert set(OPERATIONS) == schema_operations()


@pytest.mark.django_db
@pytest.mark.parametrize("operation", sorted(OPERATIONS))
def test_each_role_gets_what_the_matrix_says(operation):
    build, expected = OPERATIONS[operation]
    method = operation.split()[0].lower()
    world = scene()
    url, body = build(world)
    got = {}
    for role in ROLES:
        try:
            with transaction.atomic():
                client = world["clients"][role]
                response = getattr(client, method)(url, body, format="json")
                got[role] = response.status_code
                raise Rollback
        except Rollback:
            pass
    assert got == expected
