"""Every list and detail read of the API costs a number of queries that does not grow with
the data.

`SCENARIOS` maps each GET operation of the schema (some more than once: a change feed, a
provider reading their own history) to a scenario: `grow(world, n)` adds n units of the
data the endpoint shows, with a row in every relation its serializer walks (nested lists,
many-to-many, translations, …). Each scenario is called once after 5 units and once after
50, with the cache emptied before each call (catalogue reads are cached): both calls must
cost the same number of queries, at most the figure noted beside it. An operation of the
schema with no scenario fails the inventory test, so a new endpoint must come with one.

Every figure includes authentication: a signed token (JWT) costs one query, for its user.
"""

import csv
import datetime as dt
import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from catalogue.models import CompetencyLevel, ModulePrerequisite, PathStep, PathTarget
from integrations.models import Participant, WebhookDelivery, WebhookSubscription
from integrations.services import partner_client_create
from progress.services import self_assessments_create
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
    ModuleCompetencyFactory,
    ModuleFactory,
    OrganisationFactory,
    PartnerCentreFactory,
    PartnerUserFactory,
    ProviderFactory,
    ProviderUserFactory,
    SessionFactory,
    TrainerFactory,
    TrainerUserFactory,
    UserFactory,
)
from training.models import EnrolmentStatus, SessionSlot, SessionStatus

SMALL = 5
LARGE = 50
ALL_ON_ONE_PAGE = {"page_size": 100}
CHANGE_FEED = {"page_size": 100, "updated_since": "2000-01-01T00:00:00Z"}
CSV = {"format": "csv"}

# GET operations of the schema that are not data reads. (The schema and its docs,
# /api/schema/ and /api/docs/, are not operations of the schema.)
EXCLUDED = {
    # A liveness probe for load balancers: one `SELECT 1`, no authentication, no data.
    "/health/",
}


class World(SimpleNamespace):
    """The objects a scenario builds, by name; `once` makes a focal object the first time."""

    def once(self, name: str, make: Callable[[], Any]) -> Any:
        if not hasattr(self, name):
            setattr(self, name, make())
        return getattr(self, name)

    def url(self, template: str) -> str:
        return template.format(**{k: getattr(v, "pk", v) for k, v in vars(self).items()})


@pytest.fixture
def world(db: None) -> World:
    provider_user = ProviderUserFactory()
    return World(
        coordinator=CoordinatorFactory(),
        provider_user=provider_user,
        provider=provider_user.provider,
        area=AreaFactory(),
    )


def competency(world: World) -> Any:
    """A new competency of the shared framework (scale 0..4, proficient from 3)."""
    return CompetencyFactory(area=world.area)


def past(days: int, hour: int = 9) -> dt.datetime:
    moment = timezone.now() - dt.timedelta(days=days)
    return moment.replace(hour=hour, minute=0, second=0, microsecond=0)


# Catalogue ------------------------------------------------------------------


def frameworks(world: World, n: int) -> None:
    for _ in range(n):
        AreaFactory.create_batch(2, framework=FrameworkFactory())


def framework_areas(world: World, n: int) -> None:
    framework = world.once("framework", FrameworkFactory)
    AreaFactory.create_batch(n, framework=framework)


def competencies(world: World, n: int) -> None:
    for _ in range(n):
        taught = competency(world)
        for level in (1, 2):
            CompetencyLevel.objects.create(competency=taught, level=level, descriptor="…")


def competency_levels(world: World, n: int) -> None:
    # A scale has at most 21 levels (0..20): the large case has 21 descriptors, not 50.
    def make() -> Any:
        return CompetencyFactory(area=AreaFactory(framework=FrameworkFactory(scale=20)))

    focal = world.once("competency", make)
    done = focal.level_descriptors.count()
    for level in range(done, min(done + n, 21)):
        CompetencyLevel.objects.create(
            competency=focal, level=level, descriptor_fr=f"Niveau {level}", descriptor_en="…"
        )


