from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "registry.exchange"
    label = "exchange"
    verbose_name = "Standards in and out"
