from __future__ import annotations

from tcx.testing import Case

CASES: list[Case] = []
