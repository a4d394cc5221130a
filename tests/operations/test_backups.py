"""A backup holds every row of its day and restores into a database whose schema is current."""

import json

import pytest
from django.core.management import CommandError, call_command

from tests.conftest import on_postgres
from tests.factories import ProviderFactory


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_with_every_row_and_current_migrations(tmp_path, capsys):
    if not on_postgres():
        pytest.skip("Backups are pg_dump files: proven on PostgreSQL (CI's second run).")
    ProviderFactory.create_batch(3)  # committed: the dump sees them
    dump = tmp_path / "parcours.dump"
    call_command("backup", str(dump))
    counts = json.loads((tmp_path / "parcours.dump.counts.json").read_text())
    assert counts["people_provider"] == 3
    assert counts["people_business"] == 3
    call_command("restore_check", str(dump))
    assert "restored and checked" in capsys.readouterr().out
    # A dump that lost rows is caught.
    counts["people_provider"] = 4
    (tmp_path / "parcours.dump.counts.json").write_text(json.dumps(counts))
    with pytest.raises(CommandError, match="people_provider"):
        call_command("restore_check", str(dump))


@pytest.mark.django_db
def test_backups_need_postgresql():
    if on_postgres():
        pytest.skip("On PostgreSQL the backup itself is tested above.")
    with pytest.raises(CommandError, match="PostgreSQL"):
        call_command("backup", "/tmp/never-written.dump")
