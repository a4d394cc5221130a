"""Report rules at their edges, through the API, on two small scenes worked out by hand.

Training effect (and the skills report's sessions), 2025. Framework WEB: competencies
A_SEO, B_SITE, C_MAIL, created B_SITE first (so their order by code is not their order
by id). Module M1 "Atelier Référencement" teaches A_SEO and B_SITE; M2 "Atelier Courriel"
teaches C_MAIL. Path PW "Parcours Vitrine" has one step, M2, and targets A_SEO: a session
of the whole path teaches A_SEO and C_MAIL, not B_SITE.

| session | of | by | status    | starts (UTC)      | title                    | present        |
|---------|----|----|-----------|-------------------|--------------------------|----------------|
| A2      | M1 | O1 | completed | 5 May 07:00       |                          | R3, Z          |
| B1      | M2 | O2 | completed | 14 April 07:00    |                          | R2, R4…R8      |
| SP      | PW | O1 | completed | 6 April 22:30     |                          | Q              |
| A1      | M1 | O1 | confirmed | 3 March 08:00     | Référencement, débutants | R1 (V2 absent) |
| D1, D2  | M1 | O1 | confirmed | no end / no start |                          |                |
| U       | M1 | O1 | open      | no dates          |                          | (V3 enrolled)  |

They are created in that order, the reverse of their start. SP starts on 7 April in
Paris. Sessions last three hours.
"""

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalogue.models import ModuleFormat, PathTarget
from progress.services import self_assessments_create
from tests import factories
from tests.reports.scene import Scene
from training.models import CancelCause, EnrolmentStatus, Outcome, Session, SessionStatus

SKILLS = "/api/v1/reports/skills/"
EFFECT = "/api/v1/reports/training-effect/"
SESSIONS = "/api/v1/reports/sessions/"


def at(month: int, day: int, hour: int = 9, minute: int = 0) -> dt.datetime:
    return dt.datetime(2025, month, day, hour, minute, tzinfo=dt.UTC)


def rate(provider: Any, competency: Any, level: int, when: dt.datetime) -> None:
    self_assessments_create(
        provider=provider,
        ratings=[{"competency": competency, "level": level, "assessed_at": when}],
        assessed_at=when,
        actor=None,
    )


def present(provider: Any, session: Any, module: Any, outcome: str = Outcome.ATTENDED) -> None:
    factories.CompletionFactory(
        provider=provider,
        module=module,
        session=session,
        outcome=outcome,
        completed_on=(session.starts_at or at(3, 20)).date(),
    )


