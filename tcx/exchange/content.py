"""What an attachment holds, found by parsing it rather than by matching patterns in its bytes.

- **Names**: a file (or archive member) whose name, as Windows would read it (trailing dots and
  spaces dropped, bidirectional controls removed), ends in a program or script extension.
- **PDF**: every name token decoded (``/J#61vaScript`` is ``/JavaScript``), in the file and in
  its object streams (inflated within a bound); refused: JavaScript, launch actions, embedded
  files, rich media, XFA forms, automatic actions (``/AA``) and an ``/OpenAction`` that is an
  action rather than a page to open at. Object streams that cannot be decoded (an unknown
  filter, an encrypted file) cannot be checked and are refused.
- **Zip archives** (and Office/OpenDocument files) walked to ``MAX_DEPTH``: each member's name
  and bytes are checked like a file of their own, nested archives included; the member count
  and the expanded size are bounded (zip bombs), whatever the headers claim.
- **Other archives** (7z, RAR, gzip, tar, CAB, ISO ...) cannot be looked into: refused.
- **SVG, XML and HTML**: decoded (UTF-8, UTF-16 or UTF-32, with or without a byte-order mark)
  and parsed: XML with expat, entity declarations refused (no expansion bombs); HTML with
  ``html.parser``. Refused: HTML pages, ``<script>``, ``<foreignObject>``, frames and plugins,
  any ``on*`` event-handler attribute, ``javascript:``/``vbscript:``/``data:`` markup URLs.
"""

from __future__ import annotations

import base64
import codecs
import io
import re
import unicodedata
import zipfile
import zlib
from html.parser import HTMLParser
from typing import Any
from xml.parsers import expat

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

MAX_DEPTH = 3
DEFAULT_MAX_MEMBERS = 10_000
DEFAULT_MAX_EXPANDED_BYTES = 512 * 1024 * 1024
MAX_PDF_INFLATED_BYTES = 64 * 1024 * 1024


def max_members() -> int:
    """``TCX_EXCHANGE_MAX_ARCHIVE_MEMBERS``: files an archive may hold, nested ones included."""
    return int(getattr(settings, "TCX_EXCHANGE_MAX_ARCHIVE_MEMBERS", DEFAULT_MAX_MEMBERS))


def max_expanded_bytes() -> int:
    """``TCX_EXCHANGE_MAX_EXPANDED_BYTES``: bytes an archive may expand to, nested ones included."""
    return int(getattr(settings, "TCX_EXCHANGE_MAX_EXPANDED_BYTES", DEFAULT_MAX_EXPANDED_BYTES))


class Refused(ValueError):
    """Content that must not be attached; the message says why, for the sender."""


# Programs, scripts, shortcuts and installers: refused by name wherever they appear.
DANGEROUS_EXTENSIONS = frozenset(
    [
        "exe",
        "dll",
        "scr",
        "com",
        "pif",
        "cpl",
        "bat",
        "cmd",
        "ps1",
        "psm1",
        "psd1",
        "vbs",
        "vbe",
        "js",
        "jse",
        "wsf",
        "wsh",
        "wsc",
        "hta",
        "msi",
        "msp",
        "mst",
        "lnk",
        "url",
        "jar",
        "iso",
        "img",
        "vhd",
        "vhdx",
        "reg",
        "inf",
        "sct",
        "chm",
        "appx",
        "appxbundle",
        "msix",
        "msixbundle",
        "application",
        "gadget",
        "sh",
        "ksh",
        "bash",
        "csh",
        "command",
        "app",
        "apk",
        "dmg",
        "pkg",
        "run",
        "elf",
        "so",
        "dylib",
        "scf",
        "xll",
        "xlam",
        "docm",
        "dotm",
        "xlsm",
        "xltm",
        "pptm",
        "potm",
        "ppsm",
        "sldm",
    ]
)
MACRO_EXTENSIONS = frozenset(["xll", "xlam", "docm", "dotm", "xlsm", "xltm", "pptm", "potm", "ppsm", "sldm"])
_BIDI_AND_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def dangerous_extension(name: str) -> str | None:
    """The program or script extension ``name`` ends in, as Windows reads it, or None."""
    name = unicodedata.normalize("NFKC", name or "")
    name = _BIDI_AND_INVISIBLE.sub("", name)
    name = re.split(r"[\\/]", name)[-1]
    name = name.split(":", 1)[0]  # an NTFS stream ("evil.exe::$DATA")
    name = name.rstrip(". \t\r\n\x00")
    if "." not in name:
        return None
    ext = name.rsplit(".", 1)[1].lower()
    return ext if ext in DANGEROUS_EXTENSIONS else None


# --- PDF ------------------------------------------------------------------------------------

