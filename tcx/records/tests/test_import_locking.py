"""Writes while a long import runs, on the embedded SQLite default (issue 12, finding 10): a
re-import used to update every changed record of a 5,000-row chunk in one transaction, holding
SQLite's write lock for longer than other writers wait, who then failed with "database is
locked" (a 500 on the pages and the API)."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import textwrap

import pytest
from django.db import connection

from tcx.policy.rules import Policy
from tcx.records import importing

ROWS = 150
IMPORT_OPTIONS = ["--mapping", "id=id,name=name", "--workers", "1"]
# A second process that writes records for as long as the import runs, each write waiting at
# most a second for the write lock, and the import leaving the lock free after each 0.2 s of
# writing (a web request waits 30 s and an import leaves the lock every 2 s; the import here has
# 150 rows where a real one has thousands: both are scaled down with it).
WRITER = textwrap.dedent(
    """
    import json, os, sys, time
    import django
    django.setup()
    from django.db import connection
    from tcx.accounts.selectors import user_by_username
    from tcx.policy.rules import Policy
    from tcx.records import services

    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout = 1000")
    actor = user_by_username(username="a_officer")
    importer = sys.argv[1]

    def importing():
        try:
            with open(f"/proc/{importer}/stat") as stat:
                return stat.read().rsplit(")", 1)[1].split()[0] != "Z"  # exited: a zombie
        except FileNotFoundError:
            return False

    done, failed = 0, []
    while importing():
        try:
            name = f"Written Meanwhile {done}"
            services.record_create(actor=actor, schema="Person", properties={"name": [name]}, policy=Policy())
            done += 1
        except Exception as exc:
            failed.append(f"{type(exc).__name__}: {exc}")
        time.sleep(0.05)
    print(json.dumps({"done": done, "failed": failed}))
    """
)


def _csv(path, suffix: str) -> None:
    path.write_text(
        "id,name\n" + "".join(f"P{i:04d},Person Number{i} {suffix}\n" for i in range(ROWS)), encoding="utf-8"
    )


def test_a_write_during_a_long_reimport_does_not_meet_a_locked_database(world, tmp_path) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's single write lock; PostgreSQL locks rows")
    first = tmp_path / "first.csv"
    _csv(first, "Tan")
    report = importing.import_file(
        actor=world.users["b_officer"], path=first, policy=Policy(), mapping={"id": "id", "name": "name"}
    )
    assert report.created == ROWS
    # the test database (in memory) copied to a file in WAL mode, as a real node's
    data = tmp_path / "data"
    data.mkdir()
    connection.ensure_connection()
    target = sqlite3.connect(data / "tcx.sqlite3")
    target.executescript("PRAGMA journal_mode=WAL;\n" + "\n".join(connection.connection.iterdump()))
    target.close()
    changed = tmp_path / "changed.csv"
    _csv(changed, "Lim")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tcx.config.settings",
        "TCX_DATA_DIR": str(data),
        "TCX_JOBS": "worker",
        "TCX_WRITE_HOLD_SECONDS": "0.2",
    }
    env.pop("TCX_DATABASE_URL", None)
    out, err = tmp_path / "import.out", tmp_path / "import.err"
    with out.open("w") as stdout, err.open("w") as stderr:
        importer = subprocess.Popen(
            [sys.executable, "-m", "tcx.cli", "import", str(changed), "--as", "b_officer", *IMPORT_OPTIONS],
            env=env,
            stdout=stdout,
            stderr=stderr,
        )
        writer = subprocess.run(
            [sys.executable, "-c", WRITER, str(importer.pid)],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        importer.wait()
    assert importer.returncode == 0, err.read_text()[-2000:]
    assert f"0 created, {ROWS} updated" in out.read_text()
    assert writer.returncode == 0, writer.stderr[-2000:]
    result = json.loads(writer.stdout.strip().splitlines()[-1])
    assert result["failed"] == [] and result["done"] >= 1
