from django.urls import path

from tcx.exchange import views

app_name = "exchange"
urlpatterns = [
    path("", views.inbox_view, name="inbox"),
    path("new/", views.compose_view, name="compose"),
    path("<int:exchange_id>/", views.thread_view, name="thread"),
    path("<int:exchange_id>/reply/", views.reply_view, name="reply"),
    path("<int:exchange_id>/acknowledge/", views.acknowledge_view, name="acknowledge"),
    path("<int:exchange_id>/assign/", views.assign_view, name="assign"),
    path("<int:exchange_id>/close/", views.close_view, name="close"),
    path("<int:exchange_id>/forward/", views.forward_view, name="forward"),
    path("attachments/<int:attachment_id>/", views.attachment_view, name="attachment"),
    path("forwards/", views.forward_list_view, name="forwards"),
    path("forwards/<int:forward_id>/decision/", views.forward_decision_view, name="forward_decision"),
    path("badge/nav/", views.nav_badge_view, name="nav_badge"),
    path("measures/", views.measures_view, name="measures"),
]
