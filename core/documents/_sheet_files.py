"""Read the cells of an uploaded .xlsx or .csv safely: size limits, encodings, formulas marked."""

from __future__ import annotations

import codecs
import csv
import re
import unicodedata
import zipfile
from collections.abc import Iterator, Sequence
from io import BytesIO, StringIO
from pathlib import PurePath
from typing import TYPE_CHECKING

from core.common.errors import UsageError

if TYPE_CHECKING:  # openpyxl is imported where a file is read, never by an idle bot
    from openpyxl import Workbook
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

MAX_BYTES = 5 * 1024 * 1024
MAX_UNPACKED = 50 * 1024 * 1024  # zip-bomb guard: the declared size of every entry, summed
MAX_ENTRIES = 10_000
MAX_COLUMNS = 64  # cells further right are not read
PREFERRED_SHEET = "干部名单"

Lines = Iterator[tuple[int, Sequence[object]]]

_CSV_SAFE = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?|@\w+|-+")
_CSV_RISKY = ("=", "+", "-", "@")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class ImportRefused(UsageError):
    """The whole file is refused; nothing in it is applied."""


class Formula(str):
    """A cell that is, or could be read as, a formula."""


def read_rows(data: bytes, filename: str) -> Lines:
    """Yield (row number, values) of an .xlsx's first sheet or a .csv; formulas are Formula."""
    if not data:
        raise ImportRefused("imports.empty_file")
    if len(data) > MAX_BYTES:
        raise ImportRefused("imports.too_big", limit_mb=MAX_BYTES // (1024 * 1024))
    ext = PurePath(filename or "").suffix.lower()
    if ext == ".xlsx":
        return _xlsx_lines(data)
    if ext == ".csv":
        return _csv_lines(data)
    if ext == ".xls":
        raise ImportRefused("imports.old_excel")
    raise ImportRefused("imports.unsupported_type", ext=ext or filename or "")


def _xlsx_lines(data: bytes) -> Lines:
    """Open a real .xlsx (after the zip-bomb check) and yield its first sheet's rows."""
    if data.startswith(b"\xd0\xcf\x11\xe0"):  # an OLE container: a password-protected workbook
        raise ImportRefused("imports.encrypted")
    try:
        with zipfile.ZipFile(BytesIO(data)) as z:
            entries = z.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise ImportRefused("imports.not_a_spreadsheet", kind="xlsx") from None
    if "xl/workbook.xml" not in {e.filename for e in entries}:
        raise ImportRefused("imports.not_a_spreadsheet", kind="xlsx")
    if sum(e.file_size for e in entries) > MAX_UNPACKED or len(entries) > MAX_ENTRIES:
        raise ImportRefused("imports.too_big_unpacked", limit_mb=MAX_UNPACKED // (1024 * 1024))
    try:
        from openpyxl import load_workbook  # imported where a file is read
        wb = load_workbook(BytesIO(data), read_only=True, data_only=False)
        sheets = [ws for ws in wb.worksheets if hasattr(ws, "iter_rows")]
        ws = next((ws for ws in sheets if ws.title == PREFERRED_SHEET), sheets[0])
        ws.reset_dimensions()  # some writers record a wrong used range; read every row
    except Exception:  # openpyxl raises many kinds on damaged files
        raise ImportRefused("imports.corrupt") from None
    return _cells(wb, ws)


def _cells(wb: Workbook, ws: ReadOnlyWorksheet) -> Lines:
    """Yield (row number, values) with formula cells marked; close the workbook at the end."""
    try:
        for line, cells in enumerate(ws.iter_rows(max_col=MAX_COLUMNS), start=1):
            yield line, [
                Formula(c.value) if c.data_type == "f"
                or (isinstance(c.value, str) and c.value.startswith("=")) else c.value
                for c in cells
            ]
    except Exception:  # a damaged sheet may fail only when its rows are read
        raise ImportRefused("imports.corrupt") from None
    finally:
        wb.close()


def _csv_lines(data: bytes) -> Lines:
    """Decode a .csv (UTF-8, with or without BOM; UTF-16 with BOM; else GB18030); yield its rows."""
    text = _decode(data)
    if text is None or _CONTROL.search(text):
        raise ImportRefused("imports.not_a_spreadsheet", kind="csv")
    first = text.split("\n", 1)[0]
    delimiter = max(",\t;", key=first.count) if any(d in first for d in ",\t;") else ","
    return _csv_rows(text, delimiter)


def _decode(data: bytes) -> str | None:
    """Return the text, or None when no supported encoding reads it."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ["utf-16"]
    else:
        encodings = ["utf-8-sig", "gb18030"]
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _csv_rows(text: str, delimiter: str) -> Lines:
    """Yield (record number, values); a value a spreadsheet could run as a formula is marked."""
    try:
        for line, values in enumerate(csv.reader(StringIO(text), delimiter=delimiter), start=1):
            yield line, [Formula(v) if _csv_risky(v) else v for v in values[:MAX_COLUMNS]]
    except csv.Error:
        raise ImportRefused("imports.not_a_spreadsheet", kind="csv") from None


def _csv_risky(value: str) -> bool:
    """A cell starting with = + - @ that is not a plain number, an @name or a dash."""
    text = unicodedata.normalize("NFKC", value).strip()
    return text.startswith(_CSV_RISKY) and not _CSV_SAFE.fullmatch(text)
