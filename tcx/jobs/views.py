"""The operator's view of the background job queue: what failed, why, and a retry."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tcx.jobs import selectors, services
from tcx.jobs.models import Job, JobStatus
from tcx.kernel.pages import actor_of, page
from tcx.policy.capabilities import Capability
from tcx.policy.rules import NotFound


@page(capability=Capability.OPERATE_PLATFORM)
def job_list_view(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    status = request.GET.get("status", JobStatus.FAILED)
    if status not in JobStatus.values:
        status = JobStatus.FAILED
    queryset = selectors.jobs(actor=actor, status=status)
    counts = selectors.counts(actor=actor)
    page = Paginator(queryset, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "jobs/list.html",
        {
            "page": page,
            "status": status,
            "statuses": [(value, label, counts[value]) for value, label in JobStatus.choices],
        },
    )


@require_POST
@page(capability=Capability.OPERATE_PLATFORM)
def job_retry_view(request: HttpRequest, job_id: int) -> HttpResponse:
    actor = actor_of(request)
    try:
        job = services.retry(job_id, actor=actor, request=request)
    except Job.DoesNotExist as exc:
        raise NotFound("not found") from exc
    except ValueError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Job %(id)s is queued again.") % {"id": job.pk})
    return redirect("jobs:list")
