from django.apps import AppConfig


class ProgressConfig(AppConfig):
    """Self-assessments, current levels and each provider's progress."""

    name = "progress"
    verbose_name = "Progression"

    def ready(self) -> None:
        from progress import receivers

        receivers.connect()
