"""The authorization matrix: for every operation of the schema, what each role gets.

Roles, in column order:
- anonymous: no credentials;
- provider: provider A, enrolled in session S, owner of the records below;
- other provider: provider B, a stranger to A's records;
- trainer: T, who trains S;
- other trainer: U, who does not;
- partner: a partner centre's login, whose centre organises nothing here;
- coordinator.

`OPERATIONS` maps "METHOD /path" to (build, expected): `build(scene)` gives the
URL and body; `expected` the status per role. `docs/roles.md` is rendered from it.
"""

from collections.abc import Callable
from typing import Any

ROLES = [
    "anonymous",
    "provider",
    "other_provider",
    "trainer",
    "other_trainer",
    "partner",
    "coordinator",
]
ROLE_TITLES = [
    "anonymous",
    "provider (own)",
    "another provider",
    "the session's trainer",
    "another trainer",
    "partner centre",
    "coordinator",
]

Build = Callable[[dict[str, Any]], tuple[str, Any]]


def row(spec: str) -> dict[str, int]:
    statuses = [int(value) for value in spec.split()]
    assert len(statuses) == len(ROLES)
    return dict(zip(ROLES, statuses, strict=True))


def url(template: str, body: Any = None) -> Build:
    def build(scene: dict[str, Any]) -> tuple[str, Any]:
        data = body(scene) if callable(body) else body
        return template.format(**{k: getattr(v, "pk", v) for k, v in scene.items()}), data

    return build


def first_audit_event(scene: dict[str, Any]) -> tuple[str, Any]:
    from audit.models import AuditEvent

    event = AuditEvent.objects.order_by("id").first()
    assert event is not None, "the scene's writes are in the audit trail"
    return f"/api/v1/audit/{event.pk}/", None


EVERYONE = "200 200 200 200 200 200 200"
SIGNED_IN = "401 200 200 200 200 200 200"
COORD = "401 403 403 403 403 403 {}"
# Reports: coordinators, and partner centres for their own sessions.
REPORTS = "401 403 403 403 403 200 200"


def coord(status: int) -> str:
    return COORD.format(status)


def module_body(scene: dict[str, Any]) -> dict[str, Any]:
    return {
        "code": "NEW-MOD",
        "title_fr": "Nouveau",
        "format": "workshop",
        "duration_hours": 3,
        "price": 10,
    }


def framework_body(scene: dict[str, Any]) -> dict[str, Any]:
    levels = [{"value": v, "code": f"L{v}", "name_fr": f"N{v}"} for v in range(3)]
    return {"code": "NEW-FW", "name_fr": "Nouveau", "proficient_level": 2, "levels": levels}


def competency_body(scene: dict[str, Any]) -> dict[str, Any]:
    return {
        "framework": scene["framework"].pk,
        "area": scene["area"].pk,
        "code": "NEWC",
        "name_fr": "Nouvelle",
    }


def path_body(scene: dict[str, Any]) -> dict[str, Any]:
    return {"code": "NEW-PATH", "name_fr": "Nouveau parcours"}


def organisation_body(scene: dict[str, Any]) -> dict[str, Any]:
    return {"name": "Nouveau bureau", "kind": "information_office"}


def business_body(scene: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": "Gîte neuf",
        "sector": "accommodation",
        "commune": "Plouha",
        "office": scene["office"].pk,
    }


def provider_body(scene: dict[str, Any]) -> dict[str, Any]:
    return {
        "first_name": "Nina",
        "last_name": "Nouvelle",
        "email": "nina@example.org",
        "business": scene["business"].pk,
    }


def trainer_body(scene: dict[str, Any]) -> dict[str, Any]:
    return {
        "first_name": "Paul",
        "last_name": "Neuf",
        "email": "paul@example.org",
        "organisation": scene["office"].pk,
    }


def session_body(scene: dict[str, Any]) -> dict[str, Any]:
    return {
        "module": scene["module"].pk,
        "organiser": scene["office"].pk,
        "venue": "Salle",
        "commune": "Paimpol",
        "capacity": 10,
        "funding": "free",
        "slots": [
            {"starts_at": "2027-05-01T09:00:00+02:00", "ends_at": "2027-05-01T12:00:00+02:00"}
        ],
    }


def account_body(scene: dict[str, Any]) -> dict[str, Any]:
    return {"username": "nouveau", "role": "coordinator"}


