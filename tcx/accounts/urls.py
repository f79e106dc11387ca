from django.urls import path

from tcx.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("mfa/", views.mfa_view, name="mfa"),
    path("logout/", views.logout_view, name="logout"),
    path("users/", views.user_list_view, name="users"),
    path("users/new/", views.user_create_view, name="user_create"),
    path("users/<int:user_id>/", views.user_edit_view, name="user_edit"),
    path("users/<int:user_id>/reset-mfa/", views.user_mfa_reset_view, name="user_mfa_reset"),
    path("users/<int:user_id>/enrolment-code/", views.user_enrolment_code_view, name="user_enrolment_code"),
    path("tokens/", views.token_list_view, name="tokens"),
    path("tokens/<int:token_id>/revoke/", views.token_revoke_view, name="token_revoke"),
]
