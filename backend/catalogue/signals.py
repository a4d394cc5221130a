"""Every write to the catalogue moves its version on (in the writer's transaction)."""

from typing import Any

from django.db import connection
from django.db.models import F
from django.db.models.signals import post_delete, post_save

from catalogue import models as catalogue

WATCHED = (
    catalogue.Framework,
    catalogue.ProficiencyLevel,
    catalogue.Area,
    catalogue.Competency,
    catalogue.CompetencyLevel,
    catalogue.Module,
    catalogue.ModuleCompetency,
    catalogue.ModulePrerequisite,
    catalogue.LearningPath,
    catalogue.PathStep,
    catalogue.PathTarget,
)


def catalogue_version() -> int:
    """The catalogue's current version (0 before its first change).

    Read on every catalogue answer and progress profile: plain SQL, as building the
    query through the ORM would cost more than running it."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT version FROM {catalogue.CatalogueVersion._meta.db_table} LIMIT 1")
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def bump_version(**kwargs: Any) -> None:
    updated = catalogue.CatalogueVersion.objects.update(version=F("version") + 1)
    if not updated:
        catalogue.CatalogueVersion.objects.create(version=1)


def connect() -> None:
    for model in WATCHED:
        uid = f"catalogue-version-{model.__name__}"
        post_save.connect(bump_version, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(bump_version, sender=model, dispatch_uid=f"{uid}-delete")
