"""The audit key: the secret that keys the hash chain, kept outside the database.

Anyone who can write to the database can rewrite rows and recompute plain SHA-256 hashes; they
cannot recompute HMACs without this key. It lives in a file (``TCX_AUDIT_KEY_FILE``, by default
``DATA_DIR/keys/audit.key``), created with mode 600 on the first audit write, like the attachment
key ring (``tcx.exchange.storage``). The checkpoint signing key (Ed25519) is derived from it, so
there is one secret to back up; its public half can be given to whoever keeps the checkpoints.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from pathlib import Path

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

KEY_BYTES = 32
_cache: dict[str, bytes] = {}


class AuditKeyError(RuntimeError):
    """The audit key file exists but cannot be used; the message says why."""


def setting(name: str, default: str = "") -> str:
    """A setting of the audit log: Django settings first, then the environment (read at call time)."""
    value = getattr(settings, name, None)
    if value is None or value == "":
        value = os.environ.get(name, default)
    return str(value)


def key_path() -> Path:
    configured = setting("TCX_AUDIT_KEY_FILE")
    return Path(configured) if configured else Path(settings.DATA_DIR) / "keys" / "audit.key"


def _read(path: Path) -> bytes:
    text = path.read_text().strip()
    try:
        key = bytes.fromhex(text)
    except ValueError as exc:
        raise AuditKeyError(f"the audit key file {path} is not hexadecimal") from exc
    if len(key) != KEY_BYTES:
        raise AuditKeyError(f"the audit key file {path} holds {len(key)} bytes, not {KEY_BYTES}")
    return key


def load_key(*, create: bool = False) -> bytes | None:
    """This node's audit key; with ``create``, made on first use (mode 600). None if there is none."""
    path = key_path()
    cached = _cache.get(str(path))
    if cached is not None:
        return cached
    if not path.exists():
        if not create:
            return None
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process made it first: read theirs
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_bytes(KEY_BYTES).hex() + "\n")
                handle.flush()
                os.fsync(handle.fileno())
    key = _read(path)
    _cache[str(path)] = key
    return key


def forget_cached_keys() -> None:
    """Drop the in-process copy (after a restore or a test that replaces the key file)."""
    _cache.clear()


def key_id(key: bytes) -> str:
    """A short public name for a key, so a verifier can tell a wrong key from a rewritten chain."""
    return hmac.new(key, b"tcx audit key id", hashlib.sha256).hexdigest()[:16]


def signing_key(key: bytes) -> Ed25519PrivateKey:
    seed = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"tcx audit checkpoint signing").derive(
        key
    )
    return Ed25519PrivateKey.from_private_bytes(seed)


def public_key_text(key: bytes) -> str:
    raw = (
        signing_key(key).public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    )
    return base64.b64encode(raw).decode()


def public_key_from_text(text: str) -> Ed25519PublicKey:
    return Ed25519PublicKey.from_public_bytes(base64.b64decode(text))
