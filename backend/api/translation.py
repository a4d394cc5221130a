"""Serializer support for texts stored in French and English.

For a translated text `name`, the API shows `name` (in the language of the
request's `Accept-Language`, French when the English text is empty) and both
stored versions `name_fr` and `name_en`; writes set `name_fr` (required when
the text is required) and `name_en` (optional).
"""

from typing import Any

LANGUAGES = ("fr", "en")


def translated_fields(*names: str) -> list[str]:
    """The serializer field names for translated texts: `name, name_fr, name_en, …`."""
    fields: list[str] = []
    for name in names:
        fields += [name, *(f"{name}_{lang}" for lang in LANGUAGES)]
    return fields


def translated_kwargs(
    *, required: tuple[str, ...] = (), optional: tuple[str, ...] = ()
) -> dict[str, dict[str, Any]]:
    """`extra_kwargs` making the plain text read-only and setting which versions are required."""
    kwargs: dict[str, dict[str, Any]] = {}
    for name in (*required, *optional):
        kwargs[name] = {"read_only": True}
        kwargs[f"{name}_en"] = {
            "required": False,
            "allow_blank": True,
            "allow_null": False,
            "default": "",
        }
        kwargs[f"{name}_fr"] = (
            {"required": True, "allow_blank": False, "allow_null": False}
            if name in required
            else {"required": False, "allow_blank": True, "allow_null": False, "default": ""}
        )
    return kwargs
