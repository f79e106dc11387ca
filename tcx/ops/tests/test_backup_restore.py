"""``tcx backup`` and ``tcx restore`` (issue 12): a consistent online backup of the database,
the upload store, the audit checkpoints and the keys (encrypted), restored into an empty data
directory where ``tcx audit verify`` passes; damaged, foreign or hostile archives refused with
nothing written."""

from __future__ import annotations

import io
import json
import tarfile
import uuid
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.db import connection

from tcx.audit import keys, services
from tcx.audit.models import AuditEvent
from tcx.audit.registry import AuditAction
from tcx.cli import main as tcx_main
from tcx.exchange import storage
from tcx.ops import archive
from tcx.ops.archive import BackupError
from tcx.ops.backup import backup
from tcx.ops.restore import restore, verify_restored

PASSPHRASE = "a long test passphrase"
SECRET_TEXT = b"report from the field: meeting at the border crossing"


def _say(message: str) -> None:
    pass


def _events(world, n: int = 5) -> None:
    for i in range(n):
        services.record(
            actor=world.users["b_officer"],
            action=AuditAction.RECORD_VIEWED,
            target_type="record",
            target_id=i,
            target_owner=world.agency_a,
        )


def _fresh_database_url() -> str:
    db = connection.settings_dict
    name = f"tcx_audit_restore_{uuid.uuid4().hex[:8]}"
    return f"postgresql://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"


def _drop_database(url: str) -> None:
    import psycopg
    from psycopg import conninfo, sql

    name = conninfo.conninfo_to_dict(url)["dbname"]
    with psycopg.connect(conninfo.make_conninfo(url, dbname="postgres"), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(str(name))))


def _restore_kwargs() -> dict[str, str]:
    return {"database_url": _fresh_database_url()} if connection.vendor == "postgresql" else {}


def _member_offset(path: Path, name: str) -> int:
    with tarfile.open(path) as tar:
        return tar.getmember(name).offset_data


def _flip(path: Path, offset: int) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x01
    path.write_bytes(bytes(data))


def _leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.startswith(".tcx-restore-")]


@pytest.mark.django_db(transaction=True)
def test_backup_restores_into_an_empty_directory_where_the_audit_chain_verifies(world, tmp_path) -> None:
    _events(world)
    stored = storage.write("field-report.txt", SECRET_TEXT, sha256="-", content_type="text/plain")
    out = tmp_path / "node.tar"
    manifest = backup(output=out, passphrase=PASSPHRASE, say=_say)
    assert AuditEvent.objects.filter(action=AuditAction.AUDIT_BACKUP_CREATED).exists()
    names = {m["name"] for m in manifest["members"]}
    assert f"files/exchange/{stored.storage_name}" in names and archive.KEYS in names
    # The keys are in the archive only encrypted.
    blob = out.read_bytes()
    audit_key = keys.load_key()
    assert audit_key is not None and audit_key.hex().encode() not in blob
    ring_key = str(storage.key_ring()["keys"][stored.key_id])  # type: ignore[index]
    assert ring_key.encode() not in blob

    target = tmp_path / "restored"
    kwargs = _restore_kwargs()
    try:
        restored = restore(archive_path=out, data_dir=target, passphrase=PASSPHRASE, say=_say, **kwargs)
        assert restored.vendor == connection.vendor
        done = verify_restored(data_dir=target, **kwargs)
        assert done.returncode == 0, done.stderr
        assert "audit chain OK" in done.stdout and "signed checkpoints matched" in done.stdout
    finally:
        if kwargs:
            _drop_database(kwargs["database_url"])
    # The restored attachment opens with the restored key ring.
    ring = json.loads((target / "exchange-keys.json").read_text())
    restored_file = target / "files" / "exchange" / stored.storage_name
    assert Fernet(ring["keys"][stored.key_id].encode()).decrypt(restored_file.read_bytes()) == SECRET_TEXT
    assert (target / "keys" / "audit.key").stat().st_mode & 0o077 == 0