def build_effect() -> Scene:
    o: dict[str, Any] = {}
    o["O1"] = factories.OrganisationFactory(name="Office de Morlaix")
    o["O2"] = factories.PartnerCentreFactory(name="Centre Sud")
    area = factories.AreaFactory(framework=factories.FrameworkFactory(code="WEB"))
    for name, code in (("CB", "B_SITE"), ("CA", "A_SEO"), ("CC", "C_MAIL")):
        o[name] = factories.CompetencyFactory(area=area, code=code)
    o["M1"] = factories.ModuleFactory(code="SEO", title_fr="Atelier Référencement")
    o["M2"] = factories.ModuleFactory(code="MAIL", title_fr="Atelier Courriel")
    for module, competency in (("M1", "CA"), ("M1", "CB"), ("M2", "CC")):
        factories.ModuleCompetencyFactory(module=o[module], competency=o[competency], level=2)
    o["PW"] = factories.LearningPathFactory(code="VITRINE", name_fr="Parcours Vitrine")
    factories.PathStepFactory(path=o["PW"], module=o["M2"], position=1)
    PathTarget.objects.create(path=o["PW"], competency=o["CA"], level=3)

    def session(name: str, organiser: str, starts: dt.datetime | None, **kwargs: Any) -> Any:
        kwargs.setdefault("module", o["M1"])
        kwargs.setdefault("status", SessionStatus.COMPLETED)
        ends = starts + dt.timedelta(hours=3) if starts else None
        o[name] = factories.SessionFactory(
            organiser=o[organiser], starts_at=starts, ends_at=ends, **kwargs
        )
        return o[name]

    session("A2", "O1", at(5, 5, 7))
    session("B1", "O2", at(4, 14, 7), module=o["M2"])
    session("SP", "O1", at(4, 6, 22, 30), module=None, path=o["PW"])
    session(
        "A1", "O1", at(3, 3, 8), status=SessionStatus.CONFIRMED, title="Référencement, débutants"
    )
    session("D1", "O1", at(3, 20), status=SessionStatus.CONFIRMED)
    session("D2", "O1", at(3, 21), status=SessionStatus.CONFIRMED)
    Session.objects.filter(pk=o["D1"].pk).update(ends_at=None)
    Session.objects.filter(pk=o["D2"].pk).update(starts_at=None)
    session("U", "O1", None, status=SessionStatus.OPEN)

    people = ["Q", "R1", "V2", "V3", "R2", "R4", "R5", "R6", "R7", "R8", "R9", "R10", "R3", "Z"]
    for name in people:
        o[name] = factories.ProviderFactory(last_name=name)
    before, after = at(4, 1), at(4, 20)

    # SP: Q rates A_SEO 1 → 3, C_MAIL 2 → 2, and B_SITE 1 → 2 (the path does not teach it).
    present(o["Q"], o["SP"], o["M2"])
    for competency, first, then in (("CA", 1, 3), ("CC", 2, 2), ("CB", 1, 2)):
        rate(o["Q"], o[competency], first, at(4, 1))
        rate(o["Q"], o[competency], then, at(4, 10))

    # A1: R1 enrolled and present, rated only before. V2 recorded absent, not enrolled.
    factories.EnrolmentFactory(session=o["A1"], provider=o["R1"])
    present(o["R1"], o["A1"], o["M1"])
    rate(o["R1"], o["CA"], 2, at(2, 1))
    present(o["V2"], o["A1"], o["M1"], Outcome.ABSENT)
    rate(o["V2"], o["CA"], 0, at(2, 1))
    rate(o["V2"], o["CA"], 4, at(3, 10))
    factories.EnrolmentFactory(session=o["U"], provider=o["V3"])

    # B1, C_MAIL: two improved, two unchanged, two declined; R9 absent, R10 only enrolled.
    for name, first, then in (
        ("R2", 1, 2),
        ("R4", 0, 3),
        ("R5", 2, 2),
        ("R6", 3, 3),
        ("R7", 3, 1),
        ("R8", 4, 2),
        ("R9", 0, 4),
        ("R10", 0, 4),
    ):
        rate(o[name], o["CC"], first, before)
        rate(o[name], o["CC"], then, after)
        factories.EnrolmentFactory(session=o["B1"], provider=o[name])
        if name == "R9":
            present(o[name], o["B1"], o["M2"], Outcome.ABSENT)
        elif name != "R10":
            present(o[name], o["B1"], o["M2"])

    # A2 (5 May 07:00–10:00): R3's A_SEO ratings are recorded newest first: 4 (1 June),
    # 3 (10 May), 2 (20 April), 0 (10 January): before 2, after 3. B_SITE 3 → 1.
    present(o["R3"], o["A2"], o["M1"], Outcome.COMPLETED)
    for level, when in ((4, at(6, 1)), (3, at(5, 10)), (2, at(4, 20)), (0, at(1, 10))):
        rate(o["R3"], o["CA"], level, when)
    rate(o["R3"], o["CB"], 3, at(4, 20))
    rate(o["R3"], o["CB"], 1, at(5, 10))
    # Z rates A_SEO 1 on 1 May, 4 at the very start, 0 at the very end, 2 on 20 May:
    # neither rating on the edge is before or after the session, so 1 → 2.
    present(o["Z"], o["A2"], o["M1"])
    for level, when in ((1, at(5, 1)), (4, at(5, 5, 7)), (0, at(5, 5, 10)), (2, at(5, 20))):
        rate(o["Z"], o["CA"], level, when)
    return Scene(o)


@pytest.fixture
def effect_scene(db: None) -> Scene:
    return build_effect()


def effect_row(group: Any, label: str, competency: Any, *figures: Any) -> dict[str, Any]:
    n, mean_before, mean_after, delta, improved, unchanged, declined = figures
    return {
        "group": str(group.pk),
        "group_label": label,
        "competency": competency.pk,
        "competency_code": competency.code,
        "competency_name": competency.name_fr,
        "n": n,
        "mean_before": mean_before,
        "mean_after": mean_after,
        "delta": delta,
        "improved": improved,
        "unchanged": unchanged,
        "declined": declined,
    }


