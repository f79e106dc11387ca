"""Django's PostgreSQL backend, with a cheaper health check of a persistent connection.

Django checks a reused connection (``CONN_HEALTH_CHECKS``) once per request with ``SELECT 1``: a
round trip and a statement for PostgreSQL on every request, about 5 % of a request's time under
load. A connection the server ended — a restart, a terminated backend, an idle timeout — has
something to read on its socket (the server's FATAL message, or end of file), while a healthy idle
connection has nothing: so the socket is polled without waiting, and only a readable one gets
Django's ``SELECT 1`` (which then fails, and the connection is replaced before the request uses
it)."""

from __future__ import annotations

import select

from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self) -> bool:
        connection = self.connection
        if connection is None or connection.closed:
            return False
        try:
            readable, _, _ = select.select([connection.fileno()], [], [], 0)
        except (OSError, ValueError):
            return False
        if not readable:
            return True
        return bool(super().is_usable())
