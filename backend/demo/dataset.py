"""A large, realistic and deterministic data set, for measuring Parcours at national scale.

`generate(providers=N, seed=S)` adds, beside the demo catalogue:
- one information office per 1,000 providers (at least 4), each with about 20
  communes, and one partner centre per 5,000 providers (at least 2);
- businesses (one per 3 providers) across the sectors, and the providers;
- three years of module sessions run by the offices and the partner centres, each
  filled with up to 12 of the region's providers;
- about 5 completion records per provider (mostly `completed`), with their
  enrolments, and about 20 self-assessments per provider spread over the three
  years, rising over time, with the current level of each.

The same `providers`, `seed` and `end` give the same rows. Rows are written with
COPY on PostgreSQL and in large batches elsewhere; ids are given here, so no row
is read back.
"""

import datetime as dt
import random
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone

from catalogue.models import (
    Competency,
    LearningPath,
    Module,
    ModuleCompetency,
    ProficiencyLevel,
)
from demo.catalogue import load_catalogue
from people.models import Business, Organisation, OrganisationKind, Provider, Sector
from progress import competency_levels, profile_cache
from progress.models import ProviderCompetencyLevel, SelfAssessment
from training.models import (
    Completion,
    Enrolment,
    EnrolmentStatus,
    Funding,
    Outcome,
    Session,
    SessionSlot,
    SessionStatus,
    Source,
)

YEARS = 3
CAPACITY = 12
COMPLETIONS_PER_PROVIDER = 5
RATINGS_PER_PROVIDER = 20
CATALOGUE_MODULES = 60
SECTOR_WEIGHTS = {
    Sector.ACCOMMODATION: 35,
    Sector.FOOD_AND_DRINK: 25,
    Sector.ACTIVITIES_AND_LEISURE: 15,
    Sector.RETAIL: 12,
    Sector.ASSOCIATION: 6,
    Sector.PUBLIC_BODY: 4,
    Sector.OTHER: 3,
}


def _words(text: str, separator: str = " ") -> list[str]:
    return text.split(separator)


FIRST_NAMES = _words(
    "Anne Yann Marie Erwan Nolwenn Loïc Gwen Ronan Soizic Tanguy Maël Katell Pierre Julie "
    "Thomas Camille Nicolas Léa Hugo Chloé Louis Emma Paul Manon Jean Sarah Luc Inès"
)
LAST_NAMES = _words(
    "Le Goff,Le Bras,Guillou,Le Gall,Morvan,Le Roux,Kerbrat,Tanguy,Quéré,Abgrall,Riou,"
    "Le Floch,Martin,Bernard,Dubois,Thomas,Robert,Richard,Petit,Durand,Leroy,Moreau,"
    "Simon,Laurent,Lefebvre,Michel,Garcia,David,Bertrand,Roux",
    ",",
)
SYLLABLES = _words("ker plou lan tré gui mor loc pen ros bre sai vil mont val bel fon")


def _commune_name(rng: random.Random, taken: set[str]) -> str:
    while True:
        name = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()
        if name not in taken:
            taken.add(name)
            return name


@dataclass
class Counts:
    """How many rows of each kind were written."""

    rows: dict[str, int] = field(default_factory=dict)

    def add(self, name: str, n: int) -> None:
        self.rows[name] = self.rows.get(name, 0) + n


class Writer:
    """Writes rows of a model in bulk: COPY on PostgreSQL, batched INSERTs elsewhere.

    A row is a dict of attnames; the model's other columns take their defaults.
    """

    def __init__(self, progress: Callable[[str, int], None]) -> None:
        self.progress = progress
        self.written: list[type[models.Model]] = []

    def next_id(self, model: type[models.Model]) -> int:
        top = model._default_manager.aggregate(top=models.Max("pk"))["top"]
        return int(top or 0) + 1

    def write(self, model: type[models.Model], rows: Iterable[dict[str, Any]], label: str) -> int:
        fields = list(model._meta.concrete_fields)
        columns = [f.column for f in fields]
        defaults = {f.attname: self._default(f) for f in fields}
        values = (tuple(row.get(f.attname, defaults[f.attname]) for f in fields) for row in rows)
        table = connection.ops.quote_name(model._meta.db_table)
        quoted = ", ".join(connection.ops.quote_name(column) for column in columns)
        count = 0
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
                    for count, row in enumerate(values, 1):
                        copy.write_row(row)
                        if count % 20000 == 0:
                            self.progress(label, count)
            else:
                # Raw INSERTs skip the ORM: values take the database's form here (dates, …).
                values = (
                    tuple(
                        f.get_db_prep_save(v, connection) for f, v in zip(fields, row, strict=True)
                    )
                    for row in values
                )
                marks = ", ".join(["%s"] * len(columns))
                sql = f"INSERT INTO {table} ({quoted}) VALUES ({marks})"
                for batch in _batches(values, 5000):
                    cursor.executemany(sql, batch)
                    count += len(batch)
                    self.progress(label, count)
        self.progress(label, count)
        self.written.append(model)
        return count

    @staticmethod
    def _default(model_field: models.Field[Any, Any]) -> Any:
        if getattr(model_field, "auto_now", False) or getattr(model_field, "auto_now_add", False):
            return timezone.now()
        if model_field.has_default():
            return model_field.get_default()
        return None

    def reset_sequences(self) -> None:
        statements = connection.ops.sequence_reset_sql(no_style(), self.written)
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


