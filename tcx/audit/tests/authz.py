from __future__ import annotations

from tcx.testing import PERSONAS, Case

CASES = [
    Case("audit:events"),
    Case("api:list_events"),
    Case("api:verify_chain", method="POST", default=403, expect={"operator": 200, "anonymous": 401}),
]
assert "operator" in PERSONAS
