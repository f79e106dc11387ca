from django.apps import AppConfig


class RoadmapConfig(AppConfig):
    name = "tcx.roadmap"
    verbose_name = "Roadmap, capacity building and equipment"
