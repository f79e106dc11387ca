from django.urls import path

from tcx.records import views

app_name = "records"
urlpatterns = [
    path("", views.record_list_view, name="list"),
    path("new/", views.record_create_view, name="create"),
    path("import/", views.record_import_view, name="import"),
    path("import/<int:run_id>/", views.record_import_run_view, name="import_run"),
    path("export/", views.record_export_view, name="export"),
    path("<int:record_id>/", views.record_detail_view, name="detail"),
    path("<int:record_id>/edit/", views.record_edit_view, name="edit"),
    path("<int:record_id>/archive/", views.record_archive_view, name="archive"),
    path("<int:record_id>/links/", views.record_link_view, name="link_create"),
    path("hits/", views.hit_list_view, name="hits"),
    path("hits/<int:match_id>/release/", views.release_request_view, name="release_request"),
    path("hits/<int:match_id>/decision/", views.match_decision_view, name="match_decision"),
    path("releases/", views.release_list_view, name="releases"),
    path("releases/<int:release_id>/decision/", views.release_decision_view, name="release_decision"),
]
