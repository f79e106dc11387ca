from __future__ import annotations

from tcx.testing import NOTHING_CHANGES, PERSONAS, Case

CASES = [
    Case("audit:events"),
    Case("api:list_events"),
    # verifying reads the chain (and records that it did, in the audit log)
    Case(
        "api:verify_chain",
        method="POST",
        default=403,
        expect={"operator": 200, "anonymous": 401},
        effect=NOTHING_CHANGES,
    ),
]
assert "operator" in PERSONAS
