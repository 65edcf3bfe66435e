from django.apps import AppConfig


class LabelsConfig(AppConfig):
    name = "registry.labels"
    label = "labels"
    verbose_name = "Public register and labels"