def modules(world: World, n: int) -> None:
    for _ in range(n):
        taught = ModuleCompetencyFactory(competency=competency(world))
        ModulePrerequisite.objects.create(
            module=taught.module, competency=competency(world), min_level=1
        )


def module_competencies(world: World, n: int) -> None:
    module = world.once("module", ModuleFactory)
    for _ in range(n):
        ModuleCompetencyFactory(module=module, competency=competency(world))
        ModulePrerequisite.objects.create(module=module, competency=competency(world), min_level=1)


def paths(world: World, n: int) -> None:
    for _ in range(n):
        path = LearningPathFactory()
        PathStep.objects.create(path=path, module=ModuleFactory(), position=1)
        PathTarget.objects.create(path=path, competency=competency(world), level=3)


def path_steps(world: World, n: int) -> None:
    path = world.once("path", LearningPathFactory)
    for _ in range(n):
        position = path.steps.count() + 1
        PathStep.objects.create(path=path, module=ModuleFactory(), position=position)
        PathTarget.objects.create(path=path, competency=competency(world), level=3)


# People ---------------------------------------------------------------------


def accounts(world: World, n: int) -> None:
    for i in range(n):
        [ProviderUserFactory, TrainerUserFactory, PartnerUserFactory, UserFactory][i % 4]()
    world.once("account", ProviderUserFactory)


def organisations(world: World, n: int) -> None:
    parent = world.once("office", lambda: OrganisationFactory(kind="office"))
    OrganisationFactory.create_batch(n, parent=parent)
    world.once("organisation", lambda: OrganisationFactory(parent=parent))


def businesses(world: World, n: int) -> None:
    for _ in range(n):
        BusinessFactory(office=OrganisationFactory())
    world.once("business", BusinessFactory)


def providers(world: World, n: int) -> None:
    assigned = world.once("assigned", lambda: LearningPathFactory.create_batch(2))
    for provider in ProviderFactory.create_batch(n):
        provider.assigned_paths.add(*assigned)


def provider_paths(world: World, n: int) -> None:
    world.provider.assigned_paths.add(*LearningPathFactory.create_batch(n))


def trainers(world: World, n: int) -> None:
    for i in range(n):
        TrainerFactory(organisation=(PartnerCentreFactory if i % 2 else OrganisationFactory)())
    world.once("trainer", TrainerFactory)


# Training -------------------------------------------------------------------


def sessions(world: World, n: int) -> None:
    for i in range(n):
        if i % 2:
            session = SessionFactory(trainers=TrainerFactory.create_batch(2), capacity=1)
        else:
            session = SessionFactory(
                module=None, path=LearningPathFactory(), trainers=TrainerFactory.create_batch(2)
            )
        SessionSlot.objects.create(
            session=session,
            starts_at=session.ends_at + dt.timedelta(days=1),
            ends_at=session.ends_at + dt.timedelta(days=1, hours=3),
        )
        EnrolmentFactory(session=session)
        EnrolmentFactory(session=session, status=EnrolmentStatus.WAITLISTED)


def session_parts(world: World, n: int) -> None:
    session = world.once("session", lambda: SessionFactory(capacity=100))
    session.trainers.add(*TrainerFactory.create_batch(n))
    for _ in range(n):
        last = session.slots.order_by("starts_at").last()
        SessionSlot.objects.create(
            session=session,
            starts_at=last.ends_at + dt.timedelta(days=1),
            ends_at=last.ends_at + dt.timedelta(days=1, hours=3),
        )
        EnrolmentFactory(session=session)
        EnrolmentFactory(session=session, status=EnrolmentStatus.WAITLISTED)


def enrolments(world: World, n: int, provider: Any = None) -> None:
    kwargs = {"provider": provider} if provider else {}
    for i in range(n):
        status = EnrolmentStatus.WAITLISTED if i % 2 else EnrolmentStatus.ENROLLED
        EnrolmentFactory(session=SessionFactory(capacity=1), status=status, **kwargs)
    world.once("enrolment", lambda: EnrolmentFactory(status=EnrolmentStatus.WAITLISTED, **kwargs))