OPERATIONS: dict[str, tuple[Build, dict[str, int]]] = {
    # Public and identity
    "GET /health/": (url("/health/"), row(EVERYONE)),
    "POST /api/v1/auth/token/": (
        url(
            "/api/v1/auth/token/",
            lambda s: {"username": s["provider_user"].username, "password": s["password"]},
        ),
        row(EVERYONE),
    ),
    "POST /api/v1/auth/token/refresh/": (
        url("/api/v1/auth/token/refresh/", lambda s: {"refresh": s["refresh_token"]}),
        row(EVERYONE),
    ),
    # The refresh token is the credential: whoever holds it may sign out of it.
    "POST /api/v1/auth/logout/": (
        url("/api/v1/auth/logout/", lambda s: {"refresh": s["refresh_token"]}),
        row("204 204 204 204 204 204 204"),
    ),
    "POST /api/v1/auth/set-password/": (
        url("/api/v1/auth/set-password/", {"token": "MQ.not-a-token", "password": "x" * 12}),
        row("400 400 400 400 400 400 400"),
    ),
    "GET /api/v1/me/": (url("/api/v1/me/"), row(SIGNED_IN)),
    "GET /api/v1/accounts/": (url("/api/v1/accounts/"), row(coord(200))),
    "POST /api/v1/accounts/": (url("/api/v1/accounts/", account_body), row(coord(201))),
    "GET /api/v1/accounts/{id}/": (url("/api/v1/accounts/{provider_user}/"), row(coord(200))),
    "PUT /api/v1/accounts/{id}/": (
        url(
            "/api/v1/accounts/{provider_user}/",
            lambda s: {"username": "renamed", "role": "provider", "provider": s["provider"].pk},
        ),
        row(coord(200)),
    ),
    "PATCH /api/v1/accounts/{id}/": (
        url("/api/v1/accounts/{provider_user}/", {"email": "a@example.org"}),
        row(coord(200)),
    ),
    "POST /api/v1/accounts/{id}/deactivate/": (
        url("/api/v1/accounts/{spare_user}/deactivate/"),
        row(coord(200)),
    ),
    # Catalogue
    "GET /api/v1/frameworks/": (url("/api/v1/frameworks/"), row(EVERYONE)),
    "POST /api/v1/frameworks/": (url("/api/v1/frameworks/", framework_body), row(coord(201))),
    "GET /api/v1/frameworks/{id}/": (url("/api/v1/frameworks/{framework}/"), row(EVERYONE)),
    "PUT /api/v1/frameworks/{id}/": (
        url("/api/v1/frameworks/{spare_framework}/", framework_body),
        row(coord(200)),
    ),
    "PATCH /api/v1/frameworks/{id}/": (
        url("/api/v1/frameworks/{framework}/", {"name_en": "Digital"}),
        row(coord(200)),
    ),
    "DELETE /api/v1/frameworks/{id}/": (
        url("/api/v1/frameworks/{spare_framework}/"),
        row(coord(204)),
    ),
    "GET /api/v1/competencies/": (url("/api/v1/competencies/"), row(EVERYONE)),
    "POST /api/v1/competencies/": (url("/api/v1/competencies/", competency_body), row(coord(201))),
    "GET /api/v1/competencies/{id}/": (url("/api/v1/competencies/{competency}/"), row(EVERYONE)),
    "PUT /api/v1/competencies/{id}/": (
        url("/api/v1/competencies/{spare_competency}/", competency_body),
        row(coord(200)),
    ),
    "PATCH /api/v1/competencies/{id}/": (
        url("/api/v1/competencies/{competency}/", {"order": 3}),
        row(coord(200)),
    ),
    "DELETE /api/v1/competencies/{id}/": (
        url("/api/v1/competencies/{spare_competency}/"),
        row(coord(204)),
    ),
    "GET /api/v1/modules/": (url("/api/v1/modules/"), row(EVERYONE)),
    "POST /api/v1/modules/": (url("/api/v1/modules/", module_body), row(coord(201))),
    "GET /api/v1/modules/{id}/": (url("/api/v1/modules/{module}/"), row(EVERYONE)),
    "PUT /api/v1/modules/{id}/": (
        url("/api/v1/modules/{spare_module}/", module_body),
        row(coord(200)),
    ),
    "PATCH /api/v1/modules/{id}/": (
        url("/api/v1/modules/{module}/", {"price": 20}),
        row(coord(200)),
    ),
    "DELETE /api/v1/modules/{id}/": (url("/api/v1/modules/{spare_module}/"), row(coord(204))),
    "GET /api/v1/paths/": (url("/api/v1/paths/"), row(EVERYONE)),
    "POST /api/v1/paths/": (url("/api/v1/paths/", path_body), row(coord(201))),
    "GET /api/v1/paths/{id}/": (url("/api/v1/paths/{path}/"), row(EVERYONE)),
    "PUT /api/v1/paths/{id}/": (url("/api/v1/paths/{spare_path}/", path_body), row(coord(200))),
    "PATCH /api/v1/paths/{id}/": (
        url("/api/v1/paths/{path}/", {"name_en": "Path"}),
        row(coord(200)),
    ),
    "DELETE /api/v1/paths/{id}/": (url("/api/v1/paths/{spare_path}/"), row(coord(204))),
    # People
    "GET /api/v1/organisations/": (url("/api/v1/organisations/"), row(SIGNED_IN)),
    "POST /api/v1/organisations/": (
        url("/api/v1/organisations/", organisation_body),
        row(coord(201)),
    ),
    "GET /api/v1/organisations/{id}/": (url("/api/v1/organisations/{office}/"), row(SIGNED_IN)),
    "PUT /api/v1/organisations/{id}/": (
        url("/api/v1/organisations/{spare_organisation}/", organisation_body),
        row(coord(200)),
    ),
    "PATCH /api/v1/organisations/{id}/": (
        url("/api/v1/organisations/{office}/", {"commune": "Paimpol"}),
        row(coord(200)),
    ),
    "DELETE /api/v1/organisations/{id}/": (
        url("/api/v1/organisations/{spare_organisation}/"),
        row(coord(204)),
    ),
    "GET /api/v1/businesses/": (url("/api/v1/businesses/"), row(SIGNED_IN)),
    "POST /api/v1/businesses/": (url("/api/v1/businesses/", business_body), row(coord(201))),
    "GET /api/v1/businesses/{id}/": (
        url("/api/v1/businesses/{business}/"),
        row("401 200 404 200 404 404 200"),
    ),
    "PUT /api/v1/businesses/{id}/": (
        url("/api/v1/businesses/{business}/", business_body),
        row(coord(200)),
    ),
    "PATCH /api/v1/businesses/{id}/": (
        url("/api/v1/businesses/{business}/", {"commune": "Plouha"}),
        row(coord(200)),
    ),
    "DELETE /api/v1/businesses/{id}/": (
        url("/api/v1/businesses/{spare_business}/"),
        row(coord(204)),
    ),
    "GET /api/v1/providers/": (url("/api/v1/providers/"), row(SIGNED_IN)),
    "POST /api/v1/providers/": (url("/api/v1/providers/", provider_body), row(coord(201))),
    "GET /api/v1/providers/{id}/": (
        url("/api/v1/providers/{provider}/"),
        row("401 200 404 200 404 404 200"),
    ),
    "PUT /api/v1/providers/{id}/": (
        url(
            "/api/v1/providers/{provider}/",
            lambda s: {
                "first_name": "Anne",
                "last_name": "Le Goff",
                "email": s["provider"].email,
                "phone": "02 96 00 00 00",
            },
        ),
        row("401 200 404 403 403 403 200"),
    ),
    "PATCH /api/v1/providers/{id}/": (
        url("/api/v1/providers/{provider}/", {"shares_progress_with_partners": True}),
        row("401 200 404 403 403 403 200"),
    ),
    "DELETE /api/v1/providers/{id}/": (url("/api/v1/providers/{spare_provider}/"), row(coord(204))),
    "GET /api/v1/providers/{id}/progress/": (
        url("/api/v1/providers/{provider}/progress/"),
        row("401 200 404 200 404 404 200"),
    ),
    "GET /api/v1/audit/": (url("/api/v1/audit/"), row(coord(200))),
    "GET /api/v1/audit/{id}/": (first_audit_event, row(coord(200))),
    "GET /api/v1/providers/{id}/export/": (
        url("/api/v1/providers/{provider}/export/"),
        row("401 200 404 403 403 403 200"),
    ),
    "POST /api/v1/providers/{id}/erase/": (
        url("/api/v1/providers/{provider}/erase/"),
        row(coord(200)),
    ),
    "GET /api/v1/providers/{id}/progress.svg": (
        url("/api/v1/providers/{provider}/progress.svg"),
        row("401 200 404 200 404 404 200"),
    ),
    "GET /api/v1/reports/skills/": (url("/api/v1/reports/skills/"), row(REPORTS)),
    "GET /api/v1/reports/skills.svg": (url("/api/v1/reports/skills.svg"), row(REPORTS)),
    "GET /api/v1/reports/training-effect/": (
        url("/api/v1/reports/training-effect/"),
        row(REPORTS),
    ),
    "GET /api/v1/reports/sessions/": (url("/api/v1/reports/sessions/"), row(REPORTS)),
    "GET /api/v1/providers/me/progress/": (
        url("/api/v1/providers/me/progress/"),
        row("401 200 200 404 404 404 404"),
    ),
    "GET /api/v1/trainers/": (url("/api/v1/trainers/"), row("401 403 403 200 200 403 200")),
    "POST /api/v1/trainers/": (url("/api/v1/trainers/", trainer_body), row(coord(201))),
    "GET /api/v1/trainers/{id}/": (
        url("/api/v1/trainers/{trainer}/"),
        row("401 403 403 200 404 403 200"),
    ),
    "PUT /api/v1/trainers/{id}/": (
        url("/api/v1/trainers/{spare_trainer}/", trainer_body),
        row(coord(200)),
    ),
    "PATCH /api/v1/trainers/{id}/": (
        url("/api/v1/trainers/{trainer}/", {"first_name": "Yannick"}),
        row(coord(200)),
    ),
    "DELETE /api/v1/trainers/{id}/": (url("/api/v1/trainers/{spare_trainer}/"), row(coord(204))),
    # Training
    "GET /api/v1/sessions/": (url("/api/v1/sessions/"), row(EVERYONE)),
    "POST /api/v1/sessions/": (
        url("/api/v1/sessions/", session_body),
        row("401 403 403 403 403 201 201"),
    ),
    "GET /api/v1/sessions/{id}/": (
        url("/api/v1/sessions/{session}/"),
        row("200 200 200 200 200 404 200"),
    ),
    "PUT /api/v1/sessions/{id}/": (
        url("/api/v1/sessions/{session}/", session_body),
        row("401 403 403 403 403 404 200"),
    ),
    "PATCH /api/v1/sessions/{id}/": (
        url("/api/v1/sessions/{session}/", {"venue": "Mairie"}),
        row("401 403 403 403 403 404 200"),
    ),
    "DELETE /api/v1/sessions/{id}/": (
        url("/api/v1/sessions/{draft_session}/"),
        row("401 403 403 403 403 404 204"),
    ),
    "POST /api/v1/sessions/{id}/open/": (
        url("/api/v1/sessions/{draft_session}/open/"),
        row("401 403 403 403 403 404 200"),
    ),
    "POST /api/v1/sessions/{id}/confirm/": (
        url("/api/v1/sessions/{open_session}/confirm/"),
        row("401 403 403 403 403 404 200"),
    ),
    "POST /api/v1/sessions/{id}/cancel/": (
        url("/api/v1/sessions/{open_session}/cancel/", {"reason": "Too few"}),
        row("401 403 403 403 403 404 200"),
    ),
    "POST /api/v1/sessions/{id}/complete/": (
        url("/api/v1/sessions/{session}/complete/"),
        row("401 403 403 403 403 404 200"),
    ),
    "POST /api/v1/sessions/{id}/attendance/": (
        url(
            "/api/v1/sessions/{session}/attendance/",
            lambda s: {
                "records": [
                    {
                        "provider": s["participant"].pk,
                        "module": s["module"].pk,
                        "outcome": "completed",
                    }
                ]
            },
        ),
        row("401 403 403 200 403 404 200"),
    ),
    "GET /api/v1/enrolments/": (url("/api/v1/enrolments/"), row(SIGNED_IN)),
    "POST /api/v1/enrolments/": (
        url(
            "/api/v1/enrolments/",
            lambda s: {"session": s["open_session"].pk, "provider": s["provider"].pk},
        ),
        row("401 201 400 403 403 403 201"),
    ),
    "GET /api/v1/enrolments/{id}/": (
        url("/api/v1/enrolments/{enrolment}/"),
        row("401 200 404 200 404 404 200"),
    ),
    "POST /api/v1/enrolments/{id}/cancel/": (
        url("/api/v1/enrolments/{enrolment}/cancel/"),
        row("401 200 404 403 403 403 200"),
    ),
    "GET /api/v1/completions/": (url("/api/v1/completions/"), row(SIGNED_IN)),
    "POST /api/v1/completions/": (
        url(
            "/api/v1/completions/",
            lambda s: {
                "provider": s["participant"].pk,
                "module": s["module"].pk,
                "session": s["session"].pk,
                "outcome": "attended",
            },
        ),
        row("401 403 403 201 403 400 201"),
    ),
    "GET /api/v1/completions/{id}/": (
        url("/api/v1/completions/{completion}/"),
        row("401 200 404 200 404 404 200"),
    ),
    "POST /api/v1/completions/{id}/void/": (
        url("/api/v1/completions/{completion}/void/", {"reason": "Wrong"}),
        row("401 403 403 200 404 404 200"),
    ),
    # Integrations
    "GET /api/v1/partner-clients/": (url("/api/v1/partner-clients/"), row(coord(200))),
    "POST /api/v1/partner-clients/": (
        url(
            "/api/v1/partner-clients/",
            lambda s: {"partner_centre": s["partner_centre"].pk, "name": "Logiciel"},
        ),
        row(coord(201)),
    ),
    "GET /api/v1/partner-clients/{id}/": (
        url("/api/v1/partner-clients/{partner_client}/"),
        row(coord(200)),
    ),
    "POST /api/v1/partner-clients/{id}/revoke/": (
        url("/api/v1/partner-clients/{partner_client}/revoke/"),
        row(coord(200)),
    ),
    "GET /api/v1/participant-links/": (
        url("/api/v1/participant-links/"),
        row("401 200 200 403 403 403 200"),
    ),
    "GET /api/v1/participant-links/{id}/": (
        url("/api/v1/participant-links/{participant_link}/"),
        row("401 200 404 403 403 403 200"),
    ),
    "POST /api/v1/participant-links/{id}/confirm/": (
        url("/api/v1/participant-links/{participant_link}/confirm/"),
        row("401 200 404 403 403 403 200"),
    ),
    "POST /api/v1/participant-links/{id}/refuse/": (
        url("/api/v1/participant-links/{participant_link}/refuse/"),
        row("401 200 404 403 403 403 200"),
    ),
    "POST /api/v1/enrolments/bulk/": (
        url(
            "/api/v1/enrolments/bulk/",
            {
                "items": [
                    {
                        "external_id": "E-1",
                        "session": "S-1",
                        "participant": {
                            "external_id": "P-1",
                            "email": "p1@example.org",
                            "first_name": "A",
                            "last_name": "B",
                        },
                    }
                ]
            },
        ),
        row("401 403 403 403 403 200 403"),
    ),
    "POST /api/v1/completions/bulk/": (
        url(
            "/api/v1/completions/bulk/",
            {
                "items": [
                    {
                        "external_id": "C-1",
                        "session": "S-1",
                        "participant": "P-1",
                        "module": "W20-D1",
                        "outcome": "completed",
                    }
                ]
            },
        ),
        row("401 403 403 403 403 200 403"),
    ),
    "GET /api/v1/webhooks/": (url("/api/v1/webhooks/"), row("401 403 403 403 403 200 200")),
    "POST /api/v1/webhooks/": (
        url(
            "/api/v1/webhooks/",
            {
                "url": "https://centre.example/hooks",
                "events": ["session.confirmed"],
                "secret": "s" * 20,
            },
        ),
        row("401 403 403 403 403 201 403"),
    ),
    "GET /api/v1/webhooks/{id}/": (
        url("/api/v1/webhooks/{webhook}/"),
        row("401 403 403 403 403 200 200"),
    ),
    "PUT /api/v1/webhooks/{id}/": (
        url(
            "/api/v1/webhooks/{webhook}/",
            {
                "url": "https://centre.example/v2",
                "events": ["session.cancelled"],
                "secret": "t" * 20,
            },
        ),
        row("401 403 403 403 403 200 403"),
    ),
    "PATCH /api/v1/webhooks/{id}/": (
        url("/api/v1/webhooks/{webhook}/", {"is_active": False}),
        row("401 403 403 403 403 200 403"),
    ),
    "DELETE /api/v1/webhooks/{id}/": (
        url("/api/v1/webhooks/{webhook}/"),
        row("401 403 403 403 403 204 403"),
    ),
    "GET /api/v1/webhooks/{id}/deliveries/": (
        url("/api/v1/webhooks/{webhook}/deliveries/"),
        row("401 403 403 403 403 200 200"),
    ),
    # Progress
    "GET /api/v1/self-assessments/": (url("/api/v1/self-assessments/"), row(SIGNED_IN)),
    "POST /api/v1/self-assessments/": (
        url(
            "/api/v1/self-assessments/",
            lambda s: {"competency": s["competency"].pk, "level": 1, "provider": s["provider"].pk},
        ),
        row("401 201 400 403 403 403 201"),
    ),
    "GET /api/v1/self-assessments/{id}/": (
        url("/api/v1/self-assessments/{self_assessment}/"),
        row("401 200 404 200 404 404 200"),
    ),
}
