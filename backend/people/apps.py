from django.apps import AppConfig


class PeopleConfig(AppConfig):
    """Organisations, businesses, providers and trainers."""

    name = "people"
    verbose_name = "Personnes et structures"
    # Validation codes of this app's rules that a schema cannot state (api.errors).
    rule_codes = frozenset({"wrong_kind", "invalid_parent"})
