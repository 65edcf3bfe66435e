from django.apps import AppConfig


class ProvidersConfig(AppConfig):
    name = "registry.providers"
    label = "providers"
    verbose_name = "Provider organisations"
