"""The columns of the self-assessments' spreadsheet export."""

from typing import Any

from common.export_views import translated
from common.exports import Column
from common.labels import Label

SELF_ASSESSMENTS = [
    Column("id", Label(fr="Identifiant", en="Id")),
    Column("provider_id", Label(fr="Prestataire (id)", en="Provider id")),
    Column("provider__last_name", Label(fr="Nom", en="Last name")),
    Column("provider__first_name", Label(fr="Prénom", en="First name")),
    Column("competency__code", Label(fr="Compétence", en="Competency")),
    Column("competency_name", Label(fr="Nom de la compétence", en="Competency name")),
    Column("level", Label(fr="Niveau", en="Level")),
    Column("comment", Label(fr="Commentaire", en="Comment")),
    Column("assessed_at", Label(fr="Date", en="Date")),
]


def self_assessment_annotations() -> dict[str, Any]:
    return {"competency_name": translated("competency__name")}
