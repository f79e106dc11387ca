from django.urls import include, path

from tcx.api.urls import api
from tcx.kernel.routes import authenticated_by_the_api

urlpatterns = [
    path("api/v1/", authenticated_by_the_api(api.urls)),
    path("accounts/", include("tcx.accounts.urls")),
    path("organisations/", include("tcx.organisations.urls")),
    path("audit/", include("tcx.audit.urls")),
    path("records/", include("tcx.records.urls")),
    path("exchange/", include("tcx.exchange.urls")),
    path("roadmap/", include("tcx.roadmap.urls")),
    path("notifications/", include("tcx.notifications.urls")),
    path("jobs/", include("tcx.jobs.urls")),
    path("", include("tcx.web.urls")),
]

handler400 = "tcx.web.views.bad_request"
handler404 = "tcx.web.views.not_found"
handler403 = "tcx.web.views.not_found"
handler500 = "tcx.web.views.server_error"
