"""Gunicorn configuration of `tcx serve` (``--config python:tcx.web.gunicorn_conf``; use it too
when running gunicorn by hand, as the load benchmark does).

Gunicorn writes ``Server: gunicorn`` on every response and has no setting to turn it off (27.0):
naming the server and its version only helps an attacker pick exploits. The method that writes
the status line and default headers is wrapped once, in the arbiter before workers fork, to
leave that header out."""

from __future__ import annotations

from typing import Any

from gunicorn.http import wsgi as _gunicorn_wsgi

_original_default_headers = _gunicorn_wsgi.Response.default_headers


def _default_headers_without_server(self: Any) -> list[str]:
    return [h for h in _original_default_headers(self) if not h.lower().startswith("server:")]


if getattr(_gunicorn_wsgi.Response.default_headers, "__name__", "") != "_default_headers_without_server":
    _gunicorn_wsgi.Response.default_headers = _default_headers_without_server

# Settings `tcx serve` does not pass on the command line.
accesslog = "-"
