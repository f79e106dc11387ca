from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "tcx.organisations"
    verbose_name = "Organisations and reference data"

    def ready(self) -> None:
        from tcx.organisations.audiences import NAMED_ORGANISATIONS, SHARING_GROUPS
        from tcx.policy.audiences import register_audience

        register_audience(NAMED_ORGANISATIONS)
        register_audience(SHARING_GROUPS)
