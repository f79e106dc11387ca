"""``tcx backup``: a consistent backup of a running node in one archive (``tcx.ops.archive``).

Order matters for consistency while the node keeps writing:
1. the backup is recorded in the audit log and a signed checkpoint of the chain's head written;
2. the checkpoint file is copied, *before* the database: every checkpoint it holds vouches for
   an event committed before the snapshot, so the restored chain verifies against it;
3. the database snapshot: SQLite's online backup API (one step, one read transaction, so one
   consistent state while writers continue in WAL mode); PostgreSQL's ``pg_dump -Fc`` (one
   repeatable-read snapshot);
4. the upload store (``MEDIA_ROOT``) and the files waiting for an import: attachments are
   written before the row that names them commits, so a row in the snapshot has its file;
5. the keys, last (a key rotation adds the key before it re-encrypts files), encrypted.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection
from tqdm import tqdm

from tcx.audit import anchors, keys, services
from tcx.audit.registry import AuditAction
from tcx.ops import archive
from tcx.ops.archive import BackupError

Say = Callable[[str], None]


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(archive.CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _snapshot_sqlite(target: Path) -> None:
    connection.ensure_connection()
    source = connection.connection
    destination = sqlite3.connect(target)
    try:
        source.backup(destination)  # pages=-1: the whole database in one step, one consistent state
    finally:
        destination.close()


def _snapshot_postgresql(target: Path) -> None:
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        raise BackupError(
            "pg_dump is not installed: install PostgreSQL's client tools (Debian: postgresql-client)"
        )
    db = connection.settings_dict
    command = [pg_dump, "--format=custom", "--no-owner", "--no-privileges", "--file", str(target)]
    for flag, value in (
        ("--host", db.get("HOST")),
        ("--port", db.get("PORT")),
        ("--username", db.get("USER")),
    ):
        if value:
            command += [flag, str(value)]
    command += ["--dbname", str(db["NAME"])]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    done = subprocess.run(command, env=env, capture_output=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(f"pg_dump failed: {done.stderr.decode(errors='replace').strip()[-1000:]}")


def _tree(root: Path, prefix: str) -> list[tuple[str, Path]]:
    """Every regular file under ``root`` as (member name, path); links are not followed."""
    found: list[tuple[str, Path]] = []
    if not root.is_dir():
        return found
    for folder, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames.sort()
        for filename in sorted(filenames):
            path = Path(folder) / filename
            if path.is_file() and not path.is_symlink():
                name = prefix + path.relative_to(root).as_posix()
                archive.check_member_name(name)
                found.append((name, path))
    return found


def _key_bundle() -> dict[str, str]:
    data_dir = Path(settings.DATA_DIR)
    sources = {
        "audit.key": keys.key_path(),
        "exchange-keys.json": data_dir / "exchange-keys.json",
        "secret.key": data_dir / "secret.key",
    }
    return {name: path.read_text() for name, path in sources.items() if path.is_file()}


def backup(*, output: Path, passphrase: str, say: Say = print) -> dict[str, Any]:
    """Write a backup of this node to ``output`` (a new file); return its manifest."""
    if len(passphrase) < archive.MIN_PASSPHRASE:
        raise BackupError(f"the passphrase is too short: at least {archive.MIN_PASSPHRASE} characters")
    if output.exists():
        raise BackupError(f"{output} exists already: name a new file")
    if not output.parent.is_dir():
        raise BackupError(f"the folder {output.parent} does not exist")
    if connection.in_atomic_block:
        # SQLite's backup API waits for the connection's own write transaction to end.
        raise BackupError("a backup cannot run inside a database transaction")
    vendor = connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        raise BackupError(f"backups of a {vendor} database are not supported")
    backup_id = uuid.uuid4().hex
    created = dt.datetime.now(dt.UTC)

    say("[1/6] recording the backup in the audit log and anchoring the chain")
    services.record(
        action=AuditAction.AUDIT_BACKUP_CREATED, data={"backup_id": backup_id, "file": output.name}
    )
    checkpoint = services.checkpoint()

    staging = Path(tempfile.mkdtemp(prefix=".tcx-backup-", dir=output.parent))
    partial = output.with_name(output.name + ".partial")
    try:
        staged: list[tuple[str, Path]] = []
        say("[2/6] copying the signed audit checkpoints")
        checkpoints = anchors.checkpoint_path()
        if checkpoints.is_file():
            copy = staging / "checkpoints.jsonl"
            shutil.copyfile(checkpoints, copy)
            staged.append((archive.CHECKPOINTS_MEMBER, copy))

        say(f"[3/6] taking a consistent snapshot of the {vendor} database")
        if vendor == "sqlite":
            snapshot, member = staging / "tcx.sqlite3", archive.SQLITE_MEMBER
            _snapshot_sqlite(snapshot)
        else:
            snapshot, member = staging / "tcx.pgdump", archive.PGDUMP_MEMBER
            _snapshot_postgresql(snapshot)
        staged.insert(0, (member, snapshot))
        say(f"      {snapshot.stat().st_size:,} bytes")

        say("[4/6] listing and checksumming the upload store")
        files = _tree(Path(settings.MEDIA_ROOT), archive.FILES_PREFIX)
        files += _tree(Path(settings.DATA_DIR) / "imports", archive.IMPORTS_PREFIX)
        entries: list[dict[str, Any]] = []
        for name, path in staged:
            entries.append({"name": name, "size": path.stat().st_size, "sha256": _sha256_file(path)})
        for name, path in tqdm(files, unit="file", desc="      files", disable=None if files else True):
            entries.append({"name": name, "size": path.stat().st_size, "sha256": _sha256_file(path)})

        say("[5/6] encrypting the keys with the passphrase")
        kdf = archive.new_kdf()
        derived = archive.derive(passphrase, kdf)
        key_blob = archive.encrypt_keys(_key_bundle(), derived, backup_id)
        keys_path = staging / "keys.enc"
        keys_path.write_bytes(key_blob)
        entries.append(
            {"name": archive.KEYS, "size": len(key_blob), "sha256": hashlib.sha256(key_blob).hexdigest()}
        )

        manifest = {
            "format": archive.FORMAT,
            "backup_id": backup_id,
            "created_at": created.isoformat(),
            "database": {"vendor": vendor, "member": member},
            "audit_checkpoint": {"seq": checkpoint["seq"], "hash": checkpoint["hash"]}
            if checkpoint
            else None,
            "kdf": kdf,
            "members": entries,
        }
        manifest_bytes = json.dumps(manifest, indent=1, ensure_ascii=False).encode()
        sources = dict([*staged, *files, (archive.KEYS, keys_path)])
        total = sum(e["size"] for e in entries)

        say(f"[6/6] writing {output} ({total:,} bytes in {len(entries)} members)")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with (
            os.fdopen(fd, "wb") as raw,
            tarfile.open(fileobj=raw, mode="w|", format=tarfile.PAX_FORMAT) as tar,
            tqdm(total=total, unit="B", unit_scale=True, desc="      archive", disable=None) as bar,
        ):
            for name, data in (
                (archive.MANIFEST, manifest_bytes),
                (archive.MANIFEST_MAC, archive.manifest_mac(manifest_bytes, derived)),
            ):
                info = tarfile.TarInfo(name)
                info.size, info.mtime, info.mode = len(data), int(created.timestamp()), 0o600
                tar.addfile(info, io.BytesIO(data))
            for entry in entries:
                info = tarfile.TarInfo(entry["name"])
                info.size, info.mtime, info.mode = entry["size"], int(created.timestamp()), 0o600
                with sources[entry["name"]].open("rb") as handle:
                    tar.addfile(info, handle)
                bar.update(entry["size"])
            tar.close()
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(partial, output)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return manifest
