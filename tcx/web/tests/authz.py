from __future__ import annotations

from tcx.testing import Case

# The API's own document and docs page describe the interface, not data: open to everyone.
CASES = [
    Case("web:home"),
    Case("api:openapi-json", expect={"anonymous": 200}),
    Case("api:openapi-view", expect={"anonymous": 200}),
    Case("api:api-root", default=404, expect={"anonymous": 404}),
]
