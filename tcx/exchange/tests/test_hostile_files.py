"""Hostile attachments, generated here: each is refused with a reason the sender can act on, and
nothing is stored (no exchange, no file). Content is parsed, not pattern-matched: PDF names
decoded and object streams inflated, archives walked to a bounded depth and size, SVG and HTML
parsed in any Unicode encoding (issue 12, finding 8)."""

from __future__ import annotations

import base64
import io
import zipfile
import zlib

import pytest

from tcx.exchange import services
from tcx.exchange.models import Attachment, Exchange

pytestmark = pytest.mark.django_db


def _pdf(*objects: bytes) -> bytes:
    body = b"%PDF-1.7\n"
    for n, obj in enumerate(objects, start=1):
        body += b"%d 0 obj\n" % n + obj + b"\nendobj\n"
    return body + b"trailer\n<</Root 1 0 R>>\n%%EOF\n"


def _objstm(inner: bytes, *, dictionary: bytes = b"/Type/ObjStm/N 1/First 4/Filter/FlateDecode") -> bytes:
    packed = zlib.compress(b"3 0 " + inner)
    return b"<<" + dictionary + b"/Length %d>>\nstream\n" % len(packed) + packed + b"\nendstream"


def _zip(members: dict[str, bytes], *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _nested(levels: int, inner: dict[str, bytes]) -> bytes:
    data = _zip(inner)
    for n in range(levels - 1):
        data = _zip({f"level{n}.zip": data})
    return data


SVG = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">{}</svg>'
EXE = b"MZ\x90\x00\x03" + b"\x00" * 64


def _send(world, upload):
    return services.exchange_send(
        actor=world.users["a_officer"],
        subject="files",
        body="see attached",
        recipients=[world.agency_b.pk],
        attachments=[upload],
    )


def _assert_refused(world, settings, name, data, words):
    with pytest.raises(services.ExchangeError) as caught:
        _send(world, services.Upload(name, data))
    reason = caught.value.errors["attachments"]
    assert words in reason, reason
    assert not Exchange.objects.exists() and not Attachment.objects.exists()
    folder = settings.MEDIA_ROOT / "exchange"
    assert not folder.exists() or not any(folder.iterdir())


HOSTILE = {
    # PDF: names written with #xx escapes, and actions hidden in compressed object streams.
    "pdf escaped JavaScript": (
        "report.pdf",
        _pdf(b"<</Type/Catalog>>", b"<</S/J#61vaScript/J#53(app.alert(1))>>"),
        "JavaScript",
    ),
    "pdf escaped JS only": ("report.pdf", _pdf(b"<</Type/Catalog/Names<</#4A#53 2 0 R>>>>"), "JavaScript"),
    "pdf launch": ("report.pdf", _pdf(b"<</Type/Catalog>>", b"<</S/L#61unch/F(cmd.exe)>>"), "launch"),
    "pdf embedded file": ("report.pdf", _pdf(b"<</Type/Emb#65ddedFile>>"), "embedded file"),
    "pdf rich media": ("report.pdf", _pdf(b"<</Subtype/RichMedia>>"), "rich media"),
    "pdf automatic action": ("report.pdf", _pdf(b"<</Type/Page/AA<</O 2 0 R>>>>"), "automatic actions"),
    "pdf open action": (
        "report.pdf",
        _pdf(b"<</Type/Catalog/OpenAction<</S/URI/URI(http://x)>>>>"),
        "opened",
    ),
    "pdf JavaScript in an object stream": (
        "report.pdf",
        _pdf(b"<</Type/Catalog>>", _objstm(b"<</S/JavaScript/JS(app.alert(1))>>")),
        "compressed object stream",
    ),
    "pdf escaped object stream type": (
        "report.pdf",
        _pdf(_objstm(b"<</S/Launch>>", dictionary=b"/T#79pe/Obj#53tm/N 1/First 4/Filter/Fl#61teDecode")),
        "launch",
    ),
    "pdf JavaScript in an ASCII85 and Flate object stream": (
        "report.pdf",
        _pdf(
            b"<</Type/ObjStm/N 1/First 4/Filter[/ASCII85Decode/FlateDecode]>>\nstream\n"
            + base64.a85encode(zlib.compress(b"3 0 <</S/JavaScript>>"))
            + b"~>\nendstream"
        ),
        "JavaScript",
    ),
    "pdf object stream that cannot be decoded": (
        "report.pdf",
        _pdf(_objstm(b"<<>>", dictionary=b"/Type/ObjStm/N 1/First 4/Filter/LZWDecode")),
        "cannot be checked",
    ),
    # Archives: nested, names Windows reads as programs, members that are programs, bombs.
    "zip in a zip holding an exe": ("photos.zip", _nested(2, {"setup.exe": EXE}), "executable"),
    "exe with a trailing dot": ("photos.zip", _zip({"evil.exe.": b"x"}), "evil.exe."),
    "exe with a trailing space": ("photos.zip", _zip({"evil.exe ": b"x"}), "executable"),
    "right-to-left override": ("photos.zip", _zip({"photo\u202egpj.exe": b"x"}), "executable"),
    "program under a harmless name": ("photos.zip", _zip({"readme.txt": EXE}), "Windows executable"),
    "too deep": ("photos.zip", _nested(5, {"a.txt": b"hello"}), "more than 3 deep"),
    "svg in a zip": ("photos.zip", _zip({"a.svg": SVG.format('<g onclick="x()"/>').encode()}), "onclick"),
    "macro-enabled name": ("photos.zip", _zip({"budget.xlsm": b"x"}), "macros"),
    # Archives that cannot be looked into.
    "7z": ("a.7z", b"7z\xbc\xaf\x27\x1c\x00\x04" + b"\x00" * 64, "7-Zip"),
    "rar": ("a.rar", b"Rar!\x1a\x07\x01\x00" + b"\x00" * 64, "RAR"),
    "gzip": ("a.gz", zlib.compress(b"x")[:0] + b"\x1f\x8b\x08\x00" + b"\x00" * 64, "gzip"),
    "tar": ("a.tar", b"a.exe".ljust(257, b"\x00") + b"ustar\x0000" + b"\x00" * 300, "tar"),
    # SVG and HTML, parsed; in UTF-16 and UTF-32 too.
    "svg onbegin": ("logo.svg", SVG.format('<animate onbegin="alert(1)"/>').encode(), "onbegin"),
    "svg onmouseover": ("logo.svg", SVG.format('<rect onmouseover="alert(1)"/>').encode(), "onmouseover"),
    "svg script in CDATA": (
        "logo.svg",
        SVG.format("<script><![CDATA[alert(1)]]></script>").encode(),
        "script",
    ),
    "svg foreignObject": (
        "logo.svg",
        SVG.format("<foreignObject><p>x</p></foreignObject>").encode(),
        "foreignObject",
    ),
    "svg javascript link": (
        "logo.svg",
        SVG.format('<a xlink:href="java&#x09;script:alert(1)"><text>x</text></a>').encode(),
        "script address",
    ),
    "svg utf-16 with bom": ("logo.svg", SVG.format('<g onload="x()"/>').encode("utf-16"), "onload"),
    "svg utf-16 without bom": ("logo.svg", SVG.format('<g onload="x()"/>').encode("utf-16-be"), "onload"),
    "svg utf-32": ("logo.svg", SVG.format('<g onfocusin="x()"/>').encode("utf-32"), "onfocusin"),
    "svg entity expansion": (
        "logo.svg",
        b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>'
        b'<svg xmlns="http://www.w3.org/2000/svg"><text>&b;</text></svg>',
        "entity",
    ),
    "html handler in a text file": ("notes.txt", b"see <img src=x onerror=alert(1)>", "onerror"),
    "html javascript url": ("notes.txt", b'<a href="JaVaScRiPt:alert(1)">x</a>', "script address"),
    # Names Windows runs, whatever the bytes.
    "batch file": ("run.bat", b"echo hello", ".bat files"),
    "exe with trailing dot at top level": ("evil.exe.", b"plain", ".exe files"),
    "double extension": ("invoice.pdf.scr", b"plain", ".scr files"),
    "script with trailing space": ("x.ps1 ", b"Get-Process", ".ps1 files"),
    "shortcut": ("a.lnk", b"L\x00\x00\x00", ".lnk files"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_file_is_refused_with_its_reason_and_nothing_is_stored(world, settings, case):
    name, data, words = HOSTILE[case]
    _assert_refused(world, settings, name, data, words)


def test_a_zip_bomb_is_stopped_at_the_expanded_size_limit(world, settings):
    settings.TCX_EXCHANGE_MAX_EXPANDED_BYTES = 1_000_000
    bomb = _zip({"zeros.txt": b"\x00" * 2_000_000})
    assert len(bomb) < 10_000
    _assert_refused(world, settings, "bomb.zip", bomb, "more than 1000000 bytes")
    # A bomb of bombs: the bound counts nested archives together.
    nested = _zip({f"part{n}.zip": _zip({"zeros.txt": b"\x00" * 300_000}) for n in range(5)})
    _assert_refused(world, settings, "bomb.zip", nested, "more than 1000000 bytes")


def test_an_archive_of_too_many_files_is_refused(world, settings):
    settings.TCX_EXCHANGE_MAX_ARCHIVE_MEMBERS = 50
    _assert_refused(
        world, settings, "many.zip", _zip({f"{n}.txt": b"x" for n in range(51)}), "more than 50 files"
    )


def test_a_lying_member_size_is_not_trusted(world, settings):
    data = bytearray(_zip({"a.txt": b"hello world" * 100}, compression=zipfile.ZIP_STORED))
    # The local and central headers claim 5 bytes: the reader stops, the CRC does not match.
    for offset in (22, data.rfind(b"PK\x01\x02") + 24):
        data[offset : offset + 4] = (5).to_bytes(4, "little")
    _assert_refused(world, settings, "a.zip", bytes(data), "damaged")


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        ("scan.pdf", _pdf(b"<</Type/Catalog/OpenAction[3 0 R/Fit]>>"), "application/pdf"),
        ("scan.pdf", _pdf(b"<</Type/Catalog>>", _objstm(b"<</Type/Page>>")), "application/pdf"),
        ("logo.svg", SVG.format('<rect width="10" height="10" fill="red"/>').encode("utf-16"), "text/plain"),
        ("notes.txt", b"Do not click javascript:alert(1) links; a < b > c", "text/plain"),
        ("photos.zip", _nested(3, {"a.jpg.txt": b"hello"}), "application/zip"),
        (
            "letter.docx",
            _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b'<w:document only="1"/>'}),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
    ],
)
def test_harmless_files_pass(world, name, data, content_type):
    exchange = _send(world, services.Upload(name, data))
    assert Attachment.objects.get(message__exchange=exchange).content_type == content_type
