from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    """Partner centres' machine access: OAuth2 clients, external ids, bulk sync."""

    name = "integrations"
    verbose_name = "Intégrations"

    def ready(self) -> None:
        from integrations import schema, signals  # noqa: F401 - the OAuth2 scheme, listeners
