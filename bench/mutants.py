"""`make mutants`: mutation testing of the modules that hold the rules (docs/testing.md).

    python bench/mutants.py run training progress     # mutate these apps' rule modules
    python bench/mutants.py report                     # rewrite the section of docs/testing.md

mutmut names a mutant after its file's path and strips only a leading "src/", while the
code is imported from backend/ as `training.services`: the run mutates a copy of backend/
made in src/. In that copy, a service's `@transaction.atomic` decorator becomes a
`with transaction.atomic():` around its body (the same transaction): mutmut leaves
decorated functions alone, and the services that hold most rules are decorated.

Each test session works on a copy of one migrated SQLite file (TEST_DB_TEMPLATE, see
tests/conftest.py) instead of migrating a database for every mutant.

Prose is not mutated: a string literal holding a space is a message for people (an error's
text, a label), whose wording no rule fixes; codes, field names, events and statuses have no
space and are mutated. Without this, three in ten mutants were "XXThis session is full.XX"
and its kin, which no test should kill.
"""

from __future__ import annotations

import ast
import difflib
import json
import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
from collections import Counter
from pathlib import Path

import libcst as cst
from mutmut.stats import status_by_exit_code

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src"
MUTANTS = ROOT / "mutants"
TEMPLATE = ROOT / "var" / "mutants-template.sqlite3"
DOC = ROOT / "docs" / "testing.md"
BEGIN = "<!-- mutants:begin (written by `make mutants`) -->"
END = "<!-- mutants:end -->"

# The modules that hold the rules, by app (each also in [tool.mutmut] only_mutate).
MODULES = {
    "training": ["training/services.py", "training/selectors.py"],
    "progress": [
        "progress/services.py",
        "progress/selectors.py",
        "progress/competency_levels.py",
        "progress/paths.py",
    ],
    "integrations": ["integrations/services.py", "integrations/bulk_upserts.py"],
    "privacy": ["privacy/services.py"],
    "audit": ["audit/services.py", "audit/receivers.py"],
    "reports": [
        "reports/population.py",
        "reports/skills.py",
        "reports/effect.py",
        "reports/sessions.py",
        "reports/skill_figures.py",
    ],
}


class _AtomicAsBlock(cst.CSTTransformer):
    """`@transaction.atomic def f(): body` -> `def f(): with transaction.atomic(): body`."""

    def leave_FunctionDef(
        self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef
    ) -> cst.FunctionDef:
        atomic = [
            d
            for d in updated_node.decorators
            if cst.Module([]).code_for_node(d.decorator) == "transaction.atomic"
        ]
        if not atomic or len(updated_node.decorators) != 1:
            return updated_node
        body = list(updated_node.body.body)
        docstring = []
        if body and updated_node.get_docstring() is not None:
            docstring, body = body[:1], body[1:]
        block = cst.With(
            items=[cst.WithItem(cst.parse_expression("transaction.atomic()"))],
            body=cst.IndentedBlock(body=body),
        )
        return updated_node.with_changes(
            decorators=[], body=updated_node.body.with_changes(body=[*docstring, block])
        )


def _is_prose(node: cst.CSTNode) -> bool:
    """A string literal (plain, f-string or concatenated) holding whitespace."""
    if isinstance(node, cst.SimpleString):
        return any(ch.isspace() for ch in node.evaluated_value or "")
    if isinstance(node, cst.ConcatenatedString):
        return _is_prose(node.left) or _is_prose(node.right)
    if isinstance(node, cst.FormattedString):
        return any(
            isinstance(part, cst.FormattedStringText) and any(ch.isspace() for ch in part.value)
            for part in node.parts
        )
    return False


def _leave_prose_alone() -> None:
    """Wrap mutmut's string and argument operators so that they skip prose (module docstring)."""
    from mutmut.mutation import mutators

    def strings(node: cst.BaseString):  # type: ignore[no-untyped-def]
        if not _is_prose(node):
            yield from mutators.operator_string(node)

    def arguments(node: cst.Call):  # type: ignore[no-untyped-def]
        prose = {i for i, arg in enumerate(node.args) if _is_prose(arg.value)}
        for mutant in mutators.operator_arg_removal(node):
            # Untouched arguments are the very same nodes in the mutant.
            changed = {
                i for i, arg in enumerate(node.args) if not any(arg is a for a in mutant.args)
            }
            if not changed & prose:
                yield mutant

    replace = {mutators.operator_string: strings, mutators.operator_arg_removal: arguments}
    mutators.mutation_operators[:] = [
        (kind, replace.get(operator, operator)) for kind, operator in mutators.mutation_operators
    ]


