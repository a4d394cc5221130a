from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    """The competency framework, modules and learning paths."""

    name = "catalogue"
    verbose_name = "Catalogue"

    def ready(self) -> None:
        from catalogue import signals

        signals.connect()
