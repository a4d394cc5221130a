from django.apps import AppConfig


class ProgressConfig(AppConfig):
    """Self-assessments, competency levels and each provider's progress."""

    name = "progress"
    verbose_name = "Progression"
    # Validation codes of this app's rules that a schema cannot state (api.errors).
    rule_codes = frozenset({"out_of_scale", "inactive", "in_future", "one_provider"})

    def ready(self) -> None:
        from progress import receivers

        receivers.connect()
