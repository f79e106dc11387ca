from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _audit_checkpoints_of_this_test(settings):
    """Each test's audit chain starts again from #1 (its database is rolled back or flushed):
    its signed checkpoints go to a file of its own, or a later test's chain would not match them."""
    import uuid

    settings.TCX_AUDIT_CHECKPOINT_FILE = str(settings.DATA_DIR / "audit" / f"{uuid.uuid4().hex}.jsonl")


@pytest.fixture
def world(db):
    """The personas of STYLE.md §10 in agencies A and B, a partner and the Secretariat."""
    from tcx.testing import build_world

    return build_world()


@pytest.fixture
def page():
    """A headless Chromium page (Debian's chromium through Playwright)."""
    from tcx.testing_browser import chromium_page

    yield from chromium_page()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None):
    """Tests that commit (the browser tests) end with a flush of every table, and the audit
    log's triggers refuse deletes. Lift them for the flush of the throw-away test database only,
    put them back before the next test, and seed the reference data again."""
    transactional = item.get_closest_marker("django_db") and item.get_closest_marker("django_db").kwargs.get(
        "transaction"
    )
    if not transactional:
        yield
        return
    from django.db import connection
    from pytest_django.plugin import blocking_manager_key

    from tcx.audit.migrations import _triggers

    blocker = item.config.stash[blocking_manager_key]
    with blocker.unblock(), connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER IF EXISTS audit_event_no_update")
            cursor.execute("DROP TRIGGER IF EXISTS audit_event_no_delete")
        else:
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
    yield
    if nextitem is None:  # the session is over: the test database is gone, nothing to restore
        return
    with blocker.unblock():
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                for statement in _triggers.SQLITE:
                    cursor.execute(statement)
            else:
                cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")
        # The flush also removed the reference data the migrations seed; the next test expects it.
        from tcx.organisations.models import Country, CrimeArea, Organisation, SharingGroup
        from tcx.organisations.reference import seed_reference_data

        seed_reference_data(Country, Organisation, SharingGroup, CrimeArea)
