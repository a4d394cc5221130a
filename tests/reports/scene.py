"""A small programme whose report figures are worked out by hand in the tests.

Framework 0..4, proficient from 3. Competencies C1 (Instagram) and C2 (Facebook).
Module M teaches C1 to level 2 and C2 to level 1. Path PA targets C1 = 3.

| who | business (sector, commune, office) | paths | C1 ratings       | C2 ratings | shares |
|-----|-------------------------------------|-------|------------------|------------|--------|
| P1  | B1 campsite, Carantec, O1           | PA    | 1 (3/1), 3 (3/20) | 2 (3/1)   | yes    |
| P2  | B1 campsite, Carantec, O1           |       | 0 (2/1), 2 (4/1)  |           | no     |
| P3  | B2 restaurant, Carantec, O1         | PA    | 2 (1/15)          |           | no     |
| P4  | B3 campsite, Locquirec, O2          |       | 1 (3/5)           | 3 (3/21)  | yes    |
| P5  | none                                |       | 4 (1/10)          |           | no     |

Sessions (2026): S, the spring Instagram workshop of partner centre PC, 10 March
09:00–12:00 UTC, held: P1 completed, P2 attended, P4 absent (all three enrolled).
S2 of the office O0, 1 February, held: P3 enrolled and completed. S3 of PC in March,
cancelled for too few participants (8 places). S4 of PC in March, open, 1 place:
P5 enrolled, P3 waitlisted. S5 of PC, a draft.

`build_with_voided` adds records voided as mistakes, which no figure counts.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from catalogue.models import PathTarget
from people.models import OrganisationKind, Sector
from progress.services import self_assessments_create
from tests import factories
from training.models import (
    CancelCause,
    EnrolmentStatus,
    Outcome,
    SessionStatus,
)
from training.services import completion_void


def at(month: int, day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, tzinfo=dt.UTC)


@dataclass
class Scene:
    objects: dict[str, Any]

    def __getattr__(self, name: str) -> Any:
        try:
            return self.objects[name]
        except KeyError as exc:
            raise AttributeError(name) from exc


def build() -> Scene:
    o: dict[str, Any] = {}
    o["FW"] = factories.FrameworkFactory(code="NUM")
    area = factories.AreaFactory(framework=o["FW"])
    o["C1"] = factories.CompetencyFactory(
        area=area, code="INSTAGRAM", name_fr="Instagram", name_en="Instagram", order=1
    )
    o["C2"] = factories.CompetencyFactory(
        area=area, code="FACEBOOK", name_fr="Facebook", name_en="Facebook", order=2
    )
    o["M"] = factories.ModuleFactory(code="INSTA", title_fr="Atelier Instagram")
    factories.ModuleCompetencyFactory(module=o["M"], competency=o["C1"], level=2)
    factories.ModuleCompetencyFactory(module=o["M"], competency=o["C2"], level=1)
    o["PA"] = factories.LearningPathFactory(code="PA", name_fr="Parcours A")
    PathTarget.objects.create(path=o["PA"], competency=o["C1"], level=3)

    o["O0"] = factories.OrganisationFactory(name="Office", kind=OrganisationKind.OFFICE)
    o["O1"] = factories.OrganisationFactory(name="BIT Nord", commune="Carantec")
    o["O2"] = factories.OrganisationFactory(name="BIT Sud", commune="Locquirec")
    o["PC"] = factories.PartnerCentreFactory(name="Centre Léon")
    o["B1"] = factories.BusinessFactory(
        name="Camping des Dunes", sector=Sector.ACCOMMODATION, commune="Carantec", office=o["O1"]
    )
    o["B2"] = factories.BusinessFactory(
        name="Crêperie du Port", sector=Sector.FOOD_AND_DRINK, commune="Carantec", office=o["O1"]
    )
    o["B3"] = factories.BusinessFactory(
        name="Camping de la Baie", sector=Sector.ACCOMMODATION, commune="Locquirec", office=o["O2"]
    )
    people = {
        "P1": (o["B1"], True),
        "P2": (o["B1"], False),
        "P3": (o["B2"], False),
        "P4": (o["B3"], True),
        "P5": (None, False),
    }
    for name, (business, shares) in people.items():
        o[name] = factories.ProviderFactory(
            last_name=name, business=business, shares_progress_with_partners=shares
        )
    o["P1"].assigned_paths.add(o["PA"])
    o["P3"].assigned_paths.add(o["PA"])

    ratings = {
        "P1": [("C1", 1, at(3, 1)), ("C2", 2, at(3, 1)), ("C1", 3, at(3, 20))],
        "P2": [("C1", 0, at(2, 1)), ("C1", 2, at(4, 1))],
        "P3": [("C1", 2, at(1, 15))],
        "P4": [("C1", 1, at(3, 5)), ("C2", 3, at(3, 21))],
        "P5": [("C1", 4, at(1, 10))],
    }
    for name, items in ratings.items():
        for code, level, when in items:
            self_assessments_create(
                provider=o[name],
                ratings=[{"competency": o[code], "level": level, "assessed_at": when}],
                assessed_at=when,
                actor=None,
            )

    def session(name: str, organiser: Any, starts: dt.datetime, **kwargs: Any) -> Any:
        o[name] = factories.SessionFactory(
            module=o["M"],
            organiser=organiser,
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=3),
            **kwargs,
        )
        return o[name]

    s = session("S", o["PC"], at(3, 10, 9), status=SessionStatus.COMPLETED, capacity=12)
    s2 = session("S2", o["O0"], at(2, 1, 9), status=SessionStatus.COMPLETED, capacity=10)
    session(
        "S3",
        o["PC"],
        at(3, 24, 9),
        status=SessionStatus.CANCELLED,
        capacity=8,
        cancel_reason="not enough participants",
        cancel_cause=CancelCause.TOO_FEW_PARTICIPANTS,
    )
    s4 = session("S4", o["PC"], at(3, 30, 9), status=SessionStatus.OPEN, capacity=1)
    session("S5", o["PC"], at(3, 31, 9), status=SessionStatus.DRAFT, capacity=6)

    for name in ("P1", "P2", "P4"):
        factories.EnrolmentFactory(session=s, provider=o[name])
    factories.EnrolmentFactory(session=s2, provider=o["P3"])
    factories.EnrolmentFactory(session=s4, provider=o["P5"])
    factories.EnrolmentFactory(session=s4, provider=o["P3"], status=EnrolmentStatus.WAITLISTED)
    for name, outcome in (
        ("P1", Outcome.COMPLETED),
        ("P2", Outcome.ATTENDED),
        ("P4", Outcome.ABSENT),
    ):
        factories.CompletionFactory(
            provider=o[name],
            module=o["M"],
            session=s,
            outcome=outcome,
            completed_on=s.starts_at.date(),
        )
    factories.CompletionFactory(
        provider=o["P3"], module=o["M"], session=s2, completed_on=s2.starts_at.date()
    )
    return Scene(o)


def build_with_voided() -> Scene:
    """The scene, with two records voided as mistakes and a rating that would show one.

    - P4 at S: recorded completed, then voided (P4 was absent: that record stands);
    - P5 at S2: recorded completed (P5 was never there, nor enrolled), then voided;
    - P4 rates C1 2 on 2 April, after S.

    Counted, the first would make P4 present at S (and compared before and after it,
    1 then 2), the second P5 a participant of S2; both would evidence C1 2 and C2 1.
    """
    scene = build()
    o = scene.objects
    factories.CompletionFactory(
        provider=o["P4"],
        module=o["M"],
        session=o["S"],
        completed_on=o["S"].starts_at.date(),
        voided_at=at(3, 10, 13),
        void_reason="P4 was absent",
    )
    mistake = factories.CompletionFactory(
        provider=o["P5"], module=o["M"], session=o["S2"], completed_on=o["S2"].starts_at.date()
    )
    completion_void(completion=mistake, reason="recorded on the wrong session", actor=None)
    self_assessments_create(
        provider=o["P4"],
        ratings=[{"competency": o["C1"], "level": 2, "assessed_at": at(4, 2)}],
        assessed_at=at(4, 2),
        actor=None,
    )
    return scene
