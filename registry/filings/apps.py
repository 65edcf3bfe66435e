from django.apps import AppConfig


class FilingsConfig(AppConfig):
    name = "registry.filings"
    label = "filings"
    verbose_name = "Filings"
