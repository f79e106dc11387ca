"""Signed checkpoints of the audit chain, kept outside the database.

A checkpoint says "event #seq of the root chain had hash H at time T", signed with the node's
Ed25519 checkpoint key (derived from the audit key). The root chain records the head of every
partition (``tcx.audit.services``), so one checkpoint covers all partitions. Checkpoints
written before partitioning (format 1, no ``partition``) name an event of the legacy chain.
A checkpoint is appended to ``TCX_AUDIT_CHECKPOINT_FILE`` (by default
``DATA_DIR/audit/checkpoints.jsonl``) and, where configured, handed to a second party:

- ``TCX_AUDIT_WITNESS_DIR``: a directory another team keeps (a mount of another machine, a
  write-once store); the same line is appended to ``checkpoints.jsonl`` there;
- ``TCX_AUDIT_WITNESS_COMMAND``: a command that receives the line on its standard input
  (``logger -t tcx-audit`` to the system log, or a script that forwards it), 10 s at most.

Someone who can write to the database but not to these files cannot remove the newest events
or rewrite the chain without ``tcx audit verify`` seeing that a checkpoint no longer matches.
Checkpoints are written every ``TCX_AUDIT_CHECKPOINT_EVERY`` events of a partition (default 100), at the
first write after ``TCX_AUDIT_CHECKPOINT_MINUTES`` (default 10) in each process, and by
``tcx audit checkpoint`` and ``tcx audit verify``; events after the newest checkpoint are not
anchored yet (the verifier says how many).
"""

from __future__ import annotations

import base64
import datetime as dt
import fcntl
import json
import logging
import os
import shlex
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from django.conf import settings

from tcx.audit import keys

FORMAT = "tcx-audit-checkpoint/2"
LEGACY_FORMAT = "tcx-audit-checkpoint/1"
MAX_LINE = 4096
WITNESS_TIMEOUT = 10
logger = logging.getLogger("tcx.audit")


def checkpoint_path() -> Path:
    configured = keys.setting("TCX_AUDIT_CHECKPOINT_FILE")
    return Path(configured) if configured else Path(settings.DATA_DIR) / "audit" / "checkpoints.jsonl"


def witness_dir() -> Path | None:
    configured = keys.setting("TCX_AUDIT_WITNESS_DIR")
    return Path(configured) if configured else None


def every() -> int:
    return int(keys.setting("TCX_AUDIT_CHECKPOINT_EVERY", "100"))


def minutes() -> float:
    return float(keys.setting("TCX_AUDIT_CHECKPOINT_MINUTES", "10"))


def _signed_bytes(body: dict[str, Any]) -> bytes:
    return json.dumps(body, sort_keys=True, separators=(",", ":")).encode()


def make(
    *,
    seq: int,
    hash: str,
    key: bytes,
    partition: str = "root",
    extra: dict[str, Any] | None = None,
    now: dt.datetime | None = None,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        **(extra or {}),
        "format": FORMAT,
        "partition": partition,
        "seq": seq,
        "hash": hash,
        "time": (now or dt.datetime.now(dt.UTC)).isoformat(),
        "key_id": keys.key_id(key),
        "public_key": keys.public_key_text(key),
    }
    body["signature"] = base64.b64encode(keys.signing_key(key).sign(_signed_bytes(body))).decode()
    return body


def _append(path: Path, line: bytes) -> None:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        os.write(fd, line)
        os.fsync(fd)
    finally:
        os.close(fd)


def write(
    *, seq: int, hash: str, key: bytes, partition: str = "root", extra: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Sign a checkpoint, append it to the checkpoint file, hand it to the witnesses."""
    checkpoint = make(seq=seq, hash=hash, key=key, partition=partition, extra=extra)
    line = json.dumps(checkpoint, sort_keys=True).encode() + b"\n"
    _append(checkpoint_path(), line)
    witness = witness_dir()
    if witness is not None:
        try:
            _append(witness / "checkpoints.jsonl", line)
        except OSError as exc:
            logger.error(
                "audit checkpoint #%s not written to the witness directory %s: %s", seq, witness, exc
            )
    command = keys.setting("TCX_AUDIT_WITNESS_COMMAND")
    if command:
        try:
            done = subprocess.run(  # noqa: S603 (the operator's own configured command)
                shlex.split(command), input=line, capture_output=True, timeout=WITNESS_TIMEOUT, check=False
            )
            if done.returncode != 0:
                logger.error(
                    "audit checkpoint #%s: the witness command exited %s: %s",
                    seq,
                    done.returncode,
                    done.stderr[:500].decode(errors="replace"),
                )
        except (OSError, subprocess.TimeoutExpired) as exc:
            logger.error("audit checkpoint #%s: the witness command failed: %s", seq, exc)
    return checkpoint


@dataclass
class Checkpoints:
    """Valid checkpoints by partition (``root``; ``legacy`` for format 1) and event number."""

    by_partition: dict[str, dict[int, dict[str, Any]]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def of(self, partition: str) -> dict[int, dict[str, Any]]:
        return self.by_partition.get(partition, {})

    def newest_of(self, partition: str) -> dict[str, Any] | None:
        found = self.of(partition)
        return found[max(found)] if found else None

    @property
    def newest(self) -> dict[str, Any] | None:
        """The newest checkpoint of the root chain."""
        return self.newest_of("root")


def _read_into(result: Checkpoints, path: Path, key: bytes) -> None:
    public = keys.signing_key(key).public_key()
    our_id = keys.key_id(key)
    with path.open("rb") as handle:
        for number, raw in enumerate(iter(lambda: handle.readline(MAX_LINE + 1), b""), start=1):
            where = f"{path.name} line {number}"
            if len(raw) > MAX_LINE:
                result.problems.append(f"{where} is longer than {MAX_LINE} bytes")
                handle.readline()  # skip the rest of that line
                continue
            try:
                checkpoint = json.loads(raw)
                body = {k: v for k, v in checkpoint.items() if k != "signature"}
                signature = base64.b64decode(checkpoint["signature"])
                seq, hash_ = int(checkpoint["seq"]), str(checkpoint["hash"])
                partition = str(checkpoint.get("partition", "legacy"))
            except (ValueError, KeyError, TypeError, AttributeError):
                result.problems.append(f"{where} is not a checkpoint")
                continue
            if checkpoint.get("key_id") != our_id:
                result.problems.append(f"{where} (event #{seq}) is signed by another key")
                continue
            try:
                public.verify(signature, _signed_bytes(body))
            except InvalidSignature:
                result.problems.append(f"{where} (event #{seq}) does not carry a valid signature")
                continue
            found = result.by_partition.setdefault(partition, {})
            known = found.get(seq)
            if known is not None and known["hash"] != hash_:
                result.problems.append(
                    f"{where}: two signed checkpoints give {partition} event #{seq} different hashes"
                )
                continue
            found[seq] = checkpoint


def read(key: bytes) -> Checkpoints:
    """The valid checkpoints of the file and of the witness directory, and what was wrong with others."""
    result = Checkpoints()
    paths = [checkpoint_path()]
    witness = witness_dir()
    if witness is not None:
        paths.append(witness / "checkpoints.jsonl")
    for path in paths:
        if path.exists():
            _read_into(result, path, key)
    return result
