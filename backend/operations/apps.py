from django.apps import AppConfig


class OperationsConfig(AppConfig):
    """Running an installation: backups and their restore check (`manage.py backup`,
    `restore_check`)."""

    name = "operations"
    verbose_name = "Exploitation"
