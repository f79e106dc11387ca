"""``tcx backup`` and ``tcx restore``: argument parsing, the passphrase, and the exit status."""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import os
import sys
from pathlib import Path

from tcx.ops.archive import MIN_PASSPHRASE, BackupError

PASSPHRASE_ENV = "TCX_BACKUP_PASSPHRASE"  # noqa: S105 (the name of a variable, not a secret)


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _passphrase(env_name: str, *, confirm: bool) -> str:
    value = os.environ.get(env_name, "")
    if value:
        return value
    if not sys.stdin.isatty():
        raise BackupError(f"no passphrase: set {env_name} or run the command in a terminal to be asked")
    first = getpass.getpass(f"Backup passphrase (at least {MIN_PASSPHRASE} characters): ")
    if confirm and getpass.getpass("The same passphrase again: ") != first:
        raise BackupError("the two passphrases differ")
    return first


def backup_main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="tcx backup",
        description=(
            "Back up this node while it runs: the database (a consistent snapshot), the uploaded "
            "files, the signed audit checkpoints and the keys (encrypted with a passphrase), in one "
            f"archive with SHA-256 checksums. The passphrase comes from ${PASSPHRASE_ENV} or is asked."
        ),
    )
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    parser.add_argument("-o", "--output", type=Path, default=Path(f"tcx-backup-{stamp}.tar"))
    parser.add_argument(
        "--passphrase-env", default=PASSPHRASE_ENV, help="the variable holding the passphrase"
    )
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tcx.config.settings")
    import django

    django.setup()
    from tcx.ops.backup import backup

    try:
        manifest = backup(
            output=args.output, passphrase=_passphrase(args.passphrase_env, confirm=True), say=_say
        )
    except BackupError as exc:
        print(f"tcx backup: {exc}", file=sys.stderr)
        return 1
    print(f"backup written: {args.output} ({len(manifest['members'])} members, id {manifest['backup_id']})")
    return 0


def restore_main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="tcx restore",
        description=(
            "Restore a backup into an EMPTY data directory (and, for a PostgreSQL backup, an empty or "
            "new database), after checking every checksum; then run `tcx audit verify` there."
        ),
    )
    parser.add_argument("archive", type=Path)
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=os.environ.get("TCX_DATA_DIR") or None,
        help="the empty target (TCX_DATA_DIR)",
    )
    parser.add_argument(
        "--database-url",
        default="",
        help="PostgreSQL backups: the empty or new target database, e.g. postgresql://tcx@db:5432/tcx_restored",
    )
    parser.add_argument(
        "--passphrase-env", default=PASSPHRASE_ENV, help="the variable holding the passphrase"
    )
    parser.add_argument("--no-verify", action="store_true", help="do not run `tcx audit verify` afterwards")
    args = parser.parse_args(argv)
    if args.data_dir is None:
        parser.error("give the target with --data-dir (or TCX_DATA_DIR)")
    from tcx.ops.restore import restore, verify_restored

    try:
        restored = restore(
            archive_path=args.archive,
            data_dir=args.data_dir,
            passphrase=_passphrase(args.passphrase_env, confirm=False),
            database_url=args.database_url,
            say=_say,
        )
    except BackupError as exc:
        print(f"tcx restore: {exc}", file=sys.stderr)
        return 1
    print(f"restored backup {restored.backup_id} of {restored.created_at} into {restored.data_dir}")
    if args.no_verify:
        return 0
    _say("verifying the restored audit chain (tcx audit verify)")
    done = verify_restored(data_dir=restored.data_dir, database_url=args.database_url)
    sys.stdout.write(done.stdout)
    sys.stderr.write(done.stderr)
    return done.returncode
