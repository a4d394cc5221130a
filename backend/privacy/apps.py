from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    """A person's rights over their data: a copy of everything held, and erasure."""

    name = "privacy"
    verbose_name = "Données personnelles"