def own_enrolments(world: World, n: int) -> None:
    enrolments(world, n, provider=world.provider)


def completions(world: World, n: int, provider: Any = None) -> None:
    kwargs = {"provider": provider} if provider else {}
    for i in range(n):
        session = SessionFactory(status=SessionStatus.COMPLETED)
        CompletionFactory(
            session=session if i % 2 else None,
            module=session.module,
            recorded_by=world.coordinator,
            **kwargs,
        )
    world.once("completion", lambda: CompletionFactory(session=SessionFactory(), **kwargs))


def own_completions(world: World, n: int) -> None:
    completions(world, n, provider=world.provider)


# Progress -------------------------------------------------------------------


def self_assessments(world: World, n: int, provider: Any = None) -> None:
    for i in range(n):
        self_assessments_create(
            provider=provider or ProviderFactory(),
            ratings=[{"competency": competency(world), "level": i % 5}],
            assessed_at=past(i + 1),
            actor=world.coordinator,
        )
    world.once(
        "self_assessment",
        lambda: self_assessments_create(
            provider=ProviderFactory(),
            ratings=[{"competency": competency(world), "level": 2}],
            assessed_at=past(1),
            actor=None,
        )[0],
    )


def own_self_assessments(world: World, n: int) -> None:
    self_assessments(world, n, provider=world.provider)


def history(world: World, n: int) -> None:
    """The provider's history: per unit a competency rated 1, a completed module teaching it
    to 2, an assigned path targeting 3 whose next step teaches 3 (a recommendation, with a
    prerequisite met) and has an upcoming session, and an enrolment in a path session."""
    provider = world.provider
    for _ in range(n):
        skill = competency(world)
        self_assessments_create(
            provider=provider,
            ratings=[{"competency": skill, "level": 1}],
            assessed_at=past(3),
            actor=None,
        )
        done = ModuleCompetencyFactory(competency=skill, level=2).module
        CompletionFactory(provider=provider, module=done)
        following = ModuleCompetencyFactory(competency=skill, level=3).module
        ModulePrerequisite.objects.create(module=following, competency=skill, min_level=1)
        SessionFactory(module=following)
        path = LearningPathFactory()
        PathStep.objects.create(path=path, module=done, position=1)
        PathStep.objects.create(path=path, module=following, position=2, is_required=False)
        PathTarget.objects.create(path=path, competency=skill, level=3)
        provider.assigned_paths.add(path)
        EnrolmentFactory(provider=provider, session=SessionFactory(module=None, path=path))


# Reports --------------------------------------------------------------------


def programme(world: World, n: int) -> None:
    """Per unit an office, a business and a provider on a path, a held session of a module
    teaching two competencies, the provider enrolled and completed, rated before and after."""
    shared = world.once("shared_competency", lambda: competency(world))
    path = world.once("report_path", LearningPathFactory)
    world.once(
        "report_target", lambda: PathTarget.objects.create(path=path, competency=shared, level=3)
    )
    for i in range(n):
        office = OrganisationFactory()
        provider = ProviderFactory(business=BusinessFactory(office=office))
        provider.assigned_paths.add(path)
        own = competency(world)
        module = ModuleCompetencyFactory(competency=shared, level=2).module
        ModuleCompetencyFactory(module=module, competency=own, level=2)
        starts = past(60 + i)
        session = SessionFactory(
            module=module,
            organiser=office,
            status=SessionStatus.COMPLETED,
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=3),
        )
        EnrolmentFactory(session=session, provider=provider)
        CompletionFactory(provider=provider, module=module, session=session)
        for skill in (shared, own):
            for level, when in (
                (1, starts - dt.timedelta(days=1)),
                (3, starts + dt.timedelta(days=1)),
            ):
                self_assessments_create(
                    provider=provider,
                    ratings=[{"competency": skill, "level": level, "assessed_at": when}],
                    assessed_at=when,
                    actor=None,
                )
        SessionFactory(
            organiser=office,
            status=SessionStatus.CANCELLED,
            cancel_reason="Too few",
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=3),
        )


# Integrations ---------------------------------------------------------------


