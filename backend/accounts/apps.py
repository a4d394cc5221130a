from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Logins and roles."""

    name = "accounts"
    verbose_name = "Comptes"
