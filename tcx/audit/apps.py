from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "tcx.audit"
    verbose_name = "Audit log"
