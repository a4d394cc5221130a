from django.apps import AppConfig


class ApiConfig(AppConfig):
    """Cross-cutting plumbing: errors, pagination, permissions, schema."""

    name = "api"
    verbose_name = "API"

    def ready(self) -> None:
        from django.db.models import Field, ForeignObject

        from api import authentication
        from common.sql import AnyOf

        authentication.connect()
        # Related fields have lookups of their own, which a lookup of Field's does not reach.
        Field.register_lookup(AnyOf)
        ForeignObject.register_lookup(AnyOf)
