"""Attachments: checked by their bytes, refused when empty, oversize, executable or active,
renamed when a name repeats, any script in the name, truncated uploads refused, encrypted at
rest, key rotation, multipart upload through the API."""

from __future__ import annotations

import hashlib
import io
import json
import os
import zipfile

import pytest
from django.core.management import call_command
from django.test import Client

from tcx.exchange import services, storage
from tcx.exchange.models import Attachment, Exchange
from tcx.testing import sign_in

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32 + b"IEND\xaeB`\x82"


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _send(world, *uploads):
    return services.exchange_send(
        actor=world.users["a_officer"],
        subject="files",
        body="see attached",
        recipients=[world.agency_b.pk],
        attachments=list(uploads),
    )


def _refused(world, upload, words):
    with pytest.raises(services.ExchangeError) as caught:
        _send(world, upload)
    assert words in caught.value.errors["attachments"]
    assert not Exchange.objects.exists()


def test_empty_file_is_refused(world):
    _refused(world, services.Upload("empty.pdf", b""), "is empty")


def test_oversize_file_is_refused(world, settings):
    settings.TCX_EXCHANGE_MAX_ATTACHMENT_BYTES = 1024
    _refused(world, services.Upload("big.txt", b"a" * 1025), "at most 1024 bytes")


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"MZ\x90\x00\x03" + b"\x00" * 64, "Windows executable"),
        (b"\x7fELF\x02\x01\x01" + b"\x00" * 64, "Linux executable"),
        (b"\xcf\xfa\xed\xfe" + b"\x00" * 64, "macOS executable"),
        (b"#!/bin/sh\nrm -rf /\n", "script"),
    ],
)
def test_executable_named_pdf_is_refused(world, data, words):
    _refused(world, services.Upload("invoice.pdf", data), words)


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("page.html", b"<!doctype html><html><script>alert(1)</script></html>", "active content"),
        ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>', "active content"),
        (
            "report.pdf",
            PDF.replace(b"<<>>", b"<</OpenAction<</S/JavaScript/JS(app.alert(1))>>>>"),
            "active content",
        ),
        ("budget.docm", _zip({"word/document.xml": b"<w/>", "word/vbaProject.bin": b"x"}), "macros"),
        ("photos.zip", _zip({"a.jpg": b"x", "run.exe": b"MZ"}), "executable"),
        ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64 + b"_VBA_PROJECT", "macros"),
    ],
)
def test_active_content_is_refused(world, name, data, words):
    _refused(world, services.Upload(name, data), words)


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("scan.pdf", PDF[:-8]),  # cut before %%EOF
        ("photo.png", PNG[:-12]),
        ("archive.zip", _zip({"a.txt": b"hello" * 100})[:-30]),
    ],
)
def test_truncated_upload_is_refused(world, name, data):
    _refused(world, services.Upload(name, data), "truncated")


def test_upload_whose_declared_hash_does_not_match_is_refused(world):
    _refused(world, services.Upload("a.pdf", PDF, sha256="0" * 64), "incomplete or altered")


def test_duplicate_and_non_latin_names_are_kept_apart(world):
    exchange = _send(
        world,
        services.Upload("report.pdf", PDF),
        services.Upload("report.pdf", PDF + b" "),
        services.Upload("Report.PDF", PDF),
        services.Upload("รายงาน ตำรวจ.pdf", PDF),
        services.Upload("../../etc/passwd", b"root:x:0:0"),
        services.Upload("မှတ်တမ်း.txt", "ဗမာ".encode()),
    )
    names = list(Attachment.objects.filter(message__exchange=exchange).values_list("name", flat=True))
    assert names == [
        "report.pdf",
        "report (2).pdf",
        "Report (3).PDF",
        "รายงาน ตำรวจ.pdf",
        "passwd",
        "မှတ်တမ်း.txt",
    ]
    client = sign_in(Client(), world.users["b_officer"])
    thai = Attachment.objects.get(name="รายงาน ตำรวจ.pdf")
    response = client.get(f"/api/v1/exchange/attachments/{thai.pk}")
    assert response.status_code == 200 and response.content == PDF
    assert "UTF-8''%E0%B8%A3" in response["Content-Disposition"]
    assert response["X-Content-SHA256"] == hashlib.sha256(PDF).hexdigest()


