"""Stream sheets of rows into an .xlsx workbook: title, bold header, typed cells, never formulas."""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from functools import cache
from io import BytesIO
from itertools import chain, islice
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

if TYPE_CHECKING:  # openpyxl is imported where a file is built, never by an idle bot
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font, PatternFill
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
WIDTH_SAMPLE = 200
WIDTH_MIN = 6
WIDTH_MAX = 60
SHEET_NAME_MAX = 31
A4 = 9  # the paper size code of A4 in a workbook's page setup

ILLEGAL_CHARACTERS_RE = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")  # as openpyxl's
ERROR_CODES = ("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A")  # as openpyxl's


@cache
def _styles() -> tuple[Font, Font, PatternFill]:
    """The title font, the header font and the header fill."""
    from openpyxl.styles import Font, PatternFill
    return Font(bold=True, size=14), Font(bold=True), PatternFill("solid", fgColor="DDEBF7")

# A spreadsheet program may read these leading characters as the start of a formula.
_FORMULA_START = re.compile(r"^[\s]*[=+\-@＝＋－＠]")
_SHEET_NAME_BAD = re.compile(r"[\\*?:/\[\]]")


@dataclass
class Sheet:
    """One worksheet: a title row (skipped when empty), a header row, then the data rows."""

    name: str
    title: str | None
    headers: list[str]
    rows: Iterable[Sequence[object]]
    number_formats: dict[int, str] = field(default_factory=dict)


def write_workbook(sheets: Iterable[Sheet], target: str | Path | BinaryIO) -> None:
    """Write the sheets, in order, to a path or a binary file object."""
    from openpyxl import Workbook
    wb = Workbook(write_only=True)
    count = 0
    for sheet in sheets:
        _write_sheet(wb.create_sheet(_sheet_name(sheet.name)), sheet)
        count += 1
    if not count:
        raise ValueError("a workbook needs at least one sheet")
    wb.save(str(target) if isinstance(target, Path) else target)


def workbook_bytes(sheets: Iterable[Sheet]) -> bytes:
    """Return the workbook for these sheets as .xlsx bytes."""
    out = BytesIO()
    write_workbook(sheets, out)
    return out.getvalue()


def looks_like_formula(text: str) -> bool:
    """Tell whether a spreadsheet program might read this text as a formula."""
    return bool(_FORMULA_START.match(text))


def display_width(text: str) -> int:
    """Return the width of the text's longest line, East Asian wide characters counting 2."""
    return max(
        (sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)
         for line in text.splitlines()),
        default=0,
    )


def clean_text(text: str) -> str:
    """Drop the control characters XML cannot hold; a carriage return becomes a line feed."""
    return ILLEGAL_CHARACTERS_RE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def _sheet_name(name: str) -> str:
    """Make a valid sheet name: no \\ * ? : / [ ], at most 31 characters."""
    name = _SHEET_NAME_BAD.sub("_", clean_text(name)).strip("'").strip()
    return name[:SHEET_NAME_MAX] or "Sheet"


def _write_sheet(ws: WriteOnlyWorksheet, sheet: Sheet) -> None:
    """Fit the columns to the headers and the first rows, then stream every row."""
    from openpyxl.utils import get_column_letter
    title_font, header_font, header_fill = _styles()
    rows = iter(sheet.rows)
    head = list(islice(rows, WIDTH_SAMPLE))
    ncols = max([len(sheet.headers), *(len(r) for r in head)])
    for col, width in enumerate(_widths(sheet.headers, head, ncols)):
        letter = get_column_letter(col + 1)
        ws.column_dimensions[letter].width = width
        if col in sheet.number_formats:
            ws.column_dimensions[letter].number_format = sheet.number_formats[col]

    header_row = 2 if sheet.title else 1
    fixed = (1 if sheet.title else 0) + (1 if sheet.headers else 0)
    if fixed:
        ws.freeze_panes = f"A{fixed + 1}"  # before the first append: the sheet view goes first
        ws.print_title_rows = f"1:{fixed}"  # every printed page repeats title and header
    _print_on_a4(ws)
    if sheet.title:
        ws.append([_styled(ws, sheet.title, font=title_font)])
    if sheet.headers:
        ws.append([_styled(ws, h, font=header_font, fill=header_fill) for h in sheet.headers])
    row_no = fixed

    formats = sheet.number_formats
    for values in chain(head, rows):
        ws.append([_cell(ws, v, formats.get(i)) for i, v in enumerate(values)])
        row_no += 1
    if sheet.headers:
        last = get_column_letter(len(sheet.headers))
        ws.auto_filter.ref = f"A{header_row}:{last}{row_no}"


def _print_on_a4(ws: WriteOnlyWorksheet) -> None:
    """A4 landscape, the columns fitted to the page width, as many pages down as it takes."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0


def _widths(headers: Sequence[str], rows: Sequence[Sequence[object]], ncols: int) -> list[float]:
    """Column widths from the longest shown value in the header and sampled rows, +2, clamped."""
    widest = [0] * ncols
    for values in chain([headers], rows):
        for i, value in enumerate(values):
            widest[i] = max(widest[i], display_width(_shown(value)))
    return [min(max(w + 2, WIDTH_MIN), WIDTH_MAX) for w in widest]


def _shown(value: object) -> str:
    """Approximate how a value reads in its cell, for widths."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return "0000-00-00 00:00"
    if isinstance(value, date):
        return "0000-00-00"
    if isinstance(value, float):
        return f"{value:.10g}"
    return str(value)


def _styled(ws: WriteOnlyWorksheet, text: str, *, font: Font,
            fill: PatternFill | None = None) -> WriteOnlyCell:
    """A text cell in the given font (and fill)."""
    cell = _text(ws, text)
    cell.font = font
    if fill is not None:
        cell.fill = fill
    return cell


def _text(ws: WriteOnlyWorksheet, text: str) -> WriteOnlyCell:
    """A cell that always holds text, even when it starts like a formula."""
    from openpyxl.cell import WriteOnlyCell
    cell = WriteOnlyCell(ws)
    cell.value = clean_text(text)
    cell.data_type = "s"
    if looks_like_formula(text):
        cell.quotePrefix = True  # Excel keeps it text even after the cell is edited
    return cell


def _cell(ws: WriteOnlyWorksheet, value: object, number_format: str | None) -> object:
    """Turn a Python value into a typed cell: numbers, dates, booleans, or text."""
    from openpyxl.cell import WriteOnlyCell
    if value is None:
        return None
    if isinstance(value, str):
        text = clean_text(value)
        if not looks_like_formula(text) and text not in ERROR_CODES:
            return text  # plain text: openpyxl writes a str as text, no cell object needed
        return _text(ws, value)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, bool | int | float | Decimal):
        if number_format is None:
            return value
        cell = WriteOnlyCell(ws, value)
    elif isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.replace(tzinfo=None)  # the wall-clock time in its own zone
        cell = WriteOnlyCell(ws, value)
        cell.number_format = DATETIME_FORMAT
    elif isinstance(value, date):
        cell = WriteOnlyCell(ws, value)
        cell.number_format = DATE_FORMAT
    elif isinstance(value, time):
        cell = WriteOnlyCell(ws, value.replace(tzinfo=None))
    else:
        return _text(ws, str(value))
    if number_format is not None:
        cell.number_format = number_format
    return cell

