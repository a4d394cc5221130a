from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Rapports"
    # Validation codes of this app's rules that a schema cannot state (api.errors).
    # A report's period that ends before it starts.
    rule_codes = frozenset({"invalid_period"})