def audit_events(world: World, n: int) -> None:
    """Sessions written: each one an event of the audit trail."""
    from audit.models import AuditEvent

    SessionFactory.create_batch(n)
    world.once("audit_event", lambda: AuditEvent.objects.order_by("id").first())


def partner_clients(world: World, n: int) -> None:
    for _ in range(n):
        partner_client_create(partner_centre=PartnerCentreFactory(), name="Logiciel", actor=None)
    world.once(
        "partner_client",
        lambda: partner_client_create(
            partner_centre=PartnerCentreFactory(), name="Logiciel", actor=world.coordinator
        )[0],
    )


def webhook(partner_centre: Any) -> WebhookSubscription:
    return WebhookSubscription.objects.create(
        partner_centre=partner_centre,
        url="https://centre.example/hooks",
        events=["session.confirmed"],
        secret="s" * 20,
    )


def webhooks(world: World, n: int) -> None:
    for _ in range(n):
        webhook(PartnerCentreFactory())
    world.once("webhook", lambda: webhook(PartnerCentreFactory()))


def deliveries(world: World, n: int) -> None:
    subscription = world.once("webhook", lambda: webhook(PartnerCentreFactory()))
    for i in range(n):
        WebhookDelivery.objects.create(
            subscription=subscription, event="session.confirmed", payload={"n": i}
        )


def participant_links(world: World, n: int) -> None:
    """Links of centres to other providers, and one to the focal provider."""
    for i in range(n):
        Participant.objects.create(
            partner_centre=PartnerCentreFactory(), external_id=f"P-{i}", provider=ProviderFactory()
        )
    world.once(
        "participant_link",
        lambda: Participant.objects.create(
            partner_centre=PartnerCentreFactory(), external_id="P-0", provider=world.provider
        ),
    )


def own_participant_links(world: World, n: int) -> None:
    """The focal provider's links to n centres."""
    for i in range(n):
        Participant.objects.create(
            partner_centre=PartnerCentreFactory(), external_id=f"P-{i}", provider=world.provider
        )


# The scenarios --------------------------------------------------------------


def results(body: bytes) -> int:
    return len(json.loads(body)["results"])


def nested(key: str) -> Callable[[bytes], int]:
    return lambda body: len(json.loads(body)[key])


def report_rows(body: bytes) -> int:
    return len(json.loads(body)["rows"])


def csv_rows(body: bytes) -> int:
    return len(list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))) - 1


def mentions(text: str) -> Callable[[bytes], int]:
    """How many times a chart names `text` (a label per bar, row or column)."""
    return lambda body: body.decode().count(text)


@dataclass(frozen=True)
class Scenario:
    path: str  # the operation's path in the schema
    url: str  # the URL called, with {names} of the world's objects
    grow: Callable[[World, int], None]
    queries: int  # the figure observed, asserted as an upper bound
    # Rows of the data in the answer (None: a detail with no nested list).
    rows: Callable[[bytes], int] | None = results
    role: str = "coordinator"
    params: dict[str, Any] = field(default_factory=dict)
    large: int = LARGE  # rows expected in the large answer


def scenario(
    path: str, grow: Callable[[World, int], None], queries: int, **kwargs: Any
) -> Scenario:
    kwargs.setdefault("url", path)
    if kwargs.get("rows", results) is results:
        kwargs.setdefault("params", ALL_ON_ONE_PAGE)
    return Scenario(path=path, grow=grow, queries=queries, **kwargs)


