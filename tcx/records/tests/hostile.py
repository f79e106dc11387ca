"""Hostile import files, made at test time (a bomb is a few KB compressed; the repository keeps
none of them): workbooks written by hand, so that one cell can be streamed in of any size."""

from __future__ import annotations

import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)


def _column(index: int) -> str:
    name = ""
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def _row(number: int, cells: list[str]) -> bytes:
    xml = "".join(
        f'<c r="{_column(i)}{number}" t="inlineStr"><is><t>{escape(value)}</t></is></c>'
        for i, value in enumerate(cells, start=1)
    )
    return f'<row r="{number}">{xml}</row>'.encode()


def workbook(
    path: Path,
    rows: list[list[str]],
    *,
    big_cell: int = 0,
    big_row: int | None = None,
    prologue: str = "",
) -> Path:
    """An XLSX workbook with ``rows`` (the first is the header); then, if ``big_cell``, a row
    whose second cell is that many characters, streamed into the zip a MiB at a time (written
    at number ``big_row`` if given: a row number far past the others)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(
                f'<?xml version="1.0" encoding="UTF-8"?>{prologue}'
                '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                "<sheetData>".encode()
            )
            for number, cells in enumerate(rows, start=1):
                sheet.write(_row(number, cells))
            number = big_row or len(rows) + 1
            if big_cell:
                sheet.write(
                    f'<row r="{number}"><c r="A{number}" t="inlineStr"><is><t>X</t></is></c>'.encode()
                )
                sheet.write(f'<c r="B{number}" t="inlineStr"><is><t>'.encode())
                piece = b"A" * (1 << 20)
                left = big_cell
                while left > 0:
                    sheet.write(piece[: min(left, len(piece))])
                    left -= len(piece)
                sheet.write(b"</t></is></c></row>")
            elif big_row:
                sheet.write(_row(big_row, ["X", "Far Away"]))
            sheet.write(b"</sheetData></worksheet>")
    return path


if __name__ == "__main__":  # make the 300 MB-cell bomb of issue 12 for a measurement
    import sys

    out = workbook(Path(sys.argv[1]), [["id", "name"], ["1", "Somchai Jaidee"]], big_cell=int(sys.argv[2]))
    print(out, out.stat().st_size, "bytes")
