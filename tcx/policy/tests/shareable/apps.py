from django.apps import AppConfig


class ShareableTestConfig(AppConfig):
    name = "tcx.policy.tests.shareable"
    label = "policy_shareable"
