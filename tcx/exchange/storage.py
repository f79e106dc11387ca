"""The attachment store: files outside the database under ``MEDIA_ROOT/exchange``, encrypted at
rest, their type detected from the bytes, executables and active content refused.

Encryption: Fernet (AES-128-CBC + HMAC-SHA256, from ``cryptography``) with keys kept in the key
ring ``DATA_DIR/exchange-keys.json`` (created on first use, mode 600). Each attachment records
the id of the key that encrypted it. **Rotation**: ``tcx exchange_rotate_key`` adds a new key,
makes it current and re-encrypts every stored file with it (each file is written to a new name,
then the row is updated, then the old file is removed); older keys stay in the ring until no
attachment uses them, and are then dropped by the same command. Back up the key ring with the
database and the file store: a file store without its key ring cannot be read.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.utils.translation import gettext as _

from tcx.exchange import content

DEFAULT_MAX_BYTES = 50 * 1024 * 1024


class AttachmentError(ValueError):
    """A file that cannot be attached; the message says why."""


def max_bytes() -> int:
    return int(getattr(settings, "TCX_EXCHANGE_MAX_ATTACHMENT_BYTES", DEFAULT_MAX_BYTES))


def _folder() -> Path:
    folder = Path(settings.MEDIA_ROOT) / "exchange"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _ring_path() -> Path:
    return Path(settings.DATA_DIR) / "exchange-keys.json"


def key_ring() -> dict[str, object]:
    """The key ring ``{"current": id, "keys": {id: key}}``, created on first use."""
    path = _ring_path()
    if not path.exists():
        key_id = secrets.token_hex(4)
        ring: dict[str, object] = {"current": key_id, "keys": {key_id: Fernet.generate_key().decode()}}
        _write_ring(ring)
        return ring
    stored: dict[str, object] = json.loads(path.read_text())
    return stored


def _write_ring(ring: dict[str, object]) -> None:
    path = _ring_path()
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(ring, handle)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


def _fernet(key_id: str) -> Fernet:
    keys = key_ring()["keys"]
    assert isinstance(keys, dict)
    return Fernet(keys[key_id].encode())


@dataclass
class StoredFile:
    name: str
    size: int
    sha256: str
    content_type: str
    storage_name: str
    key_id: str


def clean_name(name: str) -> str:
    """The file name as shown: any script kept (NFC), no folders, no control characters."""
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip().strip(".")
    return name[:255] or "attachment"


def unique_name(name: str, taken: set[str]) -> str:
    """``report.pdf``, then ``report (2).pdf`` ... when a message carries the same name twice."""
    if name.lower() not in taken:
        return name
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem:
        stem, ext, dot = name, "", ""
    n = 2
    while f"{stem} ({n}){dot}{ext}".lower() in taken:
        n += 1
    return f"{stem} ({n}){dot}{ext}"


_EXECUTABLE = (
    (b"MZ", "a Windows executable"),
    (b"\x7fELF", "a Linux executable"),
    (b"\xfe\xed\xfa\xce", "a macOS executable"),
    (b"\xfe\xed\xfa\xcf", "a macOS executable"),
    (b"\xce\xfa\xed\xfe", "a macOS executable"),
    (b"\xcf\xfa\xed\xfe", "a macOS executable"),
    (b"\xca\xfe\xba\xbe", "a macOS or Java executable"),
    (b"#!", "a script"),
)


def detect_type(data: bytes, *, depth: int = 0, budget: Any = None) -> str:
    """The content type of ``data`` from its bytes, parsed (``tcx.exchange.content``);
    AttachmentError, saying why, for what must not be sent."""
    head = data[:16]
    for magic, what in _EXECUTABLE:
        if head.startswith(magic):
            raise AttachmentError(
                _("the file is %(what)s; executables and scripts cannot be attached") % {"what": what}
            )
    try:
        return _parsed_type(data, depth=depth, budget=budget)
    except content.Refused as exc:
        raise AttachmentError(str(exc)) from exc


def _check_member(name: str, data: bytes, depth: int, budget: Any) -> None:
    try:
        detect_type(data, depth=depth, budget=budget)
    except AttachmentError as exc:
        raise content.Refused(str(exc)) from exc


def _parsed_type(data: bytes, *, depth: int, budget: Any) -> str:
    head = data[:16]
    archive = content.other_archive(data)
    if archive:
        raise content.Refused(
            _("the file is %(archive)s; only zip archives can be looked into, so it cannot be attached")
            % {"archive": archive}
        )
    if head.startswith(b"%PDF-"):
        if b"%%EOF" not in data[-2048:]:
            raise content.Refused(_("the PDF is truncated (no end-of-file marker)"))
        content.check_pdf(data)
        return "application/pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        if b"IEND" not in data[-16:]:
            raise content.Refused(_("the PNG image is truncated"))
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        if not data.rstrip(b"\x00").endswith(b"\xff\xd9"):
            raise content.Refused(_("the JPEG image is truncated"))
        return "image/jpeg"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return content.walk_zip(data, depth=depth, budget=budget, check_member=_check_member)
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        if re.search(rb"_VBA_PROJECT|V\x00B\x00A\x00|Macros", data):
            raise content.Refused(_("the Office document contains macros"))
        return "application/x-ole-storage"
    text = content.decode_text(data)
    if text is not None:
        try:
            content.check_markup(text)
        except content.Refused as exc:
            raise content.Refused(_("the file contains %(exc)s") % {"exc": exc}) from exc
        return "text/plain"
    return "application/octet-stream"


def inspect(name: str, data: bytes, *, declared_sha256: str = "") -> tuple[str, str]:
    """Check one file; return its SHA-256 and content type, or raise AttachmentError."""
    label = clean_name(name)
    if not data:
        raise AttachmentError(_("“%(label)s” is empty") % {"label": label})
    limit = max_bytes()
    if len(data) > limit:
        raise AttachmentError(
            _("“%(label)s” is %(size)s bytes; an attachment may be at most %(limit)s bytes")
            % {"label": label, "size": len(data), "limit": limit}
        )
    sha256 = hashlib.sha256(data).hexdigest()
    if declared_sha256 and declared_sha256.lower() != sha256:
        raise AttachmentError(
            _("“%(label)s” arrived incomplete or altered: its SHA-256 does not match") % {"label": label}
        )
    try:
        content_type = detect_type(data)
    except AttachmentError as exc:
        raise AttachmentError(_("“%(label)s”: %(exc)s") % {"label": label, "exc": exc}) from exc
    ext = content.dangerous_extension(name)
    if ext:
        raise AttachmentError(
            _(
                "“%(label)s”: .%(ext)s files (programs, scripts, shortcuts, disc images, "
                "macro-enabled documents) cannot be attached, whatever they hold"
            )
            % {"label": label, "ext": ext}
        )
    return sha256, content_type


def write(name: str, data: bytes, *, sha256: str, content_type: str) -> StoredFile:
    """Encrypt and store the bytes; the caller removes the file if its transaction fails."""
    ring = key_ring()
    key_id = str(ring["current"])
    storage_name = secrets.token_hex(16)
    (_folder() / storage_name).write_bytes(_fernet(key_id).encrypt(data))
    return StoredFile(clean_name(name), len(data), sha256, content_type, storage_name, key_id)


def read(storage_name: str, key_id: str) -> bytes:
    try:
        return _fernet(key_id).decrypt((_folder() / storage_name).read_bytes())
    except (InvalidToken, KeyError, FileNotFoundError) as exc:
        raise AttachmentError(_("the stored file cannot be read (missing file or key)")) from exc


def remove(storage_name: str) -> None:
    (_folder() / storage_name).unlink(missing_ok=True)


def rotate(pairs: list[tuple[int, str, str]]) -> tuple[str, dict[int, tuple[str, str]]]:
    """Add a current key and re-encrypt the given files ``(id, storage_name, key_id)``.

    Returns the new key id and, per id, its new ``(storage_name, key_id)``; the caller updates the
    rows, then calls ``forget_unused_keys``."""
    ring = key_ring()
    new_id = secrets.token_hex(4)
    keys = dict(ring["keys"])  # type: ignore[call-overload]
    keys[new_id] = Fernet.generate_key().decode()
    _write_ring({"current": new_id, "keys": keys})
    moved: dict[int, tuple[str, str]] = {}
    for pk, storage_name, key_id in pairs:
        data = read(storage_name, key_id)
        new_name = secrets.token_hex(16)
        (_folder() / new_name).write_bytes(_fernet(new_id).encrypt(data))
        moved[pk] = (new_name, new_id)
    return new_id, moved


def forget_unused_keys(used: set[str]) -> None:
    ring = key_ring()
    keys = {k: v for k, v in dict(ring["keys"]).items() if k in used or k == ring["current"]}  # type: ignore[call-overload]
    _write_ring({"current": ring["current"], "keys": keys})
