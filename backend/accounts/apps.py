from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class AccountsConfig(AppConfig):
    """Logins and roles."""

    name = "accounts"
    verbose_name = "Comptes"


class AdminConfig(admin_apps.AdminConfig):
    """Django's admin, on a site whose login pauses after repeated failures."""

    default = False
    default_site = "accounts.admin_site.AdminSite"