def prepare() -> None:
    """src/ as a copy of backend/ with the atomic services rewritten; the template database."""
    listed = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mutmut"]["only_mutate"]
    wanted = [f"src/{path}" for paths in MODULES.values() for path in paths]
    if sorted(listed) != sorted(wanted):
        sys.exit(f"pyproject.toml's [tool.mutmut] only_mutate must list {wanted}")
    if SRC.is_symlink() or SRC.is_file():
        SRC.unlink()
    shutil.rmtree(SRC, ignore_errors=True)
    shutil.copytree(ROOT / "backend", SRC, ignore=shutil.ignore_patterns("__pycache__"))
    for paths in MODULES.values():
        for path in paths:
            target = SRC / path
            module = cst.parse_module(target.read_text(encoding="utf-8"))
            target.write_text(module.visit(_AtomicAsBlock()).code, encoding="utf-8")
    # mutmut copies also_copy's files into mutants/ without making their folders.
    (MUTANTS / "docs" / "examples").mkdir(parents=True, exist_ok=True)
    TEMPLATE.parent.mkdir(parents=True, exist_ok=True)
    TEMPLATE.unlink(missing_ok=True)
    subprocess.run(
        [sys.executable, "backend/manage.py", "migrate", "--noinput", "-v0"],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": f"sqlite:///{TEMPLATE}"},
        check=True,
    )


def run(apps: list[str]) -> None:
    """Mutate the rule modules of `apps` and test each mutant against the tests reaching it."""
    unknown = sorted(set(apps) - set(MODULES))
    if unknown:
        sys.exit(f"Unknown apps {unknown}: choose among {sorted(MODULES)}.")
    prepare()
    names = [f"{path[:-3].replace('/', '.')}.*" for app in apps for path in MODULES[app]]
    started = time.monotonic()
    log = ROOT / "var" / "mutants.log"
    with log.open("w", encoding="utf-8") as out:
        code = subprocess.run(
            [
                sys.executable,
                __file__,
                "mutmut",
                "run",
                "--max-children",
                str(os.cpu_count() or 2),
                *names,
            ],
            cwd=ROOT,
            env={**os.environ, "TEST_DB_TEMPLATE": str(TEMPLATE)},
            stdout=out,
            stderr=subprocess.STDOUT,
        ).returncode
    minutes = (time.monotonic() - started) / 60
    print(f"mutmut ran {' '.join(apps)} in {minutes:.1f} min (log: {log.relative_to(ROOT)})")
    if code != 0:
        sys.exit(f"mutmut exited with {code}: see {log.relative_to(ROOT)}")
    _record_time(apps, minutes)
    if report():
        sys.exit("Surviving mutants no reason explains: kill them with a test (docs/testing.md).")


def _record_time(apps: list[str], minutes: float) -> None:
    times_path = MUTANTS / "wall-times.json"
    times = json.loads(times_path.read_text()) if times_path.exists() else {}
    times[" ".join(apps)] = round(minutes, 1)
    times_path.write_text(json.dumps(times, indent=1))


def _results(path: str) -> dict[str, int | None]:
    meta = MUTANTS / "src" / f"{path}.meta"
    if not meta.exists():
        return {}
    return dict(json.loads(meta.read_text())["exit_code_by_key"])


def _functions(path: Path) -> dict[str, list[str]]:
    """The source lines of every function of a mutated file, by name."""
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    return {
        node.name: lines[node.lineno - 1 : node.end_lineno]
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    }


