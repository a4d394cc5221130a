from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo data set of `make run` (`manage.py load_demo`)."""

    name = "demo"
    verbose_name = "Démo"
