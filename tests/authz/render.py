"""Render docs/roles.md from the authorization matrix: `make roles-doc`."""

import sys
from pathlib import Path

from tests.authz.matrix import OPERATIONS, ROLE_TITLES, ROLES

DOC = Path(__file__).resolve().parents[2] / "docs" / "roles.md"

SYMBOL = {200: "yes", 201: "yes", 204: "yes", 400: "400", 401: "sign in", 403: "no", 404: "404"}

HEADER = """# Roles and permissions

Generated from `tests/authz/matrix.py` by `make roles-doc`; a test fails when
this page and the matrix differ, and another when an operation of the schema is
missing from the matrix. The tests call every operation as each role, on its
own records and on someone else's.

| role | who |
| --- | --- |
| coordinator | office staff; a Django superuser has every coordinator right |
| trainer | a facilitator or an outside trainer |
| provider | a person at a local business, the learner |
| partner centre | a training centre's login or client |
| anonymous | no credentials |

How to read the table: **yes** the operation succeeds; **no** the role may not
(403); **sign in** credentials are needed (401); **404** the record is outside
what the caller may see, so it does not exist for them (never a 403 that would
confirm it exists); **400** allowed, but refused for these inputs (a
set-password token that is not valid; a partner centre recording for a session
it does not organise). Lists answer 200 to every allowed role but hold only
what that role may see (scoping).

Scoping, in one line per resource (each model's rules are its queryset's
`visible_to(user)`, which every list and selector calls; see `architecture.md`):

- sessions: everyone sees open and confirmed ones; a provider also those they
  enrolled in, a trainer those they train; a partner centre sees, schedules and
  decides only the sessions it organises (and records their completions);
- enrolments, completions: the provider's own; a trainer's sessions'; a partner
  centre's sessions'; coordinators all;
- providers, businesses: the provider themself; the participants of a trainer's
  or partner centre's sessions; coordinators all. A partner centre's push never
  makes an existing provider its participant by e-mail alone: that provider (or a
  coordinator) first confirms the centre's link (`participant-links/`, the
  provider's own and, for coordinators, all);
- self-assessments and progress: as providers, except that a partner centre
  sees only participants who consented to share their progress;
- trainers: a trainer sees themself; coordinators all;
- logins (`accounts/`): coordinators only.

In the table, "provider (own)" is provider A acting on A's records; "another
provider" is provider B acting on A's; "the session's trainer" trains the
session A is enrolled in; "another trainer" does not.

"""


def render() -> str:
    lines = [
        HEADER.rstrip("\n"),
        "",
        "| operation | " + " | ".join(ROLE_TITLES) + " |",
        "| --- |" + " --- |" * len(ROLES),
    ]
    for operation in sorted(OPERATIONS, key=lambda op: (op.split()[1], op.split()[0])):
        expected = OPERATIONS[operation][1]
        cells = [SYMBOL[expected[role]] for role in ROLES]
        lines.append(f"| `{operation}` | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    DOC.write_text(render(), encoding="utf-8")
    sys.stdout.write(f"wrote {DOC}\n")
