from django.apps import AppConfig


class TrainingConfig(AppConfig):
    """Training sessions, enrolments and completions."""

    name = "training"
    verbose_name = "Formations"