SCENARIOS: dict[str, Scenario] = {
    # Accounts ("me" reads only the caller: other logins are the data that must not count)
    "accounts": scenario("/api/v1/accounts/", accounts, 4),
    "account": scenario(
        "/api/v1/accounts/{id}/", accounts, 3, url="/api/v1/accounts/{account}/", rows=None
    ),
    "me (provider)": scenario("/api/v1/me/", accounts, 3, role="provider", rows=None),
    # Catalogue (read from the cache after the first call; the cache is emptied here)
    "frameworks": scenario("/api/v1/frameworks/", frameworks, 7),
    "framework": scenario(
        "/api/v1/frameworks/{id}/",
        framework_areas,
        6,
        url="/api/v1/frameworks/{framework}/",
        rows=nested("areas"),
    ),
    "competencies": scenario("/api/v1/competencies/", competencies, 6),
    "competency": scenario(
        "/api/v1/competencies/{id}/",
        competency_levels,
        5,
        url="/api/v1/competencies/{competency}/",
        rows=nested("levels"),
        large=21,
    ),
    "modules": scenario("/api/v1/modules/", modules, 7),
    "module": scenario(
        "/api/v1/modules/{id}/",
        module_competencies,
        6,
        url="/api/v1/modules/{module}/",
        rows=nested("prerequisites"),
    ),
    "paths": scenario("/api/v1/paths/", paths, 7),
    "path": scenario(
        "/api/v1/paths/{id}/", path_steps, 6, url="/api/v1/paths/{path}/", rows=nested("steps")
    ),
    # People
    "organisations": scenario("/api/v1/organisations/", organisations, 4),
    "organisation": scenario(
        "/api/v1/organisations/{id}/",
        organisations,
        3,
        url="/api/v1/organisations/{organisation}/",
        rows=None,
    ),
    "businesses": scenario("/api/v1/businesses/", businesses, 4),
    "business": scenario(
        "/api/v1/businesses/{id}/", businesses, 3, url="/api/v1/businesses/{business}/", rows=None
    ),
    "providers": scenario("/api/v1/providers/", providers, 5),
    "providers (change feed)": scenario("/api/v1/providers/", providers, 4, params=CHANGE_FEED),
    "providers (CSV)": scenario("/api/v1/providers/", providers, 3, rows=csv_rows, params=CSV),
    "provider": scenario(
        "/api/v1/providers/{id}/",
        provider_paths,
        4,
        url="/api/v1/providers/{provider}/",
        rows=nested("assigned_paths"),
    ),
    "provider (themself)": scenario(
        "/api/v1/providers/{id}/",
        provider_paths,
        4,
        url="/api/v1/providers/{provider}/",
        rows=nested("assigned_paths"),
        role="provider",
    ),
    "trainers": scenario("/api/v1/trainers/", trainers, 4),
    "trainer": scenario(
        "/api/v1/trainers/{id}/", trainers, 3, url="/api/v1/trainers/{trainer}/", rows=None
    ),
    # Training
    "sessions": scenario("/api/v1/sessions/", sessions, 6),
    "sessions (change feed)": scenario("/api/v1/sessions/", sessions, 5, params=CHANGE_FEED),
    "sessions (CSV)": scenario("/api/v1/sessions/", sessions, 3, rows=csv_rows, params=CSV),
    "session": scenario(
        "/api/v1/sessions/{id}/",
        session_parts,
        5,
        url="/api/v1/sessions/{session}/",
        rows=nested("trainers"),
    ),
    "enrolments": scenario("/api/v1/enrolments/", enrolments, 4),
    "enrolments (change feed)": scenario("/api/v1/enrolments/", enrolments, 3, params=CHANGE_FEED),
    "enrolments (provider's own)": scenario(
        "/api/v1/enrolments/", own_enrolments, 4, role="provider"
    ),
    "enrolments (CSV)": scenario("/api/v1/enrolments/", enrolments, 3, rows=csv_rows, params=CSV),
    "enrolment": scenario(
        "/api/v1/enrolments/{id}/", enrolments, 3, url="/api/v1/enrolments/{enrolment}/", rows=None
    ),
    "completions": scenario("/api/v1/completions/", completions, 4),
    "completions (change feed)": scenario(
        "/api/v1/completions/", completions, 3, params=CHANGE_FEED
    ),
    "completions (provider's own)": scenario(
        "/api/v1/completions/", own_completions, 4, role="provider"
    ),
    "completions (CSV)": scenario(
        "/api/v1/completions/", completions, 3, rows=csv_rows, params=CSV
    ),
    "completion": scenario(
        "/api/v1/completions/{id}/",
        completions,
        3,
        url="/api/v1/completions/{completion}/",
        rows=None,
    ),
    # Progress
    "audit": scenario("/api/v1/audit/", audit_events, 3),
    "audit event": scenario(
        "/api/v1/audit/{id}/", audit_events, 3, url="/api/v1/audit/{audit_event}/", rows=None
    ),
    "self-assessments": scenario("/api/v1/self-assessments/", self_assessments, 3),
    "self-assessments (provider's own)": scenario(
        "/api/v1/self-assessments/", own_self_assessments, 3, role="provider"
    ),
    "self-assessments (CSV)": scenario(
        "/api/v1/self-assessments/", self_assessments, 3, rows=csv_rows, params=CSV
    ),
    "self-assessment": scenario(
        "/api/v1/self-assessments/{id}/",
        self_assessments,
        3,
        url="/api/v1/self-assessments/{self_assessment}/",
        rows=None,
    ),
    "progress": scenario(
        "/api/v1/providers/{id}/progress/",
        history,
        11,
        url="/api/v1/providers/{provider}/progress/",
        rows=nested("recommendations"),
    ),
    "progress (themself)": scenario(
        "/api/v1/providers/{id}/progress/",
        history,
        11,
        url="/api/v1/providers/{provider}/progress/",
        rows=nested("recommendations"),
        role="provider",
    ),
    "my progress": scenario(
        "/api/v1/providers/me/progress/",
        history,
        11,
        rows=nested("recommendations"),
        role="provider",
    ),
    "provider export": scenario(
        "/api/v1/providers/{id}/export/",
        history,
        12,
        url="/api/v1/providers/{provider}/export/",
        rows=nested("self_assessments"),
    ),
    "progress chart": scenario(
        "/api/v1/providers/{id}/progress.svg",
        history,
        14,
        url="/api/v1/providers/{provider}/progress.svg",
        rows=mentions("Compétence "),
    ),
    # Reports
    "skills report": scenario("/api/v1/reports/skills/", programme, 11, rows=report_rows),
    "skills chart": scenario("/api/v1/reports/skills.svg", programme, 11, rows=mentions("Bureau ")),
    "skills report (CSV)": scenario(
        "/api/v1/reports/skills/", programme, 11, rows=csv_rows, params=CSV
    ),
    "training effect report": scenario(
        "/api/v1/reports/training-effect/", programme, 7, rows=report_rows
    ),
    "sessions report": scenario("/api/v1/reports/sessions/", programme, 6, rows=report_rows),
    "training effect report (CSV)": scenario(
        "/api/v1/reports/training-effect/", programme, 7, rows=csv_rows, params=CSV
    ),
    "sessions report (CSV)": scenario(
        "/api/v1/reports/sessions/", programme, 6, rows=csv_rows, params=CSV
    ),
    # Integrations
    "partner clients": scenario("/api/v1/partner-clients/", partner_clients, 4),
    "partner client": scenario(
        "/api/v1/partner-clients/{id}/",
        partner_clients,
        3,
        url="/api/v1/partner-clients/{partner_client}/",
        rows=None,
    ),
    "participant links": scenario("/api/v1/participant-links/", participant_links, 3),
    "participant links (provider's own)": scenario(
        "/api/v1/participant-links/", own_participant_links, 3, role="provider"
    ),
    "participant link": scenario(
        "/api/v1/participant-links/{id}/",
        participant_links,
        3,
        url="/api/v1/participant-links/{participant_link}/",
        rows=None,
    ),
    "webhooks": scenario("/api/v1/webhooks/", webhooks, 4),
    "webhook": scenario(
        "/api/v1/webhooks/{id}/", webhooks, 3, url="/api/v1/webhooks/{webhook}/", rows=None
    ),
    "webhook deliveries": scenario(
        "/api/v1/webhooks/{id}/deliveries/",
        deliveries,
        5,
        url="/api/v1/webhooks/{webhook}/deliveries/",
    ),
}