A1_LABEL = "Référencement, débutants (2025-03-03)"
SP_LABEL = "Parcours Vitrine (2025-04-07)"
B1_LABEL = "Atelier Courriel (2025-04-14)"
A2_LABEL = "Atelier Référencement (2025-05-05)"


def effect(scene: Scene) -> dict[str, list[dict[str, Any]]]:
    """Each session's rows, worked out by hand."""
    return {
        "SP": [
            effect_row(scene.SP, SP_LABEL, scene.CA, 1, 1.0, 3.0, 2.0, 1, 0, 0),
            effect_row(scene.SP, SP_LABEL, scene.CC, 1, 2.0, 2.0, 0.0, 0, 1, 0),
        ],
        # Before 1+0+2+3+3+4 = 13, after 2+3+2+3+1+2 = 13, over 6.
        "B1": [effect_row(scene.B1, B1_LABEL, scene.CC, 6, 2.17, 2.17, 0.0, 2, 2, 2)],
        # A_SEO: R3 2 → 3, Z 1 → 2. B_SITE: R3 3 → 1.
        "A2": [
            effect_row(scene.A2, A2_LABEL, scene.CA, 2, 1.5, 2.5, 1.0, 2, 0, 0),
            effect_row(scene.A2, A2_LABEL, scene.CB, 1, 3.0, 1.0, -2.0, 0, 0, 1),
        ],
    }


def groups(*pairs: tuple[Any, str]) -> list[dict[str, str]]:
    return [{"key": str(obj.pk), "label": label} for obj, label in pairs]


@pytest.mark.django_db
class TestTrainingEffectEdges:
    def test_by_session_every_row_in_start_then_competency_order(
        self, effect_scene, coordinator_client
    ):
        scene = effect_scene
        response = coordinator_client.get(EFFECT)
        assert response.status_code == 200, response.json()
        rows = effect(scene)
        # Dated confirmed or held sessions, by start; D1, D2 (a date missing) and U are not.
        assert response.json() == {
            "group_by": "session",
            "groups": groups(
                (scene.A1, A1_LABEL),
                (scene.SP, SP_LABEL),
                (scene.B1, B1_LABEL),
                (scene.A2, A2_LABEL),
            ),
            "rows": rows["SP"] + rows["B1"] + rows["A2"],
        }

    def test_a_path_session_teaches_its_targets_and_its_steps_modules(
        self, effect_scene, coordinator_client
    ):
        scene = effect_scene
        body = coordinator_client.get(EFFECT, {"session": scene.SP.pk}).json()
        assert body == {
            "group_by": "session",
            "groups": groups((scene.SP, SP_LABEL)),
            "rows": effect(scene)["SP"],
        }

    def test_by_module_skips_path_sessions_and_orders_groups_by_first_session(
        self, effect_scene, coordinator_client
    ):
        scene = effect_scene
        body = coordinator_client.get(EFFECT, {"group_by": "module"}).json()
        m1, m2 = "Atelier Référencement", "Atelier Courriel"
        # M1's first session (A1) gives no row, so M2's row is found first: rows still
        # come by group (M1 from 3 March, M2 from 14 April), then competency.
        a2, b1 = effect(scene)["A2"], effect(scene)["B1"]
        for row in a2:
            row.update(group=str(scene.M1.pk), group_label=m1)
        for row in b1:
            row.update(group=str(scene.M2.pk), group_label=m2)
        assert body == {
            "group_by": "module",
            "groups": groups((scene.M1, m1), (scene.M2, m2)),
            "rows": a2 + b1,
        }

    def test_the_module_filter_keeps_its_sessions(self, effect_scene, coordinator_client):
        scene = effect_scene
        body = coordinator_client.get(EFFECT, {"module": scene.M1.pk}).json()
        assert body["groups"] == groups((scene.A1, A1_LABEL), (scene.A2, A2_LABEL))
        assert body["rows"] == effect(scene)["A2"]

    def test_since_and_until_are_local_days_on_the_start(self, effect_scene, coordinator_client):
        scene = effect_scene
        # SP starts on 6 April at 22:30 UTC, 7 April in Paris.
        body = coordinator_client.get(EFFECT, {"since": "2025-04-07", "until": "2025-04-14"}).json()
        assert body["groups"] == groups((scene.SP, SP_LABEL), (scene.B1, B1_LABEL))
        assert body["rows"] == effect(scene)["SP"] + effect(scene)["B1"]

    def test_the_organiser_filter_keeps_its_sessions(self, effect_scene, coordinator_client):
        scene = effect_scene
        body = coordinator_client.get(EFFECT, {"organiser": scene.O2.pk}).json()
        assert body["groups"] == groups((scene.B1, B1_LABEL))
        assert body["rows"] == effect(scene)["B1"]

    def test_query_count_does_not_grow_with_module_and_path_sessions(
        self, effect_scene, coordinator_client
    ):
        scene = effect_scene
        coordinator_client.get(EFFECT)  # the caller's login is kept from then on
        with CaptureQueriesContext(connection) as first:
            coordinator_client.get(EFFECT)
        for day, kwargs in ((2, {"module": scene.M1}), (3, {"module": None, "path": scene.PW})):
            extra = factories.SessionFactory(
                organiser=scene.O1, status=SessionStatus.COMPLETED, starts_at=at(7, day), **kwargs
            )
            present(factories.ProviderFactory(), extra, scene.M1)
        with CaptureQueriesContext(connection) as second:
            body = coordinator_client.get(EFFECT).json()
        assert len(body["groups"]) == 6
        assert len(second) == len(first)


