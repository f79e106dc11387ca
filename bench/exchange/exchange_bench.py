"""Exchange benchmark (issue 5): messages created per second through the API, and the inbox page
render time with 100,000 exchanges (100,000 messages) in the database, on SQLite and PostgreSQL.

    .venv/bin/python bench/exchange/exchange_bench.py --db sqlite
    .venv/bin/python bench/exchange/exchange_bench.py --db postgresql

Each run uses a fresh database (a temporary SQLite file, or a throw-away PostgreSQL database on
127.0.0.1:5432) and prints one JSON line of figures. The API calls and page renders go through
the full Django stack in process (test client: middleware, auth, policy, audit), not over HTTP.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument(
        "--messages", type=int, default=100_000, help="exchanges loaded before the inbox is timed"
    )
    parser.add_argument("--api-sends", type=int, default=300)
    parser.add_argument("--renders", type=int, default=60)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="tcx-bench-exchange-"))
    os.environ["TCX_DATA_DIR"] = str(work)
    db_name = None
    if args.db == "postgresql":
        import psycopg

        db_name = f"tcx_bench_exchange_{os.getpid()}"
        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{db_name}"')
        os.environ["TCX_DATABASE_URL"] = f"postgresql://postgres@127.0.0.1:5432/{db_name}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tcx.config.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test import Client
    from django.utils import timezone

    settings.ALLOWED_HOSTS = ["*"]
    try:
        call_command("migrate", verbosity=0)
        from tcx.exchange.models import Exchange, Message, Participant
        from tcx.testing import build_world, sign_in

        world = build_world()
        figures: dict[str, object] = {"db": args.db, "messages_loaded": args.messages}

        # 1. Messages created per second through the API (each: validation, policy, reference
        #    number, participants, message, audit event, one transaction).
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
        for _ in range(args.api_sends):
            t0 = time.perf_counter()
            response = client.post("/api/v1/exchange/exchanges", payload, content_type="application/json")
            latencies.append(time.perf_counter() - t0)
            assert response.status_code == 201, response.content
        elapsed = time.perf_counter() - started
        figures["api_sends"] = args.api_sends
        figures["api_messages_per_s"] = round(args.api_sends / elapsed, 1)
        figures["api_send_p50_ms"] = round(statistics.median(latencies) * 1000, 1)
        figures["api_send_p95_ms"] = round(_pct(latencies, 0.95) * 1000, 1)

        # 2. Load the rest in bulk: exchanges between A, B and C in every direction, half of
        #    them visible to B (B's inbox), with their participants, messages and audiences.
        rnd = random.Random(5)
        orgs = [world.agency_a, world.agency_b, world.agency_c]
        senders = {world.agency_a.pk: world.users["a_officer"], world.agency_b.pk: world.users["b_officer"]}
        now = timezone.now()
        to_load = max(0, args.messages - Exchange.objects.count())
        t0 = time.perf_counter()
        chunk = 5000
        seq = 10_000_000
        for start in range(0, to_load, chunk):
            n = min(chunk, to_load - start)
            rows = []
            pairs = []
            for _i in range(n):
                owner = rnd.choice([world.agency_a, world.agency_a, world.agency_c])
                recipient = rnd.choice([o for o in orgs if o.pk != owner.pk])
                created = now - __import__("datetime").timedelta(minutes=rnd.randint(0, 60 * 24 * 365))
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
                        deadline_at=created + __import__("datetime").timedelta(days=7),
                    )
                )
                pairs.append(recipient)
            with transaction.atomic():
                created_rows = Exchange.objects.bulk_create(rows)
                if created_rows[0].pk is None:  # SQLite before returning ids: read them back
                    created_rows = list(Exchange.objects.filter(reference__in=[r.reference for r in rows]))
                    by_ref = {r.reference: r for r in created_rows}
                    created_rows = [by_ref[r.reference] for r in rows]
                Participant.objects.bulk_create(
                    [
                        Participant(exchange=e, organisation=o)
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
                    messages = list(Message.objects.filter(exchange__in=created_rows))
                    by_exchange = {m.exchange_id: m for m in messages}
                    messages = [by_exchange[e.pk] for e in created_rows]
                Message.audience_organisations.through.objects.bulk_create(
                    [
                        Message.audience_organisations.through(message_id=m.pk, organisation_id=o.pk)
                        for m, o in zip(messages, pairs, strict=True)
                    ]
                )
        figures["bulk_load_s"] = round(time.perf_counter() - t0, 1)
        if args.db == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        else:
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        figures["exchanges_in_db"] = Exchange.objects.count()
        figures["messages_in_db"] = Message.objects.count()

        # 3. The inbox page as agency B's officer: full page, then filters and search.
        reader = sign_in(Client(), world.users["b_officer"])
        from tcx.exchange import selectors

        figures["visible_in_b_inbox"] = selectors.exchange_list(
            actor=world.users["b_officer"], filters=selectors.ExchangeFilters(box="inbox")
        ).count()
        pages = {
            "inbox": "/exchange/",
            "inbox_overdue_urgent": "/exchange/?box=inbox&priority=urgent&overdue=on",
            "inbox_country_th_outbox": "/exchange/?box=all&country=VN",
            "inbox_search_text": "/exchange/?box=inbox&q=phone",
            "inbox_search_reference": "/exchange/?box=all&q=ZZ-2026-10000500",
        }
        for name, url in pages.items():
            assert reader.get(url).status_code == 200  # warm up
            times = []
            for _ in range(args.renders):
                t0 = time.perf_counter()
                response = reader.get(url)
                times.append(time.perf_counter() - t0)
                assert response.status_code == 200
            figures[f"{name}_p50_ms"] = round(statistics.median(times) * 1000, 1)
            figures[f"{name}_p95_ms"] = round(_pct(times, 0.95) * 1000, 1)
        print(json.dumps(figures))
    finally:
        connection.close()
        if db_name:
            import psycopg

            with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')
    return 0


if __name__ == "__main__":
    sys.exit(main())
