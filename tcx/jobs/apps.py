from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "tcx.jobs"
    verbose_name = _("Background jobs")

    def ready(self) -> None:
        # Each app registers its task kinds in its own ``tasks.py``: importing them here means
        # every kind is known to a worker, a request and a command before the first job runs.
        autodiscover_modules("tasks")
