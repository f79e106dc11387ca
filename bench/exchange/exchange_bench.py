"""Exchange benchmark (issue 5): messages created per second through the API, and the inbox page
render time with 100,000 exchanges (100,000 messages) in the database, on SQLite and PostgreSQL.

    .venv/bin/python bench/exchange/exchange_bench.py --db sqlite
    .venv/bin/python bench/exchange/exchange_bench.py --db postgresql

Each run uses a fresh database (a temporary SQLite file, or a throw-away PostgreSQL database on
127.0.0.1:5432) and prints one JSON line of figures. The API calls and page renders go through
the full Django stack in process (test client: middleware, auth, policy, audit), not over HTTP.

``--keep NAME`` keeps the database (``/tmp/tcx-bench-exchange-NAME`` or the PostgreSQL database
``tcx_bench_exchange_NAME``) and reuses it on the next run with the same name: pending migrations
are applied and only the missing exchanges are loaded (for profiling; ``--sql`` prints the SQL
of each page with its timings).
"""

from __future__ import annotations

import argparse
import atexit
import datetime as dt
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

PG_SERVER = "postgresql://postgres@127.0.0.1:5432"

PAGES = {
    "inbox": "/exchange/",
    "inbox_overdue_urgent": "/exchange/?box=inbox&priority=urgent&overdue=on",
    "inbox_country_vn_all": "/exchange/?box=all&country=VN",
    "outbox": "/exchange/?box=outbox",
    "inbox_search_text_common": "/exchange/?box=inbox&q=phone",
    "inbox_search_text_rare": "/exchange/?box=inbox&q=912345678",
    "inbox_search_reference": "/exchange/?box=all&q=ZZ-2026-10000500",
    "inbox_search_reference_prefix": "/exchange/?box=all&q=ZZ-2026-1000050",
}


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _database(args: argparse.Namespace) -> str | None:
    """Point Django at the benchmark database; return the PostgreSQL database name to drop."""
    if args.keep:
        work = Path(tempfile.gettempdir()) / f"tcx-bench-exchange-{args.keep}"
        work.mkdir(exist_ok=True)
    else:
        work = Path(tempfile.mkdtemp(prefix="tcx-bench-exchange-"))
        atexit.register(shutil.rmtree, work, ignore_errors=True)
    os.environ["TCX_DATA_DIR"] = str(work)
    if args.db != "postgresql":
        return None
    import psycopg

    db_name = f"tcx_bench_exchange_{args.keep or os.getpid()}"
    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db_name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{db_name}"')
    os.environ["TCX_DATABASE_URL"] = f"{PG_SERVER}/{db_name}"
    return None if args.keep else db_name


def _world() -> Any:
    from tcx.accounts.models import User
    from tcx.testing import World, build_world

    if not User.objects.filter(username="a_officer").exists():
        return build_world()
    from tcx.organisations.models import Organisation

    users = {u.username: u for u in User.objects.all()}
    org = Organisation.objects.get
    return World(
        org(name="Viet Nam Ministry of Public Security"),
        org(name="Royal Thai Police"),
        org(name="Cambodian National Police"),
        org(name="Japan National Police Agency"),
        org(name="ASEAN Secretariat"),
        users,
    )


def measure_sends(world: Any, n: int) -> dict[str, Any]:
    """Messages created per second through the API (each: validation, policy, reference number,
    participants, message, audit event, one transaction)."""
    from django.test import Client

    from tcx.testing import sign_in

    client = sign_in(Client(), world.users["a_officer"])
    body = {
        "subject": "Identify the holders of these phone numbers",
        "body": "+84 912 345 678\n+855 12 345 678",
        "recipients": [world.agency_b.pk],
        "copy_recipients": [world.agency_c.pk],
        "priority": "urgent",
        "policy": {"handling_codes": ["H2"], "evaluation_source": "B", "evaluation_information": "2"},
    }
    payload = json.dumps(body)
    latencies = []
    started = time.perf_counter()
    for _ in range(n):
        t0 = time.perf_counter()
        response = client.post("/api/v1/exchange/exchanges", payload, content_type="application/json")
        latencies.append(time.perf_counter() - t0)
        assert response.status_code == 201, response.content
    elapsed = time.perf_counter() - started
    if not n:
        return {}
    return {
        "api_sends": n,
        "api_messages_per_s": round(n / elapsed, 1),
        "api_send_p50_ms": round(statistics.median(latencies) * 1000, 1),
        "api_send_p95_ms": round(_pct(latencies, 0.95) * 1000, 1),
    }


