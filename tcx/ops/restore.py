"""``tcx restore``: a backup into an empty data directory (and, for PostgreSQL, an empty database).

Nothing is written to the target until every member of the archive has been read, its name
checked (relative, no ``..``, no links or devices), its size held to the manifest's, and its
SHA-256 found equal to the manifest's; the manifest itself must carry the passphrase's MAC.
Members are unpacked into a staging folder beside the target, which becomes the target only at
the end (a rename); on any failure the staging folder is removed. No Django here: the target
node is configured only after its data directory exists.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from tqdm import tqdm

from tcx.ops import archive
from tcx.ops.archive import BackupError

Say = Callable[[str], None]


@dataclass
class Restored:
    data_dir: Path
    vendor: str
    members: int
    bytes: int
    backup_id: str
    created_at: str


def _is_empty_dir(path: Path) -> bool:
    return path.is_dir() and not any(path.iterdir())


def _read_exactly(handle: IO[bytes], size: int, limit: int, what: str) -> bytes:
    if size > limit:
        raise BackupError(f"{what} is {size:,} bytes; at most {limit:,} are accepted")
    data = handle.read(size)
    if len(data) != size:
        raise BackupError(f"{what} is truncated")
    return data


def _next_regular(tar: tarfile.TarFile, expected: str | None = None) -> tarfile.TarInfo | None:
    member = tar.next()
    if member is None:
        return None
    archive.check_member_name(member.name)
    if not member.isreg():
        raise BackupError(f"the archive member {member.name!r} is a link or a device, not a file: refused")
    if expected is not None and member.name != expected:
        raise BackupError(f"this is not a TCX backup: it begins with {member.name!r}, not {expected!r}")
    return member


def _check_manifest(manifest: Any) -> dict[str, dict[str, Any]]:
    if not isinstance(manifest, dict) or manifest.get("format") != archive.FORMAT:
        raise BackupError(f"this is not a {archive.FORMAT} backup")
    members = manifest.get("members")
    if not isinstance(members, list) or len(members) > archive.MAX_MEMBERS:
        raise BackupError(f"the manifest lists no members, or more than {archive.MAX_MEMBERS:,}")
    listed: dict[str, dict[str, Any]] = {}
    for entry in members:
        if not isinstance(entry, dict):
            raise BackupError("the manifest holds an entry that is not a member")
        name = archive.check_member_name(str(entry.get("name", "")))
        size, digest = entry.get("size"), entry.get("sha256")
        if not isinstance(size, int) or size < 0 or not isinstance(digest, str) or len(digest) != 64:
            raise BackupError(f"the manifest entry of {name!r} has no valid size and checksum")
        if name in listed or name in (archive.MANIFEST, archive.MANIFEST_MAC):
            raise BackupError(f"the manifest lists {name!r} twice")
        listed[name] = entry
    if archive.KEYS not in listed:
        raise BackupError("the backup holds no keys")
    if listed[archive.KEYS]["size"] > archive.MAX_KEYS_BYTES:
        raise BackupError(f"the encrypted keys are larger than {archive.MAX_KEYS_BYTES:,} bytes")
    return listed


def _placement(name: str, staging: Path, work: Path) -> Path:
    """Where a member goes: its place in the new data directory, or the work folder."""
    if name == archive.SQLITE_MEMBER:
        return staging / "tcx.sqlite3"
    if name in (archive.PGDUMP_MEMBER, archive.KEYS):
        return work / Path(name).name
    if name == archive.CHECKPOINTS_MEMBER:
        return staging / "audit" / "checkpoints.jsonl"
    path = (staging / name).resolve()
    if not path.is_relative_to(staging.resolve()):
        raise BackupError(f"the archive member {name!r} would land outside the data directory")
    return path


def _unpack(tar: tarfile.TarFile, member: tarfile.TarInfo, target: Path, bar: Any) -> Any:
    """Copy one member to ``target`` (a new file, mode 600) in bounded chunks; its SHA-256."""
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    source = tar.extractfile(member)
    assert source is not None
    digest, left = hashlib.sha256(), member.size
    with os.fdopen(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as out:
        while left:
            chunk = source.read(min(archive.CHUNK, left))
            if not chunk:
                raise BackupError(f"the archive member {member.name!r} is truncated")
            digest.update(chunk)
            out.write(chunk)
            left -= len(chunk)
            bar.update(len(chunk))
    return digest


def _postgres_target_is_empty(database_url: str) -> bool:
    """True if the database is absent (then created) or has no table; False if it holds tables."""
    import psycopg
    from psycopg import conninfo, sql

    try:
        with psycopg.connect(database_url, connect_timeout=10) as conn:
            count = conn.execute(
                "SELECT count(*) FROM information_schema.tables WHERE table_schema NOT IN "
                "('pg_catalog', 'information_schema')"
            ).fetchone()
            return bool(count and count[0] == 0)
    except psycopg.OperationalError as exc:
        if "does not exist" not in str(exc):
            raise BackupError(f"cannot reach the target database: {exc}") from exc
    name = conninfo.conninfo_to_dict(database_url).get("dbname")
    if not name:
        raise BackupError("the target database URL names no database")
    admin = conninfo.make_conninfo(database_url, dbname="postgres")
    with psycopg.connect(admin, autocommit=True, connect_timeout=10) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(str(name))))
    return True


def _pg_restore(dump: Path, database_url: str) -> None:
    pg_restore = shutil.which("pg_restore")
    if pg_restore is None:
        raise BackupError(
            "pg_restore is not installed: install PostgreSQL's client tools (Debian: postgresql-client)"
        )
    done = subprocess.run(  # noqa: S603
        [
            pg_restore,
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            "--dbname",
            database_url,
            str(dump),
        ],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        raise BackupError(
            "pg_restore failed (the database was left as it was, in one transaction): "
            + done.stderr.decode(errors="replace").strip()[-1000:]
        )


def _write_private(path: Path, text: str) -> None:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)


def restore(
    *, archive_path: Path, data_dir: Path, passphrase: str, database_url: str = "", say: Say = print
) -> Restored:
    """Restore ``archive_path`` into the empty (or absent) ``data_dir``; see the module docstring."""
    data_dir = data_dir.absolute()
    if data_dir.exists() and not _is_empty_dir(data_dir):
        raise BackupError(
            f"the target data directory {data_dir} is not empty: restore only into an empty one"
        )
    if not data_dir.parent.is_dir():
        raise BackupError(f"the folder {data_dir.parent} does not exist")
    if not archive_path.is_file():
        raise BackupError(f"{archive_path} is not a file")

    say(f"[1/4] reading the manifest of {archive_path}")
    try:
        tar = tarfile.open(archive_path, mode="r:")  # noqa: SIM115 (closed by the ``with tar`` below)
    except tarfile.TarError as exc:
        raise BackupError(f"{archive_path} is not a TCX backup (not an uncompressed tar archive)") from exc
    with tar:
        head = _next_regular(tar, archive.MANIFEST)
        if head is None:
            raise BackupError(f"{archive_path} is empty")
        handle = tar.extractfile(head)
        assert handle is not None
        manifest_bytes = _read_exactly(handle, head.size, archive.MAX_MANIFEST_BYTES, "the manifest")
        mac_member = _next_regular(tar, archive.MANIFEST_MAC)
        if mac_member is None:
            raise BackupError("the backup has no manifest MAC")
        mac_handle = tar.extractfile(mac_member)
        assert mac_handle is not None
        mac = _read_exactly(mac_handle, mac_member.size, 128, "the manifest MAC")
        try:
            manifest = json.loads(manifest_bytes)
        except ValueError as exc:
            raise BackupError("the manifest is damaged (not JSON)") from exc
        if not isinstance(manifest, dict):
            raise BackupError("the manifest is damaged")
        derived = archive.derive(passphrase, manifest.get("kdf") or {})
        if not hmac.compare_digest(mac, archive.manifest_mac(manifest_bytes, derived)):
            raise BackupError("wrong passphrase, or the manifest was altered: nothing restored")
        listed = _check_manifest(manifest)
        vendor = (manifest.get("database") or {}).get("vendor")
        db_member = archive.SQLITE_MEMBER if vendor == "sqlite" else archive.PGDUMP_MEMBER
        if vendor not in ("sqlite", "postgresql") or db_member not in listed:
            raise BackupError("the manifest names no database snapshot")
        if vendor == "postgresql" and not database_url:
            raise BackupError("this is a PostgreSQL backup: give the empty target database (--database-url)")
        if vendor == "sqlite" and database_url:
            raise BackupError(
                "this is a SQLite backup: it restores into the data directory, not into a database URL"
            )
        total = sum(int(e["size"]) for e in listed.values())
        free = shutil.disk_usage(data_dir.parent).free
        if total > free:
            raise BackupError(f"the backup needs {total:,} bytes; {data_dir.parent} has {free:,} free")
        if vendor == "postgresql" and not _postgres_target_is_empty(database_url):
            raise BackupError(
                "the target database is not empty: restore only into an empty (or new) database"
            )

        say(f"[2/4] checking and unpacking {len(listed)} members ({total:,} bytes)")
        staging = Path(tempfile.mkdtemp(prefix=".tcx-restore-", dir=data_dir.parent))
        work = staging / ".restore-work"
        work.mkdir()
        try:
            seen: set[str] = set()
            with tqdm(total=total, unit="B", unit_scale=True, desc="      members", disable=None) as bar:
                while (member := _next_regular(tar)) is not None:
                    entry = listed.get(member.name)
                    if entry is None:
                        raise BackupError(
                            f"the archive holds {member.name!r}, which its manifest does not list"
                        )
                    if member.name in seen:
                        raise BackupError(f"the archive holds {member.name!r} twice")
                    if member.size != entry["size"]:
                        raise BackupError(
                            f"the archive member {member.name!r} is {member.size:,} bytes; "
                            f"the manifest says {entry['size']:,}"
                        )
                    seen.add(member.name)
                    try:
                        digest = _unpack(tar, member, _placement(member.name, staging, work), bar)
                    except OSError as exc:
                        raise BackupError(
                            f"the archive member {member.name!r} cannot be unpacked: {exc}"
                        ) from exc
                    if digest.hexdigest() != entry["sha256"]:
                        raise BackupError(
                            f"the archive member {member.name!r} is damaged: its SHA-256 does not match "
                            "the manifest. Nothing was restored."
                        )
            missing = sorted(set(listed) - seen)
            if missing:
                raise BackupError(
                    f"the archive lacks {len(missing)} members the manifest lists, first {missing[0]!r}"
                )

            say("[3/4] opening the keys and restoring the database")
            bundle = archive.decrypt_keys(
                (work / "keys.enc").read_bytes(),
                derived,
                str(manifest["backup_id"]),
            )
            for name, text in bundle.items():
                _write_private(staging / archive.KEY_FILES[name], text)
            if vendor == "sqlite":
                with sqlite3.connect(staging / "tcx.sqlite3") as db:
                    check = db.execute("PRAGMA quick_check").fetchone()
                db.close()
                if not check or check[0] != "ok":
                    raise BackupError(f"the database in the backup fails SQLite's check: {check}")
            else:
                _pg_restore(work / "tcx.pgdump", database_url)
            shutil.rmtree(work)
            if data_dir.exists():
                data_dir.rmdir()
            os.rename(staging, data_dir)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    say(f"[4/4] restored into {data_dir}")
    return Restored(
        data_dir=data_dir,
        vendor=str(vendor),
        members=len(listed),
        bytes=total,
        backup_id=str(manifest["backup_id"]),
        created_at=str(manifest.get("created_at", "")),
    )


def verify_restored(*, data_dir: Path, database_url: str = "") -> subprocess.CompletedProcess[str]:
    """Run ``tcx audit verify`` on the restored node, in its own process with its own settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TCX_AUDIT_", "DJANGO_SETTINGS"))}
    env["TCX_DATA_DIR"] = str(data_dir)
    env.pop("TCX_DATABASE_URL", None)
    if database_url:
        env["TCX_DATABASE_URL"] = database_url
    return subprocess.run(
        [sys.executable, "-m", "tcx.cli", "audit", "verify"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=3600,
    )
