from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class AccountsConfig(AppConfig):
    """Logins and roles."""

    name = "accounts"
    verbose_name = "Comptes"
    # Validation codes of this app's rules that a schema cannot state (api.errors).
    rule_codes = frozenset(
        {
            # Django's password policy (common, similar to the username, all digits, short).
            "password_too_common",
            "password_too_similar",
            "password_entirely_numeric",
            "password_too_short",
            "invalid_token",
            # A field given at creation only (a login's password, set later only with a token).
            "read_only",
            "wrong_kind",
            "required_for_role",
            "not_for_role",
        }
    )

    def ready(self) -> None:
        from accounts import receivers  # noqa: F401 - connects them


class AdminConfig(admin_apps.AdminConfig):
    """Django's admin, on a site whose login pauses after repeated failures."""

    default = False
    default_site = "accounts.admin_site.AdminSite"
