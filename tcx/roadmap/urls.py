from django.urls import path

from tcx.roadmap import views

app_name = "roadmap"
urlpatterns = [
    path("", views.roadmap_index_view, name="index"),
    path("countries/<str:code>/", views.country_view, name="country"),
    path("lines/<int:line_id>/", views.line_detail_view, name="line"),
    path("lines/<int:line_id>/progress/", views.progress_view, name="progress"),
    path("lines/<int:line_id>/edit/", views.line_edit_view, name="line_edit"),
    path("lines/<int:line_id>/drop/", views.line_drop_view, name="line_drop"),
    path("lines/<int:line_id>/milestones/", views.milestone_add_view, name="milestone_add"),
    path("milestones/<int:milestone_id>/", views.milestone_edit_view, name="milestone_edit"),
    path("milestones/<int:milestone_id>/remove/", views.milestone_remove_view, name="milestone_remove"),
    path("plan/", views.plan_upload_view, name="plan_upload"),
    path("meetings/", views.meeting_list_view, name="meetings"),
    path("meetings/new/", views.meeting_create_view, name="meeting_create"),
    path("meetings/<int:meeting_id>/", views.meeting_detail_view, name="meeting"),
    path("meetings/<int:meeting_id>/edit/", views.meeting_edit_view, name="meeting_edit"),
    path("meetings/<int:meeting_id>/decisions/", views.decision_create_view, name="decision_create"),
    path("meetings/<int:meeting_id>/report.pdf", views.meeting_report_pdf_view, name="report_pdf"),
    path("meetings/<int:meeting_id>/report.xlsx", views.meeting_report_xlsx_view, name="report_xlsx"),
    path("meetings/<int:meeting_id>/documents/", views.meeting_document_view, name="meeting_document"),
    path("documents/<int:document_id>/", views.document_download_view, name="document"),
    path("progress/<int:update_id>/evidence/", views.evidence_download_view, name="evidence"),
    path("programmes/", views.programme_list_view, name="programmes"),
    path("programmes/<int:programme_id>/", views.programme_detail_view, name="programme"),
    path("programmes/<int:programme_id>/nominate/", views.nominate_view, name="nominate"),
    path(
        "nominations/<int:nomination_id>/decision/",
        views.nomination_decision_view,
        name="nomination_decision",
    ),
    path("equipment/", views.equipment_view, name="equipment"),
]
