"""The fixed texts of reports, exports and charts, in French and English."""

from catalogue.models import ModuleFormat
from common.labels import Label
from people.models import Sector
from training.models import CancelCause

NO_GROUP = Label(fr="(aucun)", en="(none)")
NO_DATA = Label(fr="Aucune donnée", en="No data")

SECTORS: dict[str, Label] = {
    Sector.ACCOMMODATION: Label(fr="Hébergement", en="Accommodation"),
    Sector.FOOD_AND_DRINK: Label(fr="Restauration", en="Food and drink"),
    Sector.ACTIVITIES_AND_LEISURE: Label(fr="Activités et loisirs", en="Activities and leisure"),
    Sector.RETAIL: Label(fr="Commerce", en="Retail"),
    Sector.ASSOCIATION: Label(fr="Association", en="Association"),
    Sector.PUBLIC_BODY: Label(fr="Collectivité", en="Public body"),
    Sector.OTHER: Label(fr="Autre", en="Other"),
}

FORMATS: dict[str, Label] = {
    ModuleFormat.TRAINING_DAY: Label(fr="Journée de formation", en="Training day"),
    ModuleFormat.WORKSHOP: Label(fr="Atelier", en="Workshop"),
    ModuleFormat.CONFERENCE: Label(fr="Conférence", en="Conference"),
    ModuleFormat.CLUB: Label(fr="Klub numérique", en="Digital club"),
    ModuleFormat.ELEARNING: Label(fr="E-learning", en="E-learning"),
    "path": Label(fr="Parcours", en="Learning path"),
}

# The session cancellation causes, named by their choices (training.models.CancelCause).
CAUSES = {cause: Label(fr=cause.label, en=cause.label_en) for cause in CancelCause}


def sector_label(value: str | None) -> Label | str:
    """A sector's name in the active language (an unknown value is shown as is)."""
    return SECTORS.get(value, value or "") if value is not None else NO_GROUP


def format_label(value: str) -> Label | str:
    """A session format's name in the active language."""
    return FORMATS.get(value, value)