@pytest.mark.django_db
class TestSkillsBySession:
    def test_a_session_counts_its_enrolled_and_present_not_the_absent(
        self, effect_scene, coordinator_client
    ):
        scene = effect_scene
        # A1: R1 enrolled and present; V2 was recorded absent without enrolling.
        body = coordinator_client.get(SKILLS, {"group_by": "session", "session": scene.A1.pk})
        assert body.status_code == 200, body.json()
        assert body.json()["groups"] == [
            {"key": str(scene.A1.pk), "label": A1_LABEL, "providers": 1}
        ]

    def test_an_undated_session_is_labelled_by_its_module_alone(
        self, effect_scene, coordinator_client
    ):
        scene = effect_scene
        body = coordinator_client.get(SKILLS, {"group_by": "session", "session": scene.U.pk})
        assert body.json()["groups"] == [
            {"key": str(scene.U.pk), "label": "Atelier Référencement", "providers": 1}
        ]


# ---------------------------------------------------------------------------
# Sessions report
# ---------------------------------------------------------------------------


def build_sessions() -> Scene:
    """Two organisers, "Zéphyr formation" created before "Armor numérique", in 2025.

    Armor numérique, workshops of March: W1 held (10 places; X1, X2, X3 enrolled, X4
    waitlisted; X1 completed, X2 attended, X3 absent), W2 held (8 places; X5, X6 enrolled
    and completed, X7, X8 waitlisted), W3 confirmed (6 places, X1 enrolled; 11 March 23:30
    UTC, 12 March in Paris), W4 open (5 places), W5 and W6 cancelled for too few
    participants, W7 for the weather, W8 a draft. W9 open in June (7 places), W10 open
    and undated (4 places). P1, a session of a whole path, confirmed in May (9 places, X2
    enrolled). C1, a conference held in February (50 places, X3 and X4 enrolled and
    present). Zéphyr formation: Z1, a workshop open in January (3 places, X9 enrolled).
    """
    o: dict[str, Any] = {}
    o["OZ"] = factories.PartnerCentreFactory(name="Zéphyr formation")
    o["OA"] = factories.OrganisationFactory(name="Armor numérique")
    o["MW"] = factories.ModuleFactory(title_fr="Atelier Google", format=ModuleFormat.WORKSHOP)
    o["MC"] = factories.ModuleFactory(title_fr="Conférence IA", format=ModuleFormat.CONFERENCE)
    o["PP"] = factories.LearningPathFactory(name_fr="Parcours Commerce")

    def session(
        name: str, starts: dt.datetime | None, status: str, capacity: int, **kwargs: Any
    ) -> None:
        kwargs.setdefault("module", o["MW"])
        kwargs.setdefault("organiser", o["OA"])
        if status == SessionStatus.CANCELLED:
            kwargs.setdefault("cancel_reason", "annulée")
        o[name] = factories.SessionFactory(
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=3) if starts else None,
            status=status,
            capacity=capacity,
            **kwargs,
        )

    cancelled = SessionStatus.CANCELLED
    session("W1", at(3, 4), SessionStatus.COMPLETED, 10)
    session("W2", at(3, 11), SessionStatus.COMPLETED, 8)
    session("W3", at(3, 11, 23, 30), SessionStatus.CONFIRMED, 6)
    session("W4", at(3, 25), SessionStatus.OPEN, 5)
    session("W5", at(3, 20), cancelled, 12, cancel_cause=CancelCause.TOO_FEW_PARTICIPANTS)
    session("W6", at(3, 21), cancelled, 12, cancel_cause=CancelCause.TOO_FEW_PARTICIPANTS)
    session("W7", at(3, 22), cancelled, 12, cancel_cause=CancelCause.WEATHER)
    session("W8", at(3, 23), SessionStatus.DRAFT, 6)
    session("W9", at(6, 3), SessionStatus.OPEN, 7)
    session("W10", None, SessionStatus.OPEN, 4)
    session("P1", at(5, 6), SessionStatus.CONFIRMED, 9, module=None, path=o["PP"])
    session("C1", at(2, 10), SessionStatus.COMPLETED, 50, module=o["MC"])
    session("Z1", at(1, 15), SessionStatus.OPEN, 3, organiser=o["OZ"])

    for i in range(1, 10):
        o[f"X{i}"] = factories.ProviderFactory(last_name=f"X{i}")
    waitlisted = EnrolmentStatus.WAITLISTED
    for session_name, provider, status in (
        ("W1", "X1", EnrolmentStatus.ENROLLED),
        ("W1", "X2", EnrolmentStatus.ENROLLED),
        ("W1", "X3", EnrolmentStatus.ENROLLED),
        ("W1", "X4", waitlisted),
        ("W2", "X5", EnrolmentStatus.ENROLLED),
        ("W2", "X6", EnrolmentStatus.ENROLLED),
        ("W2", "X7", waitlisted),
        ("W2", "X8", waitlisted),
        ("W3", "X1", EnrolmentStatus.ENROLLED),
        ("P1", "X2", EnrolmentStatus.ENROLLED),
        ("C1", "X3", EnrolmentStatus.ENROLLED),
        ("C1", "X4", EnrolmentStatus.ENROLLED),
        ("Z1", "X9", EnrolmentStatus.ENROLLED),
    ):
        factories.EnrolmentFactory(session=o[session_name], provider=o[provider], status=status)
    for session_name, provider, outcome in (
        ("W1", "X1", Outcome.COMPLETED),
        ("W1", "X2", Outcome.ATTENDED),
        ("W1", "X3", Outcome.ABSENT),
        ("W2", "X5", Outcome.COMPLETED),
        ("W2", "X6", Outcome.COMPLETED),
        ("C1", "X3", Outcome.ATTENDED),
        ("C1", "X4", Outcome.ATTENDED),
    ):
        module = o["MC"] if session_name == "C1" else o["MW"]
        present(o[provider], o[session_name], module, outcome)
    return Scene(o)


