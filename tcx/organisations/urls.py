from django.urls import path

from tcx.organisations import views

app_name = "organisations"
urlpatterns = [
    path("", views.directory_view, name="directory"),
    path("<int:organisation_id>/", views.organisation_detail_view, name="detail"),
    path("groups/", views.group_list_view, name="groups"),
    path("groups/<slug:slug>/", views.group_detail_view, name="group_detail"),
    path("new/", views.organisation_create_view, name="create"),
    path("<int:organisation_id>/edit/", views.organisation_edit_view, name="edit"),
    path("changes/", views.organisation_change_list_view, name="changes"),
    path("changes/<int:change_id>/decision/", views.organisation_change_decide_view, name="change_decide"),
    path("crime-areas/", views.crime_area_list_view, name="crime_areas"),
    path("crime-areas/<slug:code>/edit/", views.crime_area_edit_view, name="crime_area_edit"),
]
