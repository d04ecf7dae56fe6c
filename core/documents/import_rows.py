"""Check a bulk-import spreadsheet (SPEC §4 /import): the rows to apply, and the rows skipped."""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from core.documents._import_template import ID_DIGITS, LIMITS, MAX_ROWS, REQUIRED, template_workbook
from core.documents._sheet_files import MAX_BYTES, Formula, ImportRefused, Lines, read_rows

__all__ = ["MAX_BYTES", "MAX_ROWS", "ImportRefused", "ImportRow", "ImportTable", "RowProblem",
           "parse_import", "template_workbook"]

HEADER_SEARCH = 10  # the header is the first row, or one under a title row or two
ROLES: dict[str, Literal["cadre", "examiner"]] = {
    "": "cadre", "干部": "cadre", "cadre": "cadre", "考察员": "examiner", "examiner": "examiner"}
_ALIASES = {
    "领域": "领域", "所属领域": "领域", "项目": "项目", "项目名称": "项目", "所属项目": "项目",
    "单位": "单位", "工作单位": "单位", "牵头单位": "单位", "姓名": "姓名", "名字": "姓名",
    "职务": "职务", "职位": "职务", "角色": "角色", "身份": "角色",
    "telegramid": "Telegram ID", "tgid": "Telegram ID", "id": "Telegram ID",
    "用户名": "用户名", "@用户名": "用户名", "username": "用户名", "telegram用户名": "用户名",
    "tg用户名": "用户名",
}
_DIGITS = re.compile(r"(\d+)(\.0+)?")
_SCIENTIFIC = re.compile(r"\d+(\.\d+)?[eE][+-]?\d+")
_USERNAME = re.compile(r"@?([A-Za-z0-9_]{5,32})")
_CJK_GAP = re.compile(r"(?<=[\u3400-\u9fff])\s+(?=[\u3400-\u9fff])")


@dataclass(frozen=True)
class ImportRow:
    """One valid row: a person's membership of a project (creating either as needed)."""

    line: int
    domain: str
    project: str
    unit: str
    name: str
    post: str
    role: Literal["cadre", "examiner"]
    tg_id: int | None
    username: str | None


@dataclass(frozen=True)
class RowProblem:
    """Why one row is skipped: its column, a template key, the value as written (and context)."""

    line: int
    what: str
    why: str
    value: str
    limit: int | None = None
    first_line: int | None = None


@dataclass
class ImportTable:
    """The rows to apply and the rows skipped with their reasons, in sheet order."""

    rows: list[ImportRow] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)


def parse_import(data: bytes, filename: str) -> ImportTable:
    """Check an .xlsx or .csv import file; raise ImportRefused when the whole file is unusable."""
    return _table(read_rows(data, filename))


def _blank(values: Sequence[object]) -> bool:
    """Tell whether every cell of a row is empty."""
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)


def _header_key(value: object) -> str:
    """Normalise a header cell: NFKC, no spaces, no * marks or (notes), lower case."""
    text = unicodedata.normalize("NFKC", str(value or ""))
    text = re.sub(r"\(.*\)$|[\s*:]", "", text.strip()).lower()
    return _ALIASES.get(text, "")


def _table(lines: Lines) -> ImportTable:
    """Find the header row, then check every data row under it."""
    columns = _header(lines)
    names = {i: key for key, i in columns.items()}
    table, seen, count = ImportTable(), _Seen(), 0
    for line, values in lines:
        if _blank(values):
            continue
        count += 1
        if count > MAX_ROWS:
            raise ImportRefused("imports.too_many_rows", limit=MAX_ROWS)
        _refuse_formulas(line, values, names)
        row, problems = _row(line, {k: values[i] if i < len(values) else None
                                    for k, i in columns.items()})
        problems = problems or seen.check(row)
        if problems:
            table.problems.extend(problems)
        else:
            table.rows.append(row)
            seen.add(row)
    if not count:
        raise ImportRefused("imports.no_rows")
    return table


def _header(lines: Lines) -> dict[str, int]:
    """Consume rows up to the header (the first with every required column); map column → index."""
    first_missing: list[str] | None = None
    for line, values in lines:
        if _blank(values):
            continue
        _refuse_formulas(line, values, {})
        found: dict[str, int] = {}
        twice: list[str] = []
        for i, value in enumerate(values):
            key = _header_key(value)
            if key in found:
                twice.append(key)
            elif key:
                found[key] = i
        missing = [r for r in REQUIRED if r not in found]
        if not missing:
            if twice:
                raise ImportRefused("imports.duplicate_header", header=twice[0])
            return found
        first_missing = first_missing or missing
        if line >= HEADER_SEARCH:
            break
    if first_missing is None:
        raise ImportRefused("imports.no_rows")
    raise ImportRefused("imports.missing_headers", missing="、".join(first_missing))


def _refuse_formulas(line: int, values: Sequence[object], names: dict[int, str]) -> None:
    """Refuse the file at its first formula, naming the row and the column."""
    for i, value in enumerate(values):
        if isinstance(value, Formula):
            from openpyxl.utils import get_column_letter
            column = names.get(i) or get_column_letter(i + 1)
            raise ImportRefused("imports.formula", line=line, column=column, value=str(value)[:40])


