"""A typed client nobody here wrote: TypeScript types generated from the schema
(openapi-typescript), the example provider app (docs/examples/provider-app/) checked
with `tsc --strict` and run with Node against a live server."""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from progress.models import SelfAssessment
from tests.factories import ProviderUserFactory

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "docs" / "examples" / "provider-app"
TYPES = ROOT / "api_schema" / "parcours.d.ts"

if shutil.which("npm") is None or shutil.which("node") is None:
    if os.environ.get("CI"):
        pytest.fail("Node.js and npm are required in CI (the typed client's test).")
    pytest.skip("Node.js and npm are not installed here.", allow_module_level=True)


def run(command: list[str], cwd: Path = APP, **kwargs) -> subprocess.CompletedProcess[str]:  # type: ignore[no-untyped-def]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=300, **kwargs)


@pytest.fixture(scope="module")
def installed() -> Path:
    """The example's packages, exactly as its lock file pins them."""
    done = run(["npm", "ci", "--no-audit", "--no-fund"])
    assert done.returncode == 0, done.stderr
    return APP


def generate(schema: Path, output: Path) -> None:
    done = run(
        [
            "npx",
            "openapi-typescript",
            str(schema),
            "--default-non-nullable",
            "false",
            "--output",
            str(output),
        ]
    )
    assert done.returncode == 0, done.stderr


def test_the_committed_types_match_the_schema(installed, tmp_path):  # type: ignore[no-untyped-def]
    generate(ROOT / "api_schema" / "openapi.yaml", tmp_path / "parcours.d.ts")
    assert (tmp_path / "parcours.d.ts").read_text() == TYPES.read_text(), (
        "api_schema/parcours.d.ts is stale: run `make client` and commit it."
    )


def test_the_example_type_checks_strictly(installed):  # type: ignore[no-untyped-def]
    done = run(["npx", "tsc", "--noEmit"])
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_schema_change_that_breaks_the_example_fails_the_check(installed, tmp_path):  # type: ignore[no-untyped-def]
    """The example reads each competency's `gap`: a schema without it must not compile."""
    schema = yaml.load(
        (ROOT / "api_schema" / "openapi.yaml").read_text(),
        Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader),
    )
    competency = schema["components"]["schemas"]["ProgressCompetency"]
    del competency["properties"]["gap"]
    competency["required"].remove("gap")
    (tmp_path / "api_schema").mkdir()
    (tmp_path / "openapi.yaml").write_text(yaml.safe_dump(schema))
    copy = tmp_path / "docs" / "examples" / "provider-app"
    copy.mkdir(parents=True)
    shutil.copytree(APP / "src", copy / "src")
    shutil.copy(APP / "tsconfig.json", copy)
    (copy / "node_modules").symlink_to(APP / "node_modules")
    generate(tmp_path / "openapi.yaml", tmp_path / "api_schema" / "parcours.d.ts")
    done = run(["npx", "tsc", "--noEmit", "-p", str(copy)], cwd=copy)
    assert done.returncode != 0
    assert "'gap'" in done.stdout


@pytest.mark.django_db(transaction=True)
def test_the_example_runs_against_a_live_server(installed, live_server, demo_catalogue):  # type: ignore[no-untyped-def]
    user = ProviderUserFactory(username="lea")
    user.set_password("a long passphrase")
    user.save()
    built = run(["npx", "tsc"])
    assert built.returncode == 0, built.stdout + built.stderr
    done = run(
        ["node", "dist/src/main.js"],
        env={
            **os.environ,
            "PARCOURS_URL": live_server.url,
            "PARCOURS_USERNAME": "lea",
            "PARCOURS_PASSWORD": "a long passphrase",
        },
    )
    assert done.returncode == 0, done.stdout + done.stderr
    summary = json.loads(done.stdout)
    assert summary["provider"] == user.provider_id
    assert summary["competencies"] > 0
    rated = SelfAssessment.objects.get(pk=summary["rated"]["ids"][0])
    assert rated.provider_id == user.provider_id
    assert rated.comment == "From the example app."
    assert rated.competency.code == summary["rated"]["competency"]
    assert isinstance(summary["sessions"], list)
