from django.urls import path

from tcx.organisations import views

app_name = "organisations"
urlpatterns = [
    path("", views.directory_view, name="directory"),
    path("<int:organisation_id>/", views.organisation_detail_view, name="detail"),
    path("groups/", views.group_list_view, name="groups"),
    path("groups/<slug:slug>/", views.group_detail_view, name="group_detail"),
    path("crime-areas/", views.crime_area_list_view, name="crime_areas"),
]
