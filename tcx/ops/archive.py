"""The backup archive: one tar file, read and written here for ``tcx backup`` and ``tcx restore``.

Members, in this order:

- ``manifest.json``: format, when, which database, and every other member's name, size and
  SHA-256, with the scrypt parameters of the passphrase;
- ``manifest.mac``: HMAC-SHA256 of the manifest under a key derived from the passphrase, so
  nobody without the passphrase can replace a member and its checksum together;
- ``database/tcx.sqlite3`` (SQLite) or ``database/tcx.pgdump`` (PostgreSQL, ``pg_dump -Fc``);
- ``audit/checkpoints.jsonl``: the signed audit checkpoints (outside the database on the node);
- ``files/...``: the upload store (``MEDIA_ROOT``), attachments encrypted as they are at rest;
- ``keys.enc``: the keys (audit key, attachment key ring, Django secret key) as JSON, encrypted
  with AES-256-GCM under the passphrase-derived key, bound to the backup's id.

This module imports nothing from Django: a restore runs before the target node is configured.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import unicodedata
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

FORMAT = "tcx-backup/1"
MANIFEST = "manifest.json"
MANIFEST_MAC = "manifest.mac"
KEYS = "keys.enc"
SQLITE_MEMBER = "database/tcx.sqlite3"
PGDUMP_MEMBER = "database/tcx.pgdump"
CHECKPOINTS_MEMBER = "audit/checkpoints.jsonl"
FILES_PREFIX = "files/"  # MEDIA_ROOT: attachments, meeting documents, evidence
IMPORTS_PREFIX = "imports/"  # DATA_DIR/imports: uploaded files waiting for their import

MAX_MANIFEST_BYTES = 32 * 1024 * 1024
MAX_MEMBERS = 1_000_000
MAX_NAME = 512
MAX_DEPTH = 16
MAX_KEYS_BYTES = 1024 * 1024
MIN_PASSPHRASE = 12
# scrypt: about 32 MiB and a tenth of a second to derive; a manifest asking for more is refused.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**15, 8, 1
MAX_SCRYPT_N, MAX_SCRYPT_R, MAX_SCRYPT_P = 2**20, 16, 4
MAX_SCRYPT_MEMORY = 256 * 1024 * 1024  # scrypt needs 128 * n * r bytes
CHUNK = 1024 * 1024

# Key files: their name in the encrypted bundle -> their place under the data directory.
KEY_FILES = {
    "audit.key": "keys/audit.key",
    "exchange-keys.json": "exchange-keys.json",
    "secret.key": "secret.key",
}


def _plain(part: str) -> bool:
    return all(unicodedata.category(ch)[0] != "C" and ch not in "/\\:" for ch in part)


class BackupError(RuntimeError):
    """A backup or restore that cannot go on; the message says why and what to do."""


@dataclass(frozen=True)
class Derived:
    encryption_key: bytes
    mac_key: bytes


def new_kdf() -> dict[str, Any]:
    return {
        "name": "scrypt",
        "n": SCRYPT_N,
        "r": SCRYPT_R,
        "p": SCRYPT_P,
        "salt": base64.b64encode(os.urandom(16)).decode(),
    }


def derive(passphrase: str, kdf: dict[str, Any]) -> Derived:
    try:
        n, r, p = int(kdf["n"]), int(kdf["r"]), int(kdf["p"])
        salt = base64.b64decode(kdf["salt"])
    except (KeyError, TypeError, ValueError) as exc:
        raise BackupError("the manifest's key derivation parameters are damaged") from exc
    within = 2 <= n <= MAX_SCRYPT_N and 1 <= r <= MAX_SCRYPT_R and 1 <= p <= MAX_SCRYPT_P
    if kdf.get("name") != "scrypt" or not within or 128 * n * r > MAX_SCRYPT_MEMORY:
        raise BackupError(
            f"the manifest asks for key derivation outside the limits (scrypt n ≤ {MAX_SCRYPT_N}, "
            f"r ≤ {MAX_SCRYPT_R}, p ≤ {MAX_SCRYPT_P}, at most {MAX_SCRYPT_MEMORY // 2**20} MiB)"
        )
    material = Scrypt(salt=salt, length=64, n=n, r=r, p=p).derive(passphrase.encode())
    return Derived(encryption_key=material[:32], mac_key=material[32:])


def manifest_mac(manifest_bytes: bytes, derived: Derived) -> bytes:
    return hmac.new(derived.mac_key, manifest_bytes, hashlib.sha256).hexdigest().encode()


def _aad(backup_id: str) -> bytes:
    # Binds the keys to this backup: keys.enc from another backup does not open here.
    return f"{FORMAT}|{backup_id}|keys".encode()


def encrypt_keys(bundle: dict[str, str], derived: Derived, backup_id: str) -> bytes:
    nonce = os.urandom(12)
    plain = json.dumps(bundle, sort_keys=True).encode()
    return nonce + AESGCM(derived.encryption_key).encrypt(nonce, plain, _aad(backup_id))


def decrypt_keys(blob: bytes, derived: Derived, backup_id: str) -> dict[str, str]:
    aad = _aad(backup_id)
    try:
        plain = AESGCM(derived.encryption_key).decrypt(blob[:12], blob[12:], aad)
        bundle = json.loads(plain)
    except (InvalidTag, ValueError) as exc:
        raise BackupError("the encrypted keys cannot be opened with this passphrase") from exc
    if not isinstance(bundle, dict) or not set(bundle) <= set(KEY_FILES):
        raise BackupError("the encrypted keys hold something other than the node's key files")
    return {str(k): str(v) for k, v in bundle.items()}


def check_member_name(name: str) -> str:
    """A member name a restore may write: relative, no ``..``, plain characters, bounded length."""
    if not name or len(name) > MAX_NAME or "\\" in name or "\x00" in name:
        raise BackupError(f"the archive holds a member with a name that cannot be restored: {name[:80]!r}")
    path = PurePosixPath(name)
    parts = path.parts
    if (
        str(path) != name
        or path.is_absolute()
        or len(parts) > MAX_DEPTH
        or any(p in ("", ".", "..") or not _plain(p) for p in parts)
    ):
        raise BackupError(f"the archive holds a member with a name that cannot be restored: {name[:80]!r}")
    if name in (MANIFEST, MANIFEST_MAC, KEYS, SQLITE_MEMBER, PGDUMP_MEMBER, CHECKPOINTS_MEMBER):
        return name
    if name.startswith((FILES_PREFIX, IMPORTS_PREFIX)) and len(parts) > 1:
        return name
    raise BackupError(f"the archive holds a member TCX does not write: {name[:80]!r}")