def test_type_comes_from_the_bytes_not_the_name(world):
    exchange = _send(
        world, services.Upload("photo.pdf", PNG), services.Upload("notes.dat", b"plain text notes")
    )
    types = dict(Attachment.objects.filter(message__exchange=exchange).values_list("name", "content_type"))
    assert types == {"photo.pdf": "image/png", "notes.dat": "text/plain"}


def test_files_are_encrypted_at_rest_with_a_private_key_ring(world, settings):
    exchange = _send(world, services.Upload("secret.txt", b"the informant is X"))
    attachment = Attachment.objects.get(message__exchange=exchange)
    stored = (settings.MEDIA_ROOT / "exchange" / attachment.storage_name).read_bytes()
    assert b"informant" not in stored
    ring = settings.DATA_DIR / "exchange-keys.json"
    assert oct(os.stat(ring).st_mode & 0o777) == "0o600"
    assert storage.read(attachment.storage_name, attachment.key_id) == b"the informant is X"


def test_rotate_key_re_encrypts_every_file(world, settings):
    exchange = _send(world, services.Upload("a.txt", b"alpha"), services.Upload("b.pdf", PDF))
    before = {a.pk: (a.storage_name, a.key_id) for a in Attachment.objects.all()}
    call_command("exchange", "rotate-key")
    for attachment in Attachment.objects.filter(message__exchange=exchange):
        old_name, old_key = before[attachment.pk]
        assert attachment.key_id != old_key and attachment.storage_name != old_name
        assert not (settings.MEDIA_ROOT / "exchange" / old_name).exists()
    assert (
        storage.read(*Attachment.objects.values_list("storage_name", "key_id").get(name="a.txt")) == b"alpha"
    )
    ring = json.loads((settings.DATA_DIR / "exchange-keys.json").read_text())
    assert list(ring["keys"]) == [ring["current"]]


def test_multipart_upload_through_the_api(world, settings):
    client = sign_in(Client(), world.users["a_officer"])
    payload = {
        "subject": "Files",
        "body": "two files",
        "recipients": [world.agency_b.pk],
        "priority": "urgent",
    }
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        "/api/v1/exchange/exchanges/upload",
        {
            "payload": json.dumps(payload),
            "files": [SimpleUploadedFile("a.pdf", PDF), SimpleUploadedFile("b.png", PNG)],
        },
    )
    assert response.status_code == 201, response.content
    assert Attachment.objects.count() == 2
    bad = client.post(
        "/api/v1/exchange/exchanges/upload",
        {"payload": json.dumps(payload), "files": [SimpleUploadedFile("a.pdf", b"MZ\x00\x00")]},
    )
    assert bad.status_code == 422 and bad["Content-Type"] == "application/problem+json"
    assert Exchange.objects.count() == 1


def test_the_upload_endpoint_has_its_own_body_limit(world, settings):
    client = sign_in(Client(), world.users["a_officer"])
    settings.TCX_EXCHANGE_MAX_UPLOAD_BYTES = 100
    response = client.post("/api/v1/exchange/exchanges/upload", {"payload": "x" * 500})
    assert response.status_code == 413
    settings.TCX_EXCHANGE_MAX_UPLOAD_BYTES = 10_000
    assert client.post("/api/v1/exchange/exchanges/upload", {"payload": "x" * 500}).status_code == 422
    # The cap of the other endpoints stays.
    settings.TCX_MAX_BODY_BYTES = 100
    big = json.dumps({"subject": "s" * 500})
    response = client.post("/api/v1/exchange/exchanges", big, content_type="application/json")
    assert response.status_code == 413
