from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "tcx.web"
    verbose_name = "Web shell"