_PDF_NAME = re.compile(rb"/([^\s/\[\]()<>{}%]*)")
_PDF_HEX_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_PDF_ACTIVE = {
    b"JavaScript": gettext_lazy("JavaScript"),
    b"JS": gettext_lazy("JavaScript"),
    b"Launch": gettext_lazy("a launch action"),
    b"EmbeddedFile": gettext_lazy("an embedded file"),
    b"EmbeddedFiles": gettext_lazy("embedded files"),
    b"FileAttachment": gettext_lazy("an attached file"),
    b"GoToE": gettext_lazy("an embedded-file action"),
    b"RichMedia": gettext_lazy("rich media (Flash or video)"),
    b"XFA": gettext_lazy("an XFA form (which may run scripts)"),
    b"AA": gettext_lazy("automatic actions (/AA)"),
    b"ImportData": gettext_lazy("an import-data action"),
    b"SubmitForm": gettext_lazy("a submit-form action"),
}
_STREAM = re.compile(rb"(<<(?:(?!>>\s*stream).){0,4096}?>>)\s*stream\r?\n", re.DOTALL)
_INDIRECT = re.compile(rb"\s*(\d+)\s+(\d+)\s+R")


def _pdf_names(data: bytes) -> list[tuple[bytes, int]]:
    """Every name token with its end offset, ``#xx`` escapes decoded."""
    return [
        (_PDF_HEX_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), m.group(1)), m.end())
        for m in _PDF_NAME.finditer(data)
    ]


def _inflate(data: bytes, budget: int) -> bytes:
    inflater = zlib.decompressobj()
    try:
        out = inflater.decompress(data, budget + 1)
    except zlib.error as exc:
        raise Refused(
            _("the PDF has a compressed part that cannot be read, so it cannot be checked")
        ) from exc
    if len(out) > budget:
        raise Refused(
            _("the PDF expands to more than %(limit)s bytes; it cannot be checked")
            % {"limit": MAX_PDF_INFLATED_BYTES}
        )
    return out


def _decode_stream(dictionary: bytes, raw: bytes, budget: int) -> bytes:
    """The decoded bytes of a stream through its filters (Flate, ASCIIHex, ASCII85)."""
    names = [n for n, _ in _pdf_names(dictionary)]
    filters = [n for n in names if n.endswith(b"Decode") or n in (b"Fl", b"AHx", b"A85")]
    data = raw
    for name in filters:
        if name in (b"FlateDecode", b"Fl"):
            data = _inflate(data, budget)
        elif name in (b"ASCIIHexDecode", b"AHx"):
            hexdigits = re.sub(rb"[^0-9A-Fa-f]", b"", data.split(b">", 1)[0])
            data = bytes.fromhex((hexdigits + b"0" * (len(hexdigits) % 2)).decode())
        elif name in (b"ASCII85Decode", b"A85"):
            try:
                body = data.split(b"~>", 1)[0].strip().removeprefix(b"<~")
                data = base64.a85decode(body, adobe=False, ignorechars=b" \t\r\n")
            except ValueError as exc:
                raise Refused(_("the PDF has an encoded part that cannot be read")) from exc
        else:
            raise Refused(
                _("the PDF packs objects with the %(filter)s filter; it cannot be checked")
                % {"filter": name.decode(errors="replace")}
            )
    return data


def _check_pdf_names(data: bytes, where: str = "") -> None:
    names = _pdf_names(data)
    for name, end in names:
        if name in _PDF_ACTIVE:
            raise Refused(
                _("the PDF carries active content: %(what)s%(where)s")
                % {"what": _PDF_ACTIVE[name], "where": where}
            )
        if name == b"OpenAction":
            following = data[end : end + 64].lstrip()
            # A page to open at ([3 0 R /Fit]) is harmless; an action (<< /S ... >>) is not.
            if following.startswith(b"<<"):
                raise Refused(
                    _("the PDF carries active content: an action run when it is opened%(where)s")
                    % {"where": where}
                )
            ref = _INDIRECT.match(data, end)
            if ref:
                target = re.search(rb"\b" + ref.group(1) + rb"\s+" + ref.group(2) + rb"\s+obj\s*<<", data)
                if target:
                    raise Refused(
                        _("the PDF carries active content: an action run when it is opened%(where)s")
                        % {"where": where}
                    )