@pytest.fixture
def sessions_scene(db: None) -> Scene:
    return build_sessions()


FIGURES = (
    "planned",
    "confirmed",
    "held",
    "cancelled",
    "cancelled_by_cause",
    "places",
    "enrolled",
    "waitlisted",
    "fill_rate",
    "present",
    "attendance_rate",
    "completed",
    "completion_rate",
)

CAUSES = {"too_few_participants": 2, "weather": 1}


def figures(*values: Any) -> dict[str, Any]:
    return dict(zip(FIGURES, values, strict=True))


LABELS = {"conference": "Conférence", "path": "Parcours", "workshop": "Atelier"}


def sessions_row(organiser: Any, fmt: str, period: str | None, *values: Any) -> Any:
    return {
        "organiser": organiser.pk,
        "organiser_name": organiser.name,
        "format": fmt,
        "format_label": LABELS[fmt],
        "period": period,
        **figures(*values),
    }


def monthly_rows(scene: Scene) -> list[dict[str, Any]]:
    """By organiser name, then format, then month (undated first)."""
    oa, oz = scene.OA, scene.OZ
    table: tuple[tuple[Any, ...], ...] = (
        # planned, confirmed, held, cancelled (by cause), places, enrolled, waitlisted,
        # fill_rate, present, attendance_rate, completed, completion_rate
        (oa, "conference", "2025-02", 1, 1, 1, 0, {}, 50, 2, 0, 0.04, 2, 1.0, 0, 0.0),
        (oa, "path", "2025-05", 1, 1, 0, 0, {}, 9, 1, 0, 0.1111, 0, None, 0, None),
        (oa, "workshop", None, 1, 0, 0, 0, {}, 4, 0, 0, 0.0, 0, None, 0, None),
        # W1–W7: places 10+8+6+5, enrolled 3+2+1, present 2+2 of 5 enrolled in held.
        (oa, "workshop", "2025-03", 7, 3, 2, 3, CAUSES, 29, 6, 3, 0.2069, 4, 0.8, 3, 0.75),
        (oa, "workshop", "2025-06", 1, 0, 0, 0, {}, 7, 0, 0, 0.0, 0, None, 0, None),
        (oz, "workshop", "2025-01", 1, 0, 0, 0, {}, 3, 1, 0, 0.3333, 0, None, 0, None),
    )
    return [sessions_row(*cell) for cell in table]


