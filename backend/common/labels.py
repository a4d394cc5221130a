"""Short interface texts in both languages of the programme.

Content (competency names, module titles, …) is translated in the database;
the few fixed texts Parcours writes itself — export headers, chart legends —
are pairs picked by the active language (`Accept-Language`).
"""

from dataclasses import dataclass

from django.utils.translation import get_language


@dataclass(frozen=True)
class Label:
    fr: str
    en: str

    def __str__(self) -> str:
        return self.en if (get_language() or "fr").startswith("en") else self.fr
