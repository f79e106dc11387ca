from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "tcx.organisations"
    verbose_name = "Organisations and reference data"
