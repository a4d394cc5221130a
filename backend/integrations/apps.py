from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    """Partner centres' machine access: OAuth2 clients, external ids, bulk sync."""

    name = "integrations"
    verbose_name = "Intégrations"
    # Validation codes of this app's rules that a schema cannot state (api.errors).
    rule_codes = frozenset(
        {
            "duplicate",
            "wrong_kind",
            "not_recordable",
            "wrong_module",
            "not_enrolled",
            "already_decided",
            # A URL that JSON Schema's `uri` format admits but no server can be reached at.
            "invalid_url",
        }
    )

    def ready(self) -> None:
        from integrations import schema, signals  # noqa: F401 - the OAuth2 scheme, listeners
