from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    """The competency framework, modules and learning paths."""

    name = "catalogue"
    verbose_name = "Catalogue"
    # Validation codes of this app's rules that a schema cannot state (api.errors).
    rule_codes = frozenset(
        {"duplicate", "out_of_scale", "invalid_scale", "in_use", "inactive", "wrong_framework"}
    )

    def ready(self) -> None:
        from catalogue import signals

        signals.connect()