def client_of(world: World, role: str) -> APIClient:
    return client_for(world.coordinator if role == "coordinator" else world.provider_user)


def queries_for(client: APIClient, url: str, params: dict[str, Any]) -> tuple[int, bytes]:
    """The queries one GET costs, exports streamed to their end, and the body."""
    for cache in caches.all():
        cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
        body = b"".join(response.streaming_content) if response.streaming else response.content
    assert response.status_code == 200, (url, body[:500])
    return len(ctx), body


@pytest.fixture(scope="module")
def schema_get_paths() -> set[str]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return {path for path, item in schema["paths"].items() if "get" in item}


def test_every_get_operation_of_the_schema_has_a_scenario(schema_get_paths):
    covered = {s.path for s in SCENARIOS.values()}
    missing = sorted(schema_get_paths - covered - EXCLUDED)
    assert not missing, f"GET operations without a query-count scenario: {missing}"
    stale = sorted((covered | EXCLUDED) - schema_get_paths)
    assert not stale, f"Scenarios for GET operations the schema no longer has: {stale}"


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_queries_do_not_grow_with_the_data(world, name):
    scenario = SCENARIOS[name]
    client = client_of(world, scenario.role)

    scenario.grow(world, SMALL)
    url = world.url(scenario.url)
    few, body = queries_for(client, url, scenario.params)
    if scenario.rows is not None:
        assert scenario.rows(body) >= SMALL
    scenario.grow(world, LARGE - SMALL)
    many, body = queries_for(client, url, scenario.params)
    if scenario.rows is not None:
        assert scenario.rows(body) >= scenario.large

    assert many == few, f"{name}: {few} queries for {SMALL} units, {many} for {LARGE}"
    assert many <= scenario.queries, f"{name}: {many} queries"