@pytest.fixture
def made_backup(world, tmp_path) -> Path:
    _events(world, 3)
    storage.write("note.txt", SECRET_TEXT, sha256="-", content_type="text/plain")
    out = tmp_path / "node.tar"
    backup(output=out, passphrase=PASSPHRASE, say=_say)
    return out


@pytest.mark.django_db(transaction=True)
def test_a_flipped_byte_anywhere_is_refused_and_nothing_is_written(
    made_backup: Path, tmp_path, monkeypatch, capsys
):
    with tarfile.open(made_backup) as tar:
        names = tar.getnames()
    damaged = "is damaged: its SHA-256 does not match"
    cases = [
        ("database/", damaged),
        ("files/", damaged),
        (archive.KEYS, damaged),
        (archive.CHECKPOINTS_MEMBER, damaged),
        (archive.MANIFEST, "the manifest is damaged|the manifest was altered"),
    ]
    target = tmp_path / "restored"
    for prefix, reason in cases:
        copy = tmp_path / "copy.tar"
        copy.write_bytes(made_backup.read_bytes())
        name = next(n for n in names if n.startswith(prefix))
        _flip(copy, _member_offset(copy, name) + 3)
        with pytest.raises(BackupError, match=reason):
            restore(archive_path=copy, data_dir=target, passphrase=PASSPHRASE, say=_say, **_restore_kwargs())
        assert not target.exists() and _leftovers(tmp_path) == []
    # The command says the same, with a failing exit status.
    monkeypatch.setenv("TCX_BACKUP_PASSPHRASE", PASSPHRASE)
    argv = ["tcx", "restore", str(tmp_path / "copy.tar"), "--data-dir", str(target)]
    assert tcx_main(argv) == 1
    assert "tcx restore: the manifest is damaged" in capsys.readouterr().err
    assert not target.exists()


@pytest.mark.django_db(transaction=True)
def test_a_non_empty_target_or_a_wrong_passphrase_is_refused(made_backup: Path, tmp_path) -> None:
    target = tmp_path / "busy"
    target.mkdir()
    (target / "tcx.sqlite3").write_bytes(b"someone's database")
    with pytest.raises(BackupError, match="is not empty"):
        restore(
            archive_path=made_backup, data_dir=target, passphrase=PASSPHRASE, say=_say, **_restore_kwargs()
        )
    assert [p.name for p in target.iterdir()] == ["tcx.sqlite3"]
    with pytest.raises(BackupError, match="wrong passphrase"):
        restore(
            archive_path=made_backup, data_dir=tmp_path / "new", passphrase="not the passphrase", say=_say
        )
    assert not (tmp_path / "new").exists()
    if connection.vendor == "postgresql":  # a database that holds tables is not a target either
        db = connection.settings_dict
        busy = f"postgresql://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        with pytest.raises(BackupError, match="target database is not empty"):
            restore(
                archive_path=made_backup,
                data_dir=tmp_path / "new",
                passphrase=PASSPHRASE,
                say=_say,
                database_url=busy,
            )
        assert not (tmp_path / "new").exists()


def _hostile_archive(path: Path, members: list[tuple[tarfile.TarInfo, bytes]], listed: list[dict]) -> None:
    """A well-signed manifest (the attacker knows the passphrase) listing hostile members."""
    kdf = archive.new_kdf()
    derived = archive.derive(PASSPHRASE, kdf)
    manifest = json.dumps(
        {
            "format": archive.FORMAT,
            "backup_id": "x",
            "database": {"vendor": "sqlite"},
            "kdf": kdf,
            "members": listed,
        }
    ).encode()
    with tarfile.open(path, "w") as tar:
        for name, data in (
            (archive.MANIFEST, manifest),
            (archive.MANIFEST_MAC, archive.manifest_mac(manifest, derived)),
        ):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        for info, data in members:
            tar.addfile(info, io.BytesIO(data) if info.isreg() else None)


