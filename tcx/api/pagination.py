"""The one pagination of the API: limit/offset with both ends bounded.

Django Ninja's own class accepts any offset, and an offset past what the database's integers
hold (``offset=10**20``) was a 500. Here the offset has a declared maximum (in the OpenAPI
document too), and a request past it gets a 422 problem that names the limit."""

from __future__ import annotations

from django.conf import settings
from ninja import Field, Schema
from ninja import pagination as ninja_pagination

# Deeper than this, OFFSET scans cost more than any page is worth: narrow the list with filters.
MAX_OFFSET = 1_000_000


class LimitOffsetPagination(ninja_pagination.LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(
            settings.NINJA_PAGINATION_PER_PAGE,
            ge=1,
            le=settings.NINJA_PAGINATION_MAX_LIMIT,
            description=f"how many items, 1 to {settings.NINJA_PAGINATION_MAX_LIMIT}",
        )
        offset: int = Field(0, ge=0, le=MAX_OFFSET, description=f"items to skip, 0 to {MAX_OFFSET}")
