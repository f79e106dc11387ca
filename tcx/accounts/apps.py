from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "tcx.accounts"
    verbose_name = "Accounts"
