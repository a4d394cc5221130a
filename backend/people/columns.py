"""The columns of the providers' spreadsheet export (the fields the JSON list shows)."""

from common.exports import Column
from common.labels import Label

PROVIDERS = [
    Column("id", Label(fr="Identifiant", en="Id")),
    Column("last_name", Label(fr="Nom", en="Last name")),
    Column("first_name", Label(fr="Prénom", en="First name")),
    Column("email", Label(fr="Courriel", en="Email")),
    Column("phone", Label(fr="Téléphone", en="Phone")),
    Column("business__name", Label(fr="Établissement", en="Business")),
    Column("business__sector", Label(fr="Secteur", en="Sector")),
    Column("business__commune", Label(fr="Commune", en="Commune")),
    Column("business__office__name", Label(fr="Bureau d'information", en="Information office")),
    Column(
        "shares_progress_with_partners",
        Label(fr="Partage sa progression", en="Shares progress with partners"),
    ),
    Column("created_at", Label(fr="Créé le", en="Created")),
    Column("updated_at", Label(fr="Modifié le", en="Updated")),
]
