"""The columns of the sessions', enrolments' and completions' spreadsheet exports."""

from typing import Any

from common.export_views import translated
from common.exports import Column
from common.labels import Label

ID = Column("id", Label(fr="Identifiant", en="Id"))
PROVIDER = [
    Column("provider_id", Label(fr="Prestataire (id)", en="Provider id")),
    Column("provider__last_name", Label(fr="Nom", en="Last name")),
    Column("provider__first_name", Label(fr="Prénom", en="First name")),
]
CREATED = Column("created_at", Label(fr="Créé le", en="Created"))
UPDATED = Column("updated_at", Label(fr="Modifié le", en="Updated"))

SESSIONS = [
    ID,
    Column("title", Label(fr="Intitulé", en="Title")),
    Column("module__code", Label(fr="Module", en="Module")),
    Column("module_name", Label(fr="Nom du module", en="Module name")),
    Column("path__code", Label(fr="Parcours", en="Learning path")),
    Column("path_name", Label(fr="Nom du parcours", en="Learning path name")),
    Column("organiser__name", Label(fr="Organisateur", en="Organiser")),
    Column("venue", Label(fr="Lieu", en="Venue")),
    Column("commune", Label(fr="Commune", en="Commune")),
    Column("starts_at", Label(fr="Début", en="Starts")),
    Column("ends_at", Label(fr="Fin", en="Ends")),
    Column("capacity", Label(fr="Places", en="Places")),
    Column("min_participants", Label(fr="Minimum de participants", en="Minimum participants")),
    Column("enrolled_count", Label(fr="Inscrits", en="Enrolled")),
    Column("waitlisted_count", Label(fr="En liste d'attente", en="Waitlisted")),
    Column("decision_date", Label(fr="Date de décision", en="Decision date")),
    Column("price", Label(fr="Prix (€)", en="Price (€)")),
    Column("funding", Label(fr="Financement", en="Funding")),
    Column("status", Label(fr="Statut", en="Status")),
    Column("cancel_cause", Label(fr="Cause d'annulation", en="Cancellation cause")),
    Column("cancel_reason", Label(fr="Motif d'annulation", en="Cancellation reason")),
    Column("external_id", Label(fr="Identifiant externe", en="External id")),
    CREATED,
    UPDATED,
]


def session_annotations() -> dict[str, Any]:
    return {"module_name": translated("module__title"), "path_name": translated("path__name")}


ENROLMENTS = [
    ID,
    Column("session_id", Label(fr="Session (id)", en="Session id")),
    Column("session__title", Label(fr="Session", en="Session")),
    Column("session__starts_at", Label(fr="Début de la session", en="Session starts")),
    *PROVIDER,
    Column("status", Label(fr="Statut", en="Status")),
    Column("external_id", Label(fr="Identifiant externe", en="External id")),
    Column("cancelled_at", Label(fr="Annulée le", en="Cancelled")),
    CREATED,
    UPDATED,
]

COMPLETIONS = [
    ID,
    *PROVIDER,
    Column("module__code", Label(fr="Module", en="Module")),
    Column("module_name", Label(fr="Nom du module", en="Module name")),
    Column("session_id", Label(fr="Session (id)", en="Session id")),
    Column("completed_on", Label(fr="Date", en="Date")),
    Column("outcome", Label(fr="Résultat", en="Outcome")),
    Column("source", Label(fr="Source", en="Source")),
    Column("external_id", Label(fr="Identifiant externe", en="External id")),
    Column("voided_at", Label(fr="Annulé le", en="Voided")),
    Column("void_reason", Label(fr="Motif d'annulation", en="Void reason")),
    CREATED,
    UPDATED,
]


def completion_annotations() -> dict[str, Any]:
    return {"module_name": translated("module__title")}