@pytest.mark.parametrize(
    "name", ["../evil", "/etc/passwd", "files/../../evil", "files/a\\..\\b", "files/", "evil.sh"]
)
def test_member_names_outside_the_backup_layout_are_refused(tmp_path, name) -> None:
    out = tmp_path / "hostile.tar"
    entry = {"name": name, "size": 1, "sha256": "0" * 64}
    _hostile_archive(out, [], [entry, {"name": archive.KEYS, "size": 1, "sha256": "0" * 64}])
    with pytest.raises(BackupError, match=r"name that cannot be restored|does not write"):
        restore(archive_path=out, data_dir=tmp_path / "target", passphrase=PASSPHRASE, say=_say)
    assert not (tmp_path / "target").exists() and not (tmp_path.parent / "evil").exists()


def test_links_and_oversized_members_are_refused(tmp_path) -> None:
    listed = [
        {"name": archive.SQLITE_MEMBER, "size": 4, "sha256": "0" * 64},
        {"name": archive.KEYS, "size": 1, "sha256": "0" * 64},
    ]
    link = tarfile.TarInfo(archive.SQLITE_MEMBER)
    link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
    out = tmp_path / "link.tar"
    _hostile_archive(out, [(link, b"")], listed)
    with pytest.raises(BackupError, match="is a link or a device"):
        restore(archive_path=out, data_dir=tmp_path / "target", passphrase=PASSPHRASE, say=_say)
    big = tarfile.TarInfo(archive.SQLITE_MEMBER)
    big.size = 5000
    out = tmp_path / "big.tar"
    _hostile_archive(out, [(big, b"x" * 5000)], listed)
    with pytest.raises(BackupError, match="is 5,000 bytes; the manifest says 4"):
        restore(archive_path=out, data_dir=tmp_path / "target", passphrase=PASSPHRASE, say=_say)
    assert not (tmp_path / "target").exists() and _leftovers(tmp_path) == []


def test_backup_refuses_a_short_passphrase_an_existing_file_and_a_transaction(world, tmp_path) -> None:
    with pytest.raises(BackupError, match="at least 12 characters"):
        backup(output=tmp_path / "a.tar", passphrase="short", say=_say)
    (tmp_path / "b.tar").write_bytes(b"keep me")
    with pytest.raises(BackupError, match="exists already"):
        backup(output=tmp_path / "b.tar", passphrase=PASSPHRASE, say=_say)
    assert (tmp_path / "b.tar").read_bytes() == b"keep me"
    with pytest.raises(BackupError, match="inside a database transaction"):  # (the test's own)
        backup(output=tmp_path / "c.tar", passphrase=PASSPHRASE, say=_say)
    assert not (tmp_path / "c.tar").exists()


def test_a_file_where_a_folder_must_go_and_a_costly_key_derivation_are_refused(tmp_path) -> None:
    import hashlib

    data = b"x"
    digest = hashlib.sha256(data).hexdigest()
    listed = [
        {"name": archive.SQLITE_MEMBER, "size": 1, "sha256": digest},
        {"name": "files/a", "size": 1, "sha256": digest},
        {"name": "files/a/b", "size": 1, "sha256": digest},
        {"name": archive.KEYS, "size": 1, "sha256": digest},
    ]
    members = []
    for name in ("files/a", "files/a/b"):
        info = tarfile.TarInfo(name)
        info.size = 1
        members.append((info, data))
    out = tmp_path / "clash.tar"
    _hostile_archive(out, members, listed)
    with pytest.raises(BackupError, match="'files/a/b' cannot be unpacked"):
        restore(archive_path=out, data_dir=tmp_path / "target", passphrase=PASSPHRASE, say=_say)
    assert not (tmp_path / "target").exists() and _leftovers(tmp_path) == []
    with pytest.raises(BackupError, match="outside the limits"):
        archive.derive(PASSPHRASE, dict(archive.new_kdf(), n=2**20, r=16))
