"""Hot pages keep a bounded number of queries, and the node stores its data where it says."""

from __future__ import annotations

import sqlite3
import subprocess
import sys

import pytest
from django.test import Client

from tcx.testing import sign_in


@pytest.mark.parametrize(
    ("persona", "url", "budget"),
    [
        # operational personas: + 5 for the exchange panel (policy groups, counts, notifications)
        ("a_officer", "/", 19),
        ("a_supervisor", "/", 21),
        ("a_admin", "/", 16),
        ("operator", "/", 16),
        ("a_officer", "/organisations/", 10),
        ("a_officer", "/api/v1/organisations?limit=100", 10),
        ("a_supervisor", "/audit/", 16),
    ],
)
def test_hot_pages_query_count(
    world, django_assert_max_num_queries, persona: str, url: str, budget: int
) -> None:
    client = sign_in(Client(), world.users[persona])
    client.get(url)  # warm the session
    with django_assert_max_num_queries(budget):
        assert client.get(url).status_code == 200


def test_embedded_database_runs_in_wal_mode_under_the_data_dir(tmp_path) -> None:
    env = {"TCX_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "-m", "tcx", "migrate", "--noinput"],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    database = tmp_path / "tcx.sqlite3"
    assert database.exists() and (tmp_path / "secret.key").exists()
    assert oct((tmp_path / "secret.key").stat().st_mode)[-3:] == "600"
    with sqlite3.connect(database) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        triggers = {
            row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='trigger'")
        }
    assert {"audit_event_no_update", "audit_event_no_delete"} <= triggers