def bulk_load(world: Any, total: int) -> float:
    """Load exchanges up to ``total`` in bulk: between A, B and C in every direction, about half
    of them in B's inbox, with participants, messages and audiences; return the seconds taken."""
    from django.db import transaction
    from django.utils import timezone

    from tcx.exchange.models import Exchange, Message, Participant

    # the exchange's columns the participant rows copy (per-participant inbox order and state)
    denormalised = {f.name for f in Participant._meta.fields} & {"updated_at", "status", "deadline_at"}
    rnd = random.Random(5)
    orgs = [world.agency_a, world.agency_b, world.agency_c]
    senders = {world.agency_a.pk: world.users["a_officer"], world.agency_b.pk: world.users["b_officer"]}
    now = timezone.now()
    to_load = max(0, total - Exchange.objects.count())
    t0 = time.perf_counter()
    chunk = 5000
    seq = 10_000_000 + Exchange.objects.filter(reference__startswith="ZZ-").count()
    for start in range(0, to_load, chunk):
        n = min(chunk, to_load - start)
        rows = []
        pairs = []
        for _i in range(n):
            owner = rnd.choice([world.agency_a, world.agency_a, world.agency_c])
            recipient = rnd.choice([o for o in orgs if o.pk != owner.pk])
            created = now - dt.timedelta(minutes=rnd.randint(0, 60 * 24 * 365))
            seq += 1
            rows.append(
                Exchange(
                    owner=owner,
                    reference=f"ZZ-2026-{seq}",
                    subject=f"Request {seq} about phone +84 9{rnd.randint(10000000, 99999999)}",
                    priority=rnd.choice(["urgent", "normal", "routine"]),
                    sender=senders.get(owner.pk, world.users["a_officer"]),
                    created_at=created,
                    updated_at=created,
                    deadline_at=created + dt.timedelta(days=7),
                )
            )
            pairs.append(recipient)
        with transaction.atomic():
            created_rows = Exchange.objects.bulk_create(rows)
            if created_rows[0].pk is None:  # SQLite before returning ids: read them back
                by_ref = {
                    r.reference: r for r in Exchange.objects.filter(reference__in=[r.reference for r in rows])
                }
                created_rows = [by_ref[r.reference] for r in rows]
            Participant.objects.bulk_create(
                [
                    Participant(
                        exchange=e,
                        organisation=o,
                        **{name: getattr(e, name) for name in denormalised},
                    )
                    for e, o in zip(created_rows, pairs, strict=True)
                ]
            )
            Exchange.audience_organisations.through.objects.bulk_create(
                [
                    Exchange.audience_organisations.through(exchange_id=e.pk, organisation_id=o.pk)
                    for e, o in zip(created_rows, pairs, strict=True)
                ]
            )
            messages = Message.objects.bulk_create(
                [
                    Message(
                        exchange=e,
                        owner_id=e.owner_id,
                        author=e.sender,
                        body=f"{e.subject}. Please answer.",
                        created_at=e.created_at,
                    )
                    for e in created_rows
                ]
            )
            if messages[0].pk is None:
                by_exchange = {m.exchange_id: m for m in Message.objects.filter(exchange__in=created_rows)}
                messages = [by_exchange[e.pk] for e in created_rows]
            Message.audience_organisations.through.objects.bulk_create(
                [
                    Message.audience_organisations.through(message_id=m.pk, organisation_id=o.pk)
                    for m, o in zip(messages, pairs, strict=True)
                ]
            )
    return time.perf_counter() - t0


def measure_pages(world: Any, renders: int, *, show_sql: bool = False) -> dict[str, Any]:
    """The inbox page as agency B's officer: full page, then filters and search."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from tcx.testing import sign_in

    figures: dict[str, Any] = {}
    reader = sign_in(Client(), world.users["b_officer"])
    for name, url in PAGES.items():
        with CaptureQueriesContext(connection) as queries:
            assert reader.get(url).status_code == 200  # warm up
        if show_sql:
            print(f"--- {name} {url}: {len(queries)} queries", file=sys.stderr)
            for q in queries:
                print(f"  {float(q['time']) * 1000:7.1f} ms  {q['sql'][:2000]}", file=sys.stderr)
        times = []
        for _ in range(renders):
            t0 = time.perf_counter()
            response = reader.get(url)
            times.append(time.perf_counter() - t0)
            assert response.status_code == 200
        if times:
            figures[f"{name}_p50_ms"] = round(statistics.median(times) * 1000, 1)
            figures[f"{name}_p95_ms"] = round(_pct(times, 0.95) * 1000, 1)
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument(
        "--messages", type=int, default=100_000, help="exchanges loaded before the inbox is timed"
    )
    parser.add_argument("--api-sends", type=int, default=300)
    parser.add_argument("--renders", type=int, default=60)
    parser.add_argument("--keep", default="", help="keep and reuse the database under this name")
    parser.add_argument("--sql", action="store_true", help="print each page's SQL and timings (stderr)")
    args = parser.parse_args()

    db_name = _database(args)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tcx.config.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    settings.ALLOWED_HOSTS = ["*"]
    try:
        call_command("migrate", verbosity=0)
        from tcx.exchange import selectors
        from tcx.exchange.models import Exchange, Message

        world = _world()
        figures: dict[str, Any] = {"db": args.db, "messages_loaded": args.messages}
        figures.update(measure_sends(world, args.api_sends))
        figures["bulk_load_s"] = round(bulk_load(world, args.messages), 1)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        figures["exchanges_in_db"] = Exchange.objects.count()
        figures["messages_in_db"] = Message.objects.count()
        figures["visible_in_b_inbox"] = selectors.exchange_list(
            actor=world.users["b_officer"], filters=selectors.ExchangeFilters(box="inbox")
        ).count()
        figures.update(measure_pages(world, args.renders, show_sql=args.sql))
        print(json.dumps(figures))
    finally:
        connection.close()
        if db_name:
            import psycopg

            with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')
    return 0


if __name__ == "__main__":
    sys.exit(main())
