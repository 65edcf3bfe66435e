from django.apps import AppConfig


class ServiceConfig(AppConfig):
    name = "registry.service"
    label = "service"
    verbose_name = "Service pages and feedback"
