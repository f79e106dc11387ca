from django.apps import AppConfig


class PolicyConfig(AppConfig):
    name = "tcx.policy"
    verbose_name = "Sharing policy"
