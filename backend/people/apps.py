from django.apps import AppConfig


class PeopleConfig(AppConfig):
    """Organisations, businesses, providers and trainers."""

    name = "people"
    verbose_name = "Personnes et structures"
