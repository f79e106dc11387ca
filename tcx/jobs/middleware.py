"""On the embedded default, a request's own long jobs (an import from the page) run once its
response has been sent: the page that follows the job is shown at once, and no other thread or
job is started — the request runs its own job and nothing else."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase

from tcx.jobs import runner, services


class RunOwnJobsAfterResponse:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        token = services.after_response.set([])
        try:
            response = self.get_response(request)
            ids = list(services.after_response.get() or [])
        finally:
            services.after_response.reset(token)
        if ids:
            # run by the server once the body is sent (WSGI's close()), in this request's thread
            response._resource_closers.append(lambda: runner.run_ids(ids))  # type: ignore[attr-defined]
        return response
