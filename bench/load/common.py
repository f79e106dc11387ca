"""What the load bench and the fault bench share: the benchmark database on the local
PostgreSQL server, the seed, the server (``tcx serve``, gunicorn) and ``tcx worker`` as
child processes, the client, and the checks after a run (acknowledged writes present, nothing
duplicated, ``tcx audit verify``)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
PG_SERVER = "postgresql://postgres@127.0.0.1:5432"


class Bench:
    """One benchmark database and data directory, and the processes that serve them."""

    def __init__(self, db: str, port: int, keep: bool = False):
        self.db = db
        self.port = port
        self.keep = keep
        self.data_dir = Path(tempfile.gettempdir()) / f"{db}-data"
        self.seed_file = self.data_dir / "seed.json"
        self.server: subprocess.Popen[bytes] | None = None
        self.worker: subprocess.Popen[bytes] | None = None
        self.env = {
            **os.environ,
            "TCX_DATABASE_URL": f"{PG_SERVER}/{db}",
            "TCX_DATA_DIR": str(self.data_dir),
            "TCX_JOBS": "worker",
            "DJANGO_SETTINGS_MODULE": "tcx.config.settings",
            "PYTHONPATH": str(ROOT),
        }

    # --- database and seed -------------------------------------------------------------------
    def psql(self, sql: str, params: Any = None, db: str | None = None) -> list[tuple[Any, ...]]:
        import psycopg

        with psycopg.connect(f"{PG_SERVER}/{db or self.db}", autocommit=True) as conn:
            cursor = conn.execute(sql, params)  # type: ignore[arg-type]
            return cursor.fetchall() if cursor.description else []

    def prepare(self) -> dict[str, Any]:
        """A seeded database (reused with ``keep`` if it was seeded before)."""
        exists = self.psql("SELECT 1 FROM pg_database WHERE datname = %s", [self.db], db="postgres")
        if self.keep and exists and self.seed_file.exists():
            self.tcx("migrate", "--no-input", quiet=True)
            return json.loads(self.seed_file.read_text())
        if exists:
            self.psql(f'DROP DATABASE "{self.db}" WITH (FORCE)', db="postgres")
        self.psql(f'CREATE DATABASE "{self.db}"', db="postgres")
        import shutil

        shutil.rmtree(self.data_dir, ignore_errors=True)
        self.data_dir.mkdir(parents=True)
        started = time.monotonic()
        self.tcx("migrate", "--no-input", quiet=True)
        subprocess.run([sys.executable, HERE / "seed.py", "--out", self.seed_file], env=self.env, check=True)
        self.tcx("worker", "--once", quiet=True)  # match the seed before anything is measured
        self.psql("VACUUM ANALYZE")
        print(f"seeded in {time.monotonic() - started:.0f} s", file=sys.stderr)
        return json.loads(self.seed_file.read_text())

    def tcx(self, *args: str, quiet: bool = False, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(BIN / "tcx"), *args],
            env=self.env,
            check=check,
            text=True,
            stdout=subprocess.PIPE if quiet else None,
            stderr=subprocess.STDOUT if quiet else None,
        )

    # --- processes ---------------------------------------------------------------------------
    def start_server(self, serve_args: list[str]) -> None:
        log = (self.data_dir / "server.log").open("ab")
        self.server = subprocess.Popen(
            [str(BIN / "tcx"), "serve", "--bind", f"127.0.0.1:{self.port}", *serve_args],
            env=self.env,
            stdout=log,
            stderr=log,
            start_new_session=True,
        )
        self.wait_ready()

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        seed = json.loads(self.seed_file.read_text())
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}/api/v1/me",
            headers={"Authorization": f"Bearer {seed['users'][0]['token']}"},
        )
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 (loopback)
                    if response.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError(
            f"the server did not answer within {timeout:.0f} s (see {self.data_dir}/server.log)"
        )

    def start_worker(self) -> subprocess.Popen[bytes]:
        log = (self.data_dir / "worker.log").open("ab")
        self.worker = subprocess.Popen(
            [str(BIN / "tcx"), "worker", "--poll", "0.5"], env=self.env, stdout=log, stderr=log
        )
        return self.worker

    def web_workers(self) -> list[int]:
        """The pids of gunicorn's worker processes (children of the arbiter)."""
        if self.server is None:
            return []
        out = subprocess.run(
            ["ps", "-o", "pid=", "--ppid", str(self.server.pid)], text=True, stdout=subprocess.PIPE
        ).stdout
        return [int(p) for p in out.split()]

    def server_cpu(self) -> float:
        """CPU seconds used so far by the web workers and ``tcx worker`` (not PostgreSQL, which
        the machine shares): per request, a figure that moves less with other people's load than
        the throughput does."""
        return _cpu_of(self.web_workers() + ([self.worker.pid] if self.worker is not None else []))

    def stop(self) -> None:
        for proc in (self.server, self.worker):
            if proc is not None and proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(20)
                except subprocess.TimeoutExpired:
                    proc.kill()
        self.server = self.worker = None

    # --- the client and the checks -----------------------------------------------------------
    def run_client(self, *, concurrency: int, duration: float, tag: str, only: str = "") -> dict[str, Any]:
        cmd = [
            sys.executable,
            str(HERE / "client.py"),
            "--server",
            f"http://127.0.0.1:{self.port}",
            "--seed-file",
            str(self.seed_file),
            "--concurrency",
            str(concurrency),
            "--duration",
            str(duration),
            "--tag",
            tag,
        ]
        if only:
            cmd += ["--only", only]
        cpu, db_cpu = self.server_cpu(), self.database_cpu()
        client_cpu = _children_cpu()
        out = subprocess.run(cmd, check=True, text=True, stdout=subprocess.PIPE).stdout
        client_cpu = _children_cpu() - client_cpu
        result = dict(json.loads(out))
        per_request = 1000 / max(1, result["requests"])
        result["server_cpu_ms_per_request"] = round((self.server_cpu() - cpu) * per_request, 1)
        result["db_cpu_ms_per_request"] = round((self.database_cpu() - db_cpu) * per_request, 1)
        result["client_cpu_ms_per_request"] = round(client_cpu * per_request, 1)
        return result

    def database_cpu(self) -> float:
        """CPU seconds used so far by the PostgreSQL backends serving the benchmark database
        (the server keeps its connections for 60 s, so a run's backends are the same at both
        ends; a backend that ends in between is not counted)."""
        pids = [row[0] for row in self.psql("SELECT pid FROM pg_stat_activity WHERE datname = %s", [self.db])]
        return _cpu_of(pids)

    def check_writes(self, results: list[dict[str, Any]]) -> dict[str, Any]:
        """Every acknowledged write is in the database; no external id was written twice."""
        records = sorted({i for r in results for i in r["acked_records"]})
        exchanges = sorted({i for r in results for i in r["acked_exchanges"]})
        acked = sum(len(r["acked_records"]) for r in results)
        found_records = self.count_ids("records_record", records)
        found_exchanges = self.count_ids("exchange_exchange", exchanges)
        duplicated = self.psql(
            "SELECT count(*) FROM (SELECT owner_id, external_id FROM records_record "
            "WHERE external_id <> '' GROUP BY owner_id, external_id HAVING count(*) > 1) d"
        )[0][0]
        return {
            "acked_records": len(records),
            "acked_record_ids_repeated": acked - len(records),
            "records_missing": len(records) - found_records,
            "acked_exchanges": len(exchanges),
            "exchanges_missing": len(exchanges) - found_exchanges,
            "external_ids_duplicated": duplicated,
        }

    def count_ids(self, table: str, ids: list[int]) -> int:
        if not ids:
            return 0
        import psycopg

        with psycopg.connect(f"{PG_SERVER}/{self.db}") as conn:
            return int(
                conn.execute(f"SELECT count(*) FROM {table} WHERE id = ANY(%s)", [ids]).fetchone()[0]  # type: ignore  # noqa: S608
            )

    def audit_verify(self) -> tuple[bool, str]:
        result = self.tcx("audit", "verify", quiet=True, check=False)
        return result.returncode == 0, (result.stdout or "").strip().splitlines()[-1:][
            0
        ] if result.stdout else ""


def _cpu_of(pids: list[int]) -> float:
    """CPU seconds (user + system) used so far by the processes ``pids``."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


def _children_cpu() -> float:
    """CPU seconds used by this process's ended children (the client, once it has exited)."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime
