from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "tcx.api"
    verbose_name = "API plumbing"