def _diff(name: str, functions: dict[str, list[str]]) -> str:
    """The changed line(s) of a mutant, as `- old / + new`, read from the mutated file."""
    function = name.rpartition(".")[2]
    original = functions.get(function.rpartition("__mutmut_")[0] + "__mutmut_orig", [])
    mutant = functions.get(function, [])
    changed = [
        re.sub(r"\s+", " ", line).strip()
        for line in difflib.unified_diff(original[1:], mutant[1:], lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
    return " / ".join(changed)


# Surviving mutants that change no rule, each with why: (mutant name, change, reason), the
# first two as regular expressions. A survivor that none explains is a test to write.
EQUIVALENT: list[tuple[str, str, str]] = [
    (
        r"",
        r"update_fields=None|\.save\(\)$|update_fields=\[[^]]*\]\) / \+ .*\.save\(\)",
        "saves every field instead of those listed: the same row after it",
    ),
    (r"", r"batch_size=", "only how many rows one statement carries"),
    (
        r"",
        r"order_by\(\"\w+\", \)|order_by\(\"\w+\", \"(id|pk)\"\) / \+ .*order_by\(\"(id|pk)\"\)",
        "the tie-breaker between equal dates: both databases return such rows in the order "
        "they were written, so no test can tell",
    ),
    (
        r"",
        r"select_related\(|prefetch_related\(|\.only\(|\"actor_id\", \"actor\", \"record_type\"",
        "which columns or relations one query loads: the same answer "
        "(tests/api/test_query_counts.py bounds each endpoint's queries)",
    ),
    (
        r"",
        r"values_list\(flat=True\)",
        "values_list() with no field reads the primary key, the field it named",
    ),
    (
        r"audit\.receivers\.x_connect__",
        r"",
        "runs once when the app starts, before a test switches the mutant on; tests/audit "
        "proves each audited model's writes are recorded",
    ),
    (
        r"training\.services\.x_sessions_decide__",
        r"continue / \+ break|status=SessionStatus\.OPEN, decision",
        "the status is checked again under the row lock; `break` there is reached only when "
        "another transaction changed a session between listing and locking it",
    ),
    (
        r"privacy\.services\.x_provider_erase__",
        r"continue .* / \+ break",
        "a provider has one login at most (a unique constraint): the loop turns once",
    ),
    (
        r"privacy\.services\.x_provider_erase__",
        r"exclude\(comment=",
        "also blanks the comments already empty: the same rows after",
    ),
    (
        r"privacy\.services\.x_inactive_providers__",
        r"\[:2\]",
        "the subquery is grouped by provider: one row per provider",
    ),
    (
        r"x__grouped_enrolments__",
        r"\.values\(",
        "Django groups by every selected field: the same GROUP BY and rows",
    ),
    (
        r"x__taught__",
        r"_id__in=",
        "loads rows for other modules, paths or competencies, which no session or cell looks up",
    ),
    (
        r"x_session_label__",
        r"path\.name if \(path\)|path else \"XXXX\"",
        "a session has a module or a path, and a module's title is required: the last "
        "fallback is never reached",
    ),
    (
        r"x_training_effect_report__|x_sessions_report__",
        r"session__in=[^/]*/ \+ (?!.*session__in)",
        "completions of other sessions are keyed by their session, which the report never "
        "reads: only the query's cost changes",
    ),
    (
        r"x_training_effect_report__",
        r"if \(attendees\) or True|provider_id__in=providers",
        "set().union() of nothing is set(); ratings of others are loaded but never read",
    ),
    (
        r"x__cells_from_current_levels__",
        r"\+ .*\"[A-Z_]+\.[A-Z_]+\"",
        "SQL names are case-insensitive: the same statement",
    ),
    (
        r"",
        r"none\(\)\.values\(",
        "an empty queryset is never compiled: its field names are never read",
    ),
    (
        r"x_participant_ids__",
        r"role == PARTNER or user\.partner_centre_id",
        "a partner login without a centre would read the sessions with no organiser, and "
        "every session has one (a required column)",
    ),
    (
        r"privacy\.services\.x_provider_erase__",
        r"if \(not first_erasure\) and False|\{\"(XXcommentXX|COMMENT)\"\}",
        "the values hunted on a second erasure are the anonymous ones, which the first left "
        "nowhere in the trail; comments are among the values erased, so scrubbing them "
        "erases them as blanking does",
    ),
    (
        r"integrations\.bulk_upserts\.x_first_error__",
        r"getattr\(detail, \"code\"|first_error\(detail\[0\], (None)?\)|if \(name\) or True",
        "every error DRF raises carries its code; a list of errors nested in a list of "
        "objects, the only shape these reach, is not one a bulk item has",
    ),
    (
        r"x_groups_by_member__",
        r"key=",
        "the order only decides which cell is made first; every row is sorted by group "
        "label and competency before it is served",
    ),
    (
        r"x_providers_counted__",
        r"params\[\"group_by\"\] (!=|==) \"(XXsessionXX|SESSION|session)\"",
        "grouped by session, the groups are built from the sessions' participants among "
        "those counted: narrowing first changes nothing",
    ),
    (
        r"x_provider_paths__|x__self_levels__",
        r"providers=None|provider_id__in=population",
        "loads the paths or ratings of others, which are only looked up for the providers "
        "of a group",
    ),
    (
        r"x__cells_from_history__",
        r"if \(group is not None\) or True|scale=None|proficient_level=None|"
        r"cell\.counted\((None, competency_id|group, None), values\)",
        "grouped by path, every group is a path; the cell's scale and proficient level are "
        "stored and never read; a row is built from the counts alone",
    ),
    (
        r"x__taught__",
        r"if \((modules_by_session|s\.path_id)\) or True",
        "set().union() of nothing is set(), and a missing path has no targets",
    ),
    (
        r"training\.services\.x_session_create__",
        r"data\.pop\(\"slots\", (None)?\)",
        "the serializer requires one slot at least: the default is never used",
    ),
    (
        r"progress\.selectors\.x_provider_progress__",
        r"found is None\) and False",
        "called by the browsable API only, once the view has found the provider",
    ),
    (
        r"reports\.skills\.x_skills_report__",
        r"postgresql|POSTGRESQL|_read_skill_counts",
        "the branch PostgreSQL's counts answer: the mutation run uses SQLite; "
        "tests/reports/test_skill_counts.py compares those counts with the figures summed "
        "from the competency levels, after every kind of write, in CI's PostgreSQL run",
    ),
    (
        r"reports\.skills\.x__whole_population__",
        r"",
        "on SQLite it decides only whether the rows built last are reused, which are the "
        "same rows; on PostgreSQL whether the counts answer (test_skill_counts.py)",
    ),
    (
        r"audit\.services\.x_audit_event_add__",
        r"changes=\{\}",
        "the model's default is the same empty dict",
    ),
    (
        r"audit\.services\.x_audit_events_redact__",
        r"if \(event\.actor_id\) or True|actor_name == event\.actor|about \|= Q\(",
        "rewrites more events than needed (values unchanged), or examines events of other "
        "types with the same ids, which only lose texts that quote the person",
    ),
]


def _reason(name: str, change: str) -> str | None:
    for name_pattern, change_pattern, reason in EQUIVALENT:
        if re.search(name_pattern, name) and re.search(change_pattern, change):
            return reason
    return None


def report() -> int:
    """Write the figures per module and the surviving mutants into docs/testing.md."""
    rows = []
    survivors: list[tuple[str, str, str | None]] = []
    for paths in MODULES.values():
        for path in paths:
            results = _results(path)
            if not results:
                continue
            functions = _functions(MUTANTS / "src" / path)
            counts = Counter(status_by_exit_code[code] for code in results.values())
            rows.append(
                f"| `{path}` | {len(results)} | {counts['killed']} | {counts['survived']} "
                f"| {counts['timeout']} | {counts['no tests']} | {counts['not checked']} |"
            )
            for name in sorted(
                (name for name, code in results.items() if code == 0),
                key=lambda n: (n.rpartition("__mutmut_")[0], int(n.rpartition("_")[2])),
            ):
                change = _diff(name, functions)
                survivors.append((name, change, _reason(name, change)))
    times_path = MUTANTS / "wall-times.json"
    times = json.loads(times_path.read_text()) if times_path.exists() else {}
    lines = [
        BEGIN,
        "",
        "| module | mutants | killed | survived | timeout | no tests | not run |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
        *rows,
        "",
        "Wall time: "
        + (
            "; ".join(f'`make mutants MUTANTS="{apps}"` {m} min' for apps, m in times.items())
            or "not measured"
        )
        + ".",
        "",
    ]
    unexplained = [(name, change) for name, change, reason in survivors if reason is None]
    explained = [(name, change, reason) for name, change, reason in survivors if reason]
    lines += [
        f"Surviving mutants that no test kills and no reason explains ({len(unexplained)}):",
        "",
    ]
    lines += [f"- `{name}`: `{change}`" for name, change in unexplained] or ["- none"]
    lines += ["", f"Surviving mutants that change no rule ({len(explained)}), and why:", ""]
    lines += [f"- `{name}`: `{change}`: {reason}" for name, change, reason in explained]
    lines += ["", END]
    text = DOC.read_text(encoding="utf-8")
    section = "\n".join(lines)
    if BEGIN in text:
        head, _, rest = text.partition(BEGIN)
        _, _, tail = rest.partition(END)
        text = head + section + tail
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    DOC.write_text(text, encoding="utf-8")
    print(
        f"{DOC.relative_to(ROOT)}: {len(survivors)} surviving mutants listed, "
        f"{len(unexplained)} unexplained"
    )
    return len(unexplained)


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "run":
        run(sys.argv[2:] or list(MODULES))
    elif sys.argv[1:2] == ["mutmut"]:
        _leave_prose_alone()
        from mutmut.__main__ import cli

        sys.argv = ["mutmut", *sys.argv[2:]]
        cli()
    elif sys.argv[1:] == ["report"]:
        report()
    else:
        sys.exit(__doc__)
