from django.apps import AppConfig


class DeclarationsConfig(AppConfig):
    name = "registry.declarations"
    label = "declarations"
    verbose_name = "Models and provenance declarations"
