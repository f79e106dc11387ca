from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "tcx.notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        # Each app declares its kinds in its own ``notifications.py`` (or in its ready()); importing
        # them here means every kind is known before the first request or command.
        autodiscover_modules("notifications")