def _batches(rows: Iterable[tuple[Any, ...]], size: int) -> Iterator[list[tuple[Any, ...]]]:
    batch: list[tuple[Any, ...]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


@dataclass
class Region:
    office: int
    communes: list[str]
    centres: list[int]
    providers: list[int] = field(default_factory=list)


def generate(
    *,
    providers: int,
    seed: int = 1,
    end: dt.date = dt.date(2027, 1, 1),
    progress: Callable[[str, int], None] = lambda label, n: None,
) -> dict[str, int]:
    """Add the data set described above; returns the number of rows of each kind."""
    rng = random.Random(seed)
    load_catalogue()
    writer = Writer(progress)
    counts = Counts()
    competencies = list(Competency.objects.filter(is_active=True).values_list("pk", "framework_id"))
    scale_top = min(
        ProficiencyLevel.objects.filter(framework_id=framework).aggregate(top=models.Max("value"))[
            "top"
        ]
        or 0
        for framework in {framework for _pk, framework in competencies}
    )
    modules = list(
        Module.objects.filter(is_active=True, format="workshop").values_list("pk", flat=True)
    )
    modules = modules or list(Module.objects.values_list("pk", flat=True))
    paths = list(LearningPath.objects.values_list("pk", flat=True))
    span = 365 * YEARS
    start = timezone.make_aware(dt.datetime.combine(end, dt.time(9)) - dt.timedelta(days=span))
    with transaction.atomic():
        regions = _organisations(rng, writer, counts, providers)
        provider_ids = _people(rng, writer, counts, regions, providers)
        _assigned_paths(rng, writer, counts, provider_ids, paths)
        _training(rng, writer, counts, regions, modules, start, span, end)
        _ratings(rng, writer, counts, provider_ids, competencies, scale_top, start, span)
        writer.reset_sequences()
        # The evidenced and target levels beside the current ones, as the API keeps them.
        competency_levels.rebuild()
        profile_cache.invalidate_all()
    return counts.rows


def _modules(rng: random.Random, competencies: list[tuple[int, int]]) -> None:
    """A national catalogue: at least 60 workshops, each teaching one to three competencies."""
    existing = Module.objects.filter(is_active=True).count()
    for index in range(max(0, CATALOGUE_MODULES - existing)):
        module = Module.objects.create(
            code=f"ATELIER-{index + 1:03d}",
            title_fr=f"Atelier numérique {index + 1}",
            title_en=f"Digital workshop {index + 1}",
            format="workshop",
            duration_hours=3,
            price=40,
        )
        for competency_id, _framework in rng.sample(competencies, k=rng.randint(1, 3)):
            ModuleCompetency.objects.create(
                module=module, competency_id=competency_id, level=rng.randint(1, 4)
            )


def _organisations(
    rng: random.Random, writer: Writer, counts: Counts, providers: int
) -> list[Region]:
    n_offices = max(4, providers // 1000)
    n_centres = max(2, providers // 5000)
    first = writer.next_id(Organisation)
    names_taken: set[str] = set(Organisation.objects.values_list("commune", flat=True))
    prefix = f"{first:05d}"
    regions = []
    rows = []
    for index in range(n_offices):
        communes = [_commune_name(rng, names_taken) for _ in range(20)]
        office_id = first + index
        rows.append(
            {
                "id": office_id,
                "name": f"Bureau d'information touristique de {communes[0]} ({prefix}-{index})",
                "kind": OrganisationKind.INFORMATION_OFFICE,
                "commune": communes[0],
            }
        )
        regions.append(Region(office=office_id, communes=communes, centres=[]))
    for index in range(n_centres):
        centre_id = first + n_offices + index
        home = regions[index % n_offices]
        rows.append(
            {
                "id": centre_id,
                "name": f"Centre de formation de {home.communes[1]} ({prefix}-{index})",
                "kind": OrganisationKind.PARTNER_CENTRE,
                "commune": home.communes[1],
            }
        )
    for position, region in enumerate(regions):
        region.centres = [first + n_offices + (position % n_centres)]
    counts.add("organisations", writer.write(Organisation, rows, "organisations"))
    return regions


def _people(
    rng: random.Random, writer: Writer, counts: Counts, regions: list[Region], providers: int
) -> list[int]:
    sectors = list(SECTOR_WEIGHTS)
    weights = list(SECTOR_WEIGHTS.values())
    n_businesses = max(1, providers // 3)
    first_business = writer.next_id(Business)
    business_region: list[Region] = []

    def businesses() -> Iterator[dict[str, Any]]:
        for index in range(n_businesses):
            region = regions[index % len(regions)]
            business_region.append(region)
            sector = rng.choices(sectors, weights)[0]
            yield {
                "id": first_business + index,
                "name": f"{sector.label} {first_business + index}",
                "sector": sector,
                "commune": rng.choice(region.communes),
                "office_id": region.office,
            }

    counts.add("businesses", writer.write(Business, businesses(), "businesses"))
    first_provider = writer.next_id(Provider)

    def people() -> Iterator[dict[str, Any]]:
        for index in range(providers):
            provider_id = first_provider + index
            business = rng.randrange(n_businesses)
            business_region[business].providers.append(provider_id)
            yield {
                "id": provider_id,
                "first_name": rng.choice(FIRST_NAMES),
                "last_name": rng.choice(LAST_NAMES),
                "email": f"p{provider_id}@dataset.parcours.example",
                "phone": f"02 98 {rng.randrange(100):02d} {rng.randrange(100):02d} "
                f"{rng.randrange(100):02d}",
                "business_id": first_business + business,
                "shares_progress_with_partners": rng.random() < 0.6,
            }

    counts.add("providers", writer.write(Provider, people(), "providers"))
    return list(range(first_provider, first_provider + providers))


def _assigned_paths(
    rng: random.Random, writer: Writer, counts: Counts, provider_ids: list[int], paths: list[int]
) -> None:
    if not paths:
        return
    through = Provider.assigned_paths.through
    first = writer.next_id(through)
    rows = (
        {"id": first + index, "provider_id": provider_id, "learningpath_id": rng.choice(paths)}
        for index, provider_id in enumerate(p for p in provider_ids if rng.random() < 0.3)
    )
    counts.add("assigned paths", writer.write(through, rows, "assigned paths"))


@dataclass
class _Ids:
    session: int
    slot: int
    enrolment: int
    completion: int


def _training(
    rng: random.Random,
    writer: Writer,
    counts: Counts,
    regions: list[Region],
    modules: list[int],
    start: dt.datetime,
    span: int,
    end: dt.date,
) -> None:
    """Sessions filled region by region: each provider attends about 5 of them."""
    ids = _Ids(
        session=writer.next_id(Session),
        slot=writer.next_id(SessionSlot),
        enrolment=writer.next_id(Enrolment),
        completion=writer.next_id(Completion),
    )
    now = timezone.make_aware(dt.datetime.combine(end, dt.time(0))) - dt.timedelta(days=30)
    sessions: list[dict[str, Any]] = []
    enrolments: list[tuple[int, int, dt.datetime]] = []
    for region in regions:
        seats = [p for p in region.providers for _ in range(COMPLETIONS_PER_PROVIDER)]
        rng.shuffle(seats)
        while seats:
            starts_at = start + dt.timedelta(days=rng.randrange(span), hours=rng.choice((0, 5)))
            session_id = ids.session + len(sessions)
            cancelled = rng.random() < 0.05
            group: list[int] = []
            if not cancelled:
                while seats and len(group) < rng.randint(6, CAPACITY):
                    candidate = seats.pop()
                    if candidate not in group:
                        group.append(candidate)
            organiser = rng.choice([region.office, *region.centres])
            sessions.append(
                {
                    "id": session_id,
                    "module_id": rng.choice(modules),
                    "organiser_id": organiser,
                    "venue": "Salle polyvalente",
                    "commune": rng.choice(region.communes),
                    "capacity": CAPACITY,
                    "min_participants": 4,
                    "decision_date": (starts_at - dt.timedelta(days=7)).date(),
                    "funding": Funding.TRAINING_FUND,
                    "status": SessionStatus.CANCELLED
                    if cancelled
                    else (SessionStatus.COMPLETED if starts_at < now else SessionStatus.OPEN),
                    "cancel_reason": "not enough participants" if cancelled else "",
                    "cancel_cause": "too_few_participants" if cancelled else "",
                    "starts_at": starts_at,
                    "ends_at": starts_at + dt.timedelta(hours=3),
                }
            )
            enrolments.extend((session_id, provider_id, starts_at) for provider_id in group)
    counts.add("sessions", writer.write(Session, sessions, "sessions"))
    slots = (
        {
            "id": ids.slot + index,
            "session_id": s["id"],
            "starts_at": s["starts_at"],
            "ends_at": s["ends_at"],
        }
        for index, s in enumerate(sessions)
    )
    counts.add("session slots", writer.write(SessionSlot, slots, "session slots"))
    module_of = {s["id"]: s["module_id"] for s in sessions}
    held = {s["id"] for s in sessions if s["status"] == SessionStatus.COMPLETED}
    enrolment_rows = (
        {
            "id": ids.enrolment + index,
            "session_id": session_id,
            "provider_id": provider_id,
            "status": EnrolmentStatus.ENROLLED,
            "created_at": starts_at - dt.timedelta(days=20),
            "updated_at": starts_at - dt.timedelta(days=20),
        }
        for index, (session_id, provider_id, starts_at) in enumerate(enrolments)
    )
    counts.add("enrolments", writer.write(Enrolment, enrolment_rows, "enrolments"))
    outcomes = [Outcome.COMPLETED] * 8 + [Outcome.ATTENDED, Outcome.ABSENT]
    completion_rows = (
        {
            "id": ids.completion + index,
            "provider_id": provider_id,
            "module_id": module_of[session_id],
            "session_id": session_id,
            "completed_on": timezone.localtime(starts_at).date(),
            "outcome": rng.choice(outcomes),
            "source": Source.TRAINER,
            "created_at": starts_at + dt.timedelta(days=1),
            "updated_at": starts_at + dt.timedelta(days=1),
        }
        for index, (session_id, provider_id, starts_at) in enumerate(
            e for e in enrolments if e[0] in held
        )
    )
    counts.add("completions", writer.write(Completion, completion_rows, "completions"))


def _ratings(
    rng: random.Random,
    writer: Writer,
    counts: Counts,
    provider_ids: list[int],
    competencies: list[tuple[int, int]],
    scale_top: int,
    start: dt.datetime,
    span: int,
) -> None:
    """About 20 self-assessments per provider, rising over three years, and current levels."""
    first = writer.next_id(SelfAssessment)
    current: dict[tuple[int, int], tuple[int, int, dt.datetime]] = {}
    competency_ids = [pk for pk, _framework in competencies]

    def ratings() -> Iterator[dict[str, Any]]:
        next_id = first
        for provider_id in provider_ids:
            chosen = rng.sample(competency_ids, k=min(len(competency_ids), rng.randint(5, 9)))
            base = {c: rng.randint(0, 2) for c in chosen}
            n = rng.randint(RATINGS_PER_PROVIDER - 5, RATINGS_PER_PROVIDER + 5)
            moments = sorted(rng.randrange(span * 24) for _ in range(n))
            for hour in moments:
                competency_id = rng.choice(chosen)
                gain = (hour / (span * 24)) * 2 + rng.choice((-1, 0, 0, 1))
                level = max(0, min(scale_top, base[competency_id] + round(gain)))
                assessed_at = start + dt.timedelta(hours=hour)
                current[(provider_id, competency_id)] = (next_id, level, assessed_at)
                yield {
                    "id": next_id,
                    "provider_id": provider_id,
                    "competency_id": competency_id,
                    "level": level,
                    "assessed_at": assessed_at,
                }
                next_id += 1

    counts.add("self-assessments", writer.write(SelfAssessment, ratings(), "self-assessments"))
    first_current = writer.next_id(ProviderCompetencyLevel)
    rows = (
        {
            "id": first_current + index,
            "provider_id": provider_id,
            "competency_id": competency_id,
            "level": level,
            "assessed_at": assessed_at,
            "self_assessment_id": assessment_id,
        }
        for index, ((provider_id, competency_id), (assessment_id, level, assessed_at)) in enumerate(
            current.items()
        )
    )
    counts.add("current levels", writer.write(ProviderCompetencyLevel, rows, "current levels"))