def check_pdf(data: bytes) -> None:
    """Refuse a PDF with active content, looking into its object streams."""
    _check_pdf_names(data)
    names = {name for name, _ in _pdf_names(data)}
    encrypted = b"Encrypt" in names
    budget = MAX_PDF_INFLATED_BYTES
    for match in _STREAM.finditer(data):
        dictionary = match.group(1)
        dict_names = {n for n, _ in _pdf_names(dictionary)}
        if b"ObjStm" not in dict_names:
            continue  # page content, images, fonts: no dictionaries of actions live there
        if encrypted:
            raise Refused(_("the PDF is encrypted and packs its objects in streams; it cannot be checked"))
        end = data.find(b"endstream", match.end())
        raw = data[match.end() : end if end != -1 else len(data)]
        decoded = _decode_stream(dictionary, raw, budget)
        budget -= len(decoded)
        if budget < 0:
            raise Refused(
                _("the PDF expands to more than %(limit)s bytes; it cannot be checked")
                % {"limit": MAX_PDF_INFLATED_BYTES}
            )
        _check_pdf_names(decoded, str(_(" (in a compressed object stream)")))


# --- markup: SVG, XML, HTML -------------------------------------------------------------------

_ACTIVE_ELEMENTS = {
    "script": gettext_lazy("a script"),
    "foreignobject": gettext_lazy("a foreignObject (HTML inside SVG)"),
    "iframe": gettext_lazy("a frame"),
    "frame": gettext_lazy("a frame"),
    "frameset": gettext_lazy("a frame"),
    "object": gettext_lazy("an embedded object"),
    "embed": gettext_lazy("an embedded object"),
    "applet": gettext_lazy("an applet"),
    "handler": gettext_lazy("an event handler"),
    "listener": gettext_lazy("an event listener"),
    "html": gettext_lazy("an HTML page"),
    "body": gettext_lazy("an HTML page"),
    "head": gettext_lazy("an HTML page"),
    "meta": gettext_lazy("an HTML page"),
    "base": gettext_lazy("an HTML page"),
    "form": gettext_lazy("a form"),
}
_URL_NOISE = re.compile(r"[\x00-\x20\x7f]+")
_ACTIVE_URL = re.compile(r"(javascript|vbscript|livescript):|data:(text/html|image/svg|application/)", re.I)


def _check_attribute(element: str, name: str, value: str | None) -> None:
    local = name.rsplit(":", 1)[-1].rsplit("}", 1)[-1].lower()
    if local.startswith("on"):
        raise Refused(
            _("an event handler (%(local)s on <%(element)s>)") % {"local": local, "element": element}
        )
    if value and _ACTIVE_URL.search(_URL_NOISE.sub("", value)):
        raise Refused(
            _("a script address in %(local)s on <%(element)s>") % {"local": local, "element": element}
        )


def _check_element(name: str) -> None:
    local = name.rsplit(":", 1)[-1].rsplit("}", 1)[-1].lower()
    if local in _ACTIVE_ELEMENTS:
        raise Refused(_("%(what)s (<%(local)s>)") % {"what": _ACTIVE_ELEMENTS[local], "local": local})


class _HtmlChecker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        _check_element(tag)
        for name, value in attrs:
            _check_attribute(tag, name, value)
        self._in_style = tag == "style"

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        self._in_style = False

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style and (_ACTIVE_URL.search(_URL_NOISE.sub("", data)) or "expression(" in data.lower()):
            raise Refused(_("a script in a style sheet"))

    def handle_decl(self, decl: str) -> None:
        if decl.lower().startswith("doctype html"):
            raise Refused(_("an HTML page (<!DOCTYPE html>)"))