def _text(value: object) -> str:
    """A cell as trimmed text; whole numbers lose their .0."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _row(line: int, cells: dict[str, object]) -> tuple[ImportRow, list[RowProblem]]:
    """Check one row's fields; every problem in it is reported."""
    problems: list[RowProblem] = []

    def problem(what: str, why: str, value: object, limit: int | None = None) -> None:
        problems.append(RowProblem(line, what, why, _text(value), limit))

    text = {k: _text(cells.get(k)) for k in LIMITS}
    text["姓名"] = _CJK_GAP.sub("", text["姓名"])  # 张  三, padded to line up with longer names
    for column in REQUIRED:
        if not text[column]:
            problem(column, "imports.required", "")
    for column, limit in LIMITS.items():
        if len(text[column]) > limit:
            problem(column, "imports.too_long", text[column], limit)
    role = ROLES.get(unicodedata.normalize("NFKC", _text(cells.get("角色"))).lower())
    if role is None:
        problem("角色", "imports.bad_role", cells.get("角色"))
    tg_id, why = _tg_id(cells.get("Telegram ID"))
    if why:
        problem("Telegram ID", why, cells.get("Telegram ID"))
    username, why = _username(cells.get("用户名"))
    if why:
        problem("用户名", why, cells.get("用户名"))
    row = ImportRow(line, text["领域"], text["项目"], text["单位"], text["姓名"], text["职务"],
                    role or "cadre", tg_id, username)
    return row, problems


def _tg_id(value: object) -> tuple[int | None, str | None]:
    """A Telegram id from a number cell or digits; Excel's 1.23457E+11 is refused."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, None
    if isinstance(value, bool):
        return None, "imports.bad_id"
    if isinstance(value, float):
        if not math.isfinite(value) or not value.is_integer():
            return None, "imports.bad_id"
        value = int(value)
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if _SCIENTIFIC.fullmatch(text):
        return None, "imports.id_scientific"
    digits = _DIGITS.fullmatch(text)
    if not digits or len(digits[1]) > ID_DIGITS or not int(digits[1]):
        return None, "imports.bad_id"
    return int(digits[1]), None


def _username(value: object) -> tuple[str | None, str | None]:
    """A Telegram username, stored without its @."""
    text = unicodedata.normalize("NFKC", _text(value))
    if not text:
        return None, None
    match = _USERNAME.fullmatch(text)
    return (match[1], None) if match else (None, "imports.bad_username")


class _Seen:
    """The people and projects of the rows accepted so far, to catch a person listed twice."""

    def __init__(self) -> None:
        self.projects: dict[str, ImportRow] = {}
        self.ids: dict[int, ImportRow] = {}
        self.usernames: dict[str, ImportRow] = {}
        self.names: dict[tuple[str, str], ImportRow] = {}
        self.unlinked: dict[tuple[str, str], ImportRow] = {}  # rows with neither id nor username

    def check(self, row: ImportRow) -> list[RowProblem]:
        """Problems when this row contradicts an earlier one."""
        problems: list[RowProblem] = []

        def conflict(what: str, value: object, earlier: ImportRow) -> None:
            problems.append(RowProblem(row.line, what, "imports.conflict", _text(value),
                                       first_line=earlier.line))

        if project := self.projects.get(row.project):
            if project.domain != row.domain:
                conflict("领域", row.domain, project)
            if project.unit and row.unit and project.unit != row.unit:
                conflict("单位", row.unit, project)
        linked = row.tg_id is not None or row.username is not None
        key = (row.project, row.name)
        earlier = ((row.tg_id is not None and self.ids.get(row.tg_id))
                   or (row.username is not None and self.usernames.get(row.username.lower()))
                   or (self.unlinked.get(key) if linked else self.names.get(key)))
        if not earlier:
            return problems
        if linked and earlier.tg_id is None and earlier.username is None:
            conflict("Telegram ID" if row.tg_id is not None else "用户名",
                     row.tg_id or row.username, earlier)
        for what, was, now in [("姓名", earlier.name, row.name),
                               ("Telegram ID", earlier.tg_id, row.tg_id),
                               ("用户名", (earlier.username or "").lower(),
                                (row.username or "").lower()),
                               ("职务", earlier.post, row.post)]:
            if was and now and was != now:
                conflict(what, getattr(row, _FIELDS[what]), earlier)
        if not problems and earlier.project == row.project:
            if earlier.role != row.role:
                conflict("角色", "考察员" if row.role == "examiner" else "干部", earlier)
            else:
                problems.append(RowProblem(row.line, "姓名", "imports.duplicate", row.name,
                                           first_line=earlier.line))
        return problems

    def add(self, row: ImportRow) -> None:
        """Remember an accepted row."""
        project = self.projects.setdefault(row.project, row)
        if not project.unit and row.unit:
            self.projects[row.project] = row
        if row.tg_id is not None:
            self.ids.setdefault(row.tg_id, row)
        if row.username is not None:
            self.usernames.setdefault(row.username.lower(), row)
        self.names.setdefault((row.project, row.name), row)
        if row.tg_id is None and row.username is None:
            self.unlinked.setdefault((row.project, row.name), row)


_FIELDS = {"姓名": "name", "Telegram ID": "tg_id", "用户名": "username", "职务": "post"}
