"""A meeting's progress report as PDF (fpdf2, pure Python, Debian's Noto fonts) and XLSX."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from tcx.roadmap.models import ActionLine, Meeting
from tcx.roadmap.selectors import line_status

FONT_DIR = Path("/usr/share/fonts/truetype/noto")
COLUMNS = [
    "Code",
    "Action line",
    "Crime area",
    "Lead",
    "Co-leads",
    "Partners",
    "Due",
    "Status",
    "Latest progress",
]


def _row(line: ActionLine) -> list[str]:
    latest = next(iter(line.progress_updates.all()), None)
    area = line.crime_area or line.component.crime_area
    return [
        line.code,
        line.title,
        area.name if area else "",
        line.lead.name,
        ", ".join(c.name for c in line.co_leads.all()),
        ", ".join(c.name for c in line.partners.all()),
        line.due_on.isoformat(),
        line_status(line).replace("_", " "),
        f"{latest.created_at:%Y-%m-%d} {latest.country.name}: {latest.text}" if latest else "",
    ]


def report_title(meeting: Meeting | None) -> str:
    return f"Progress report for {meeting.number}" if meeting else "Roadmap progress report"


def report_pdf(*, meeting: Meeting | None, lines: list[ActionLine]) -> bytes:
    from fpdf import FPDF

    pdf = FPDF(orientation="L", format="A4")
    pdf.add_font("Noto", "", str(FONT_DIR / "NotoSans-Regular.ttf"))
    pdf.add_font("Noto", "B", str(FONT_DIR / "NotoSans-Bold.ttf"))
    pdf.set_auto_page_break(auto=True, margin=12)
    pdf.add_page()
    pdf.set_font("Noto", "B", 14)
    pdf.cell(0, 10, report_title(meeting), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Noto", "", 9)
    if meeting:
        pdf.cell(
            0,
            6,
            f"{meeting.title}, {meeting.starts_on:%d %b %Y} to {meeting.ends_on:%d %b %Y}",
            new_x="LMARGIN",
            new_y="NEXT",
        )
    widths = (22, 60, 30, 24, 24, 22, 18, 16, 61)
    with pdf.table(col_widths=widths, text_align="LEFT", line_height=4.5) as table:
        header = table.row()
        for title in COLUMNS:
            header.cell(title)
        for line in lines:
            row = table.row()
            for value in _row(line):
                row.cell(value)
    return bytes(pdf.output())


def report_xlsx(*, meeting: Meeting | None, lines: list[ActionLine]) -> bytes:
    book = Workbook()
    sheet: Any = book.active
    sheet.title = "Progress"
    sheet.append([report_title(meeting)])
    sheet["A1"].font = Font(bold=True)
    sheet.append(COLUMNS)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for line in lines:
        sheet.append(_row(line))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
