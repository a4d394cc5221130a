from django.apps import AppConfig


class ApiConfig(AppConfig):
    """Cross-cutting plumbing: errors, pagination, permissions, schema."""

    name = "api"
    verbose_name = "API"
