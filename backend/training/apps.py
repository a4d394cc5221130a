from django.apps import AppConfig


class TrainingConfig(AppConfig):
    """Training sessions, enrolments and completions."""

    name = "training"
    verbose_name = "Formations"
    # Validation codes of this app's rules that a schema cannot state (api.errors).
    rule_codes = frozenset(
        {
            "duplicate",
            "inactive",
            # Rules across fields or against the current state.
            "module_or_path",
            "above_capacity",
            "below_enrolled",
            "ends_before_start",
            "in_future",
            "required_for_role",
            "not_open",
            "session_started",
            "not_recordable",
            "wrong_module",
            "not_enrolled",
            "invalid_transition",
            "already_cancelled",
            "already_voided",
        }
    )

    def ready(self) -> None:
        from people import models as people_models
        from training import selectors

        # `Provider.objects.visible_to` reads the participants a trainer or a partner
        # centre sees with this read.
        people_models.set_participants_read(selectors.participant_ids)
