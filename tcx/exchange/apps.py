from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "tcx.exchange"
    verbose_name = "Secure exchange"