def _check_xml(text: str) -> None:
    """Parse as XML (expat, no entity declarations) and check every element and attribute.
    A document that is not well-formed XML is left to the HTML check."""
    parser = expat.ParserCreate(namespace_separator="}")

    def refuse_entities(*args: Any) -> None:
        raise Refused(_("XML entity declarations (they can expand without bound)"))

    def start(name: str, attrs: dict[str, str]) -> None:
        _check_element(name)
        for key, value in attrs.items():
            _check_attribute(name.rsplit("}", 1)[-1], key, value)

    parser.StartElementHandler = start
    parser.EntityDeclHandler = refuse_entities
    parser.UnparsedEntityDeclHandler = refuse_entities
    parser.ExternalEntityRefHandler = lambda *args: 0
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    try:
        parser.Parse(text, True)
    except expat.ExpatError:
        return


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def decode_text(data: bytes) -> str | None:
    """``data`` as text if it is UTF-8, UTF-16 or UTF-32 (with or without a byte-order mark)."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(encoding)
            except UnicodeDecodeError:
                return None
    head = data[:4]
    guesses = []
    if len(head) == 4 and head[1:] == b"\x00\x00\x00":
        guesses.append("utf-32-le")
    if len(head) == 4 and head[:3] == b"\x00\x00\x00":
        guesses.append("utf-32-be")
    if len(head) >= 2 and head[1] == 0 and head[0] != 0:
        guesses.append("utf-16-le")
    if len(head) >= 2 and head[0] == 0 and head[1] != 0:
        guesses.append("utf-16-be")
    for encoding in guesses:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        sample = text[:1000]
        printable = sum(ch.isprintable() or ch in "\t\r\n" for ch in sample)
        if printable >= 0.95 * len(sample):
            return text
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return None if "\x00" in text else text


def check_markup(text: str) -> None:
    """Refuse SVG, XML or HTML with active content; plain text passes."""
    if "<" not in text:
        return
    try:
        if text.lstrip().startswith("<"):
            _check_xml(text)
        checker = _HtmlChecker()
        checker.feed(text)
        checker.close()
    except Refused as exc:
        raise Refused(_("active content (HTML, SVG or script): %(exc)s") % {"exc": exc}) from exc


# --- archives -------------------------------------------------------------------------------

_OTHER_ARCHIVES = (
    (b"7z\xbc\xaf\x27\x1c", gettext_lazy("a 7-Zip archive")),
    (b"Rar!\x1a\x07", gettext_lazy("a RAR archive")),
    (b"\x1f\x8b", gettext_lazy("a gzip archive")),
    (b"BZh", gettext_lazy("a bzip2 archive")),
    (b"\xfd7zXZ\x00", gettext_lazy("an xz archive")),
    (b"MSCF", gettext_lazy("a CAB archive")),
    (b"\x28\xb5\x2f\xfd", gettext_lazy("a zstd archive")),
)


def other_archive(data: bytes) -> str | None:
    """What kind of archive (other than zip) ``data`` is, or None."""
    for magic, what in _OTHER_ARCHIVES:
        if data.startswith(magic):
            return str(what)
    if data[257:262] == b"ustar":
        return str(gettext_lazy("a tar archive"))
    if data[0x8001:0x8006] == b"CD001" or data[0x8801:0x8806] == b"CD001":
        return str(gettext_lazy("a disc image (ISO)"))
    return None


class _Budget:
    def __init__(self) -> None:
        self.members = 0
        self.bytes = 0


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: _Budget) -> bytes:
    """The member's bytes, read in chunks so that a lying header cannot blow the bound."""
    out = io.BytesIO()
    try:
        with archive.open(info) as member:
            while True:
                chunk = member.read(1024 * 1024)
                if not chunk:
                    break
                budget.bytes += len(chunk)
                if budget.bytes > max_expanded_bytes():
                    raise Refused(
                        _("the archive expands to more than %(limit)s bytes, the limit (a zip bomb?)")
                        % {"limit": max_expanded_bytes()}
                    )
                out.write(chunk)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as exc:
        raise Refused(
            _("the archive is damaged, truncated or encrypted (%(filename)s)") % {"filename": info.filename}
        ) from exc
    return out.getvalue()


OFFICE_TYPES = {
    "word/document.xml": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xl/workbook.xml": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt/presentation.xml": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}


def walk_zip(data: bytes, *, depth: int, budget: _Budget | None, check_member: Any) -> str:
    """Check every member of a zip archive (``check_member(name, bytes, depth)`` for its
    content); return the archive's content type."""
    budget = budget or _Budget()
    if depth > MAX_DEPTH:
        raise Refused(_("the archive nests archives more than %(limit)s deep") % {"limit": MAX_DEPTH})
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, EOFError) as exc:
        raise Refused(_("the archive is damaged or truncated")) from exc
    with archive:
        infos = archive.infolist()
        budget.members += len(infos)
        if budget.members > max_members():
            raise Refused(
                _("the archive holds more than %(limit)s files, the limit") % {"limit": max_members()}
            )
        names = {i.filename for i in infos}
        office = next((t for n, t in OFFICE_TYPES.items() if n in names), None)
        if office is None and "mimetype" in names:
            office = "application/vnd.oasis.opendocument"
        for info in infos:
            ext = dangerous_extension(info.filename)
            if info.filename.lower().endswith("vbaproject.bin") or (ext and ext in MACRO_EXTENSIONS):
                raise Refused(_("the file contains macros (%(filename)s)") % {"filename": info.filename})
            if ext:
                raise Refused(
                    _("the archive holds an executable program or script (%(filename)s)")
                    % {"filename": info.filename}
                )
            if info.flag_bits & 0x1:
                raise Refused(
                    _("the archive has an encrypted file (%(filename)s); it cannot be checked")
                    % {"filename": info.filename}
                )
            if info.is_dir():
                continue
            content = _read_member(archive, info, budget)
            if office and info.filename.lower().endswith((".xml", ".rels")):
                continue  # the document's own parts: their names and bytes were checked above
            try:
                check_member(info.filename, content, depth + 1, budget)
            except Refused as exc:
                raise Refused(
                    _("%(filename)s in the archive: %(exc)s") % {"filename": info.filename, "exc": exc}
                ) from exc
    return office or "application/zip"