def cells(body: dict[str, Any]) -> list[tuple[str, str, str | None]]:
    return [(r["organiser_name"], r["format"], r["period"]) for r in body["rows"]]


@pytest.mark.django_db
class TestSessionsReportEdges:
    def test_every_row_by_organiser_name_format_and_month(self, sessions_scene, coordinator_client):
        response = coordinator_client.get(SESSIONS)
        assert response.status_code == 200, response.json()
        assert response.json() == {
            "period": "month",
            "rows": monthly_rows(sessions_scene),
            # 12 sessions, 102 places, 10 enrolled, 6 present of 7 enrolled in held ones.
            "totals": figures(12, 5, 3, 3, CAUSES, 102, 10, 3, 0.098, 6, 0.8571, 3, 0.5),
        }

    def test_by_year(self, sessions_scene, coordinator_client):
        body = coordinator_client.get(SESSIONS, {"period": "year"}).json()
        assert body["period"] == "year"
        assert [
            (*cell, row["planned"]) for cell, row in zip(cells(body), body["rows"], strict=True)
        ] == [
            ("Armor numérique", "conference", "2025", 1),
            ("Armor numérique", "path", "2025", 1),
            ("Armor numérique", "workshop", None, 1),
            ("Armor numérique", "workshop", "2025", 8),
            ("Zéphyr formation", "workshop", "2025", 1),
        ]

    @pytest.mark.parametrize(
        ("wanted", "kept"),
        [
            ("path", [1]),
            ("conference", [0]),
            ("workshop", [2, 3, 4, 5]),
            ("club", []),
        ],
    )
    def test_the_format_filter_keeps_its_sessions(
        self, sessions_scene, coordinator_client, wanted, kept
    ):
        response = coordinator_client.get(SESSIONS, {"format_of_module": wanted})
        assert response.status_code == 200, response.json()
        rows = monthly_rows(sessions_scene)
        assert response.json()["rows"] == [rows[i] for i in kept]

    def test_until_is_a_local_day_on_the_start(self, sessions_scene, coordinator_client):
        scene = sessions_scene
        # W3 starts on 11 March at 23:30 UTC, 12 March in Paris: after the period.
        body = coordinator_client.get(SESSIONS, {"until": "2025-03-11"}).json()
        rows = monthly_rows(scene)
        # March: W1 and W2 alone, 10+8 places, 3+2 enrolled, 4 present, 3 completed.
        march: tuple[Any, ...] = (
            scene.OA,
            "workshop",
            "2025-03",
            2,
            2,
            2,
            0,
            {},
            18,
            5,
            3,
            0.2778,
            4,
            0.8,
            3,
            0.75,
        )
        assert body["rows"] == [rows[0], sessions_row(*march), rows[5]]

    def test_the_organiser_filter_keeps_its_sessions(self, sessions_scene, coordinator_client):
        body = coordinator_client.get(SESSIONS, {"organiser": sessions_scene.OZ.pk}).json()
        assert body["rows"] == monthly_rows(sessions_scene)[5:]
