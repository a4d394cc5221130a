from django.apps import AppConfig


class AuditConfig(AppConfig):
    """Who changed what, when: an append-only trail of writes to the records that matter."""

    name = "audit"
    verbose_name = "Journal"

    def ready(self) -> None:
        from audit import receivers

        receivers.connect()