CATALOGUE = [
    name
    for name, scenario in SCENARIOS.items()
    if scenario.path.split("/")[3] in {"frameworks", "competencies", "modules", "paths"}
]


def test_a_cached_catalogue_read_costs_the_caller_and_the_catalogue_version_only(db):
    """A cache hit reads the catalogue's version (the cache key) and nothing else, beyond
    what authentication costs: for a signed token, its user, once (then kept)."""
    assert len(CATALOGUE) == 8
    for name in CATALOGUE:
        world = World(area=AreaFactory())
        coordinator = client_for(CoordinatorFactory())
        scenario = SCENARIOS[name]
        scenario.grow(world, SMALL)
        url = world.url(scenario.url)
        for cache in caches.all():
            cache.clear()
        first = coordinator.get(url, scenario.params)
        for client, expected in ((APIClient(), 1), (coordinator, 1)):
            with CaptureQueriesContext(connection) as ctx:
                again = client.get(url, scenario.params)
            assert again.content == first.content
            assert len(ctx) == expected, (name, [q["sql"] for q in ctx.captured_queries])


def test_signing_in_refreshing_and_signing_out_cost_fixed_queries(db):
    """Sign-in (6): the failed sign-ins' count (one upsert, the sweep of passed windows, its
    clearing), the login, its refresh token listed, `last_login`. Refresh (11, with the
    transaction's savepoints): not denied, the login, the used token denied, the new one
    listed, `last_login`. Sign-out (8): not denied, then denied."""
    CoordinatorFactory(username="counted")
    client = APIClient()
    expected = {"sign-in": 6, "refresh": 11, "sign-out": 8}
    got = {}
    with CaptureQueriesContext(connection) as ctx:
        tokens = client.post(
            "/api/v1/auth/token/", {"username": "counted", "password": "secret-pass-123"}
        ).json()
    got["sign-in"] = len(ctx)
    with CaptureQueriesContext(connection) as ctx:
        tokens = client.post("/api/v1/auth/token/refresh/", {"refresh": tokens["refresh"]}).json()
    got["refresh"] = len(ctx)
    with CaptureQueriesContext(connection) as ctx:
        response = client.post("/api/v1/auth/logout/", {"refresh": tokens["refresh"]})
    got["sign-out"] = len(ctx)
    assert response.status_code == 204
    assert got == expected
