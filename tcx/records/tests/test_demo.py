"""The demo node shows hits: a hidden record, a shared one, a wallet held by two agencies."""

from __future__ import annotations

import pytest

from tcx.accounts.selectors import user_by_username
from tcx.jobs import runner as jobs
from tcx.records import selectors
from tcx.records.models import Match, Record
from tcx.web.demo import demo_seed


@pytest.mark.django_db
def test_demo_records_raise_hits_and_reseeding_duplicates_nothing(django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        demo_seed()
    jobs.run_pending()
    counts = (Record.objects.count(), Match.objects.count())
    with django_capture_on_commit_callbacks(execute=True):
        demo_seed()
    jobs.run_pending()
    assert (Record.objects.count(), Match.objects.count()) == counts
    officer = user_by_username(username="vn.officer")
    hits = selectors.hit_list(actor=officer)
    holders = {h.holder for h in hits if h.is_hit}
    assert "an agency of Thailand" in holders or "an agency of Cambodia" in holders
    assert any(h.own.schema == "CryptoWallet" for h in hits)
    analyst = user_by_username(username="vn.analyst")
    shared = [h for h in selectors.hit_list(actor=analyst) if not h.is_hit]
    assert shared and shared[0].other.caption == "Nguyễn Thị Hoa"
