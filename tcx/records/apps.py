from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "tcx.records"
    verbose_name = "Subject records, cross-matching, hits and releases"
