"""core.documents.xlsx: typed cells, no formulas, CJK widths, frozen headers, streaming."""

from __future__ import annotations

import tracemalloc
import weakref
import zipfile
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import load_workbook

from core.documents.xlsx import (
    Sheet,
    display_width,
    looks_like_formula,
    workbook_bytes,
    write_workbook,
)

INJECTIONS = [
    '=HYPERLINK("http://x","y")',
    "+1",
    "-2+3",
    "@SUM(A1)",
    " =1+1",
    "\t=1+1",
    "\r=1+1",
    "＝1+1",
    "＋1",
    "－1",
    "＠SUM(A1)",
    "=",
    "#N/A",
]


def _book(*sheets: Sheet):
    return load_workbook(BytesIO(workbook_bytes(sheets)))


def _sheet_xml(data: bytes) -> str:
    with zipfile.ZipFile(BytesIO(data)) as z:
        return "".join(
            z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/sheet")
        )


def test_sheets_keep_their_order_and_names():
    wb = _book(
        Sheet("业绩采集表", "t", ["a"], []),
        Sheet("辛苦指数量化评估表", "t", ["a"], []),
        Sheet("履职评价单", "t", ["a"], []),
        Sheet("整改台账", "t", ["a"], []),
    )
    assert wb.sheetnames == ["业绩采集表", "辛苦指数量化评估表", "履职评价单", "整改台账"]


def test_title_in_a1_headers_in_row_2_data_from_row_3():
    ws = _book(Sheet("s", "城南快速路二期 · 2026年11月", ["姓名", "上报天数"], [["张三", 20]])).active
    assert ws["A1"].value == "城南快速路二期 · 2026年11月"
    assert ws["A1"].font.b and ws["A1"].font.sz > 11
    assert [c.value for c in ws[2]] == ["姓名", "上报天数"]
    assert all(c.font.b for c in ws[2])
    assert ws["A2"].fill.fgColor.rgb.endswith("DDEBF7")
    assert [c.value for c in ws[3]] == ["张三", 20]


def test_header_row_is_frozen_and_filtered():
    ws = _book(Sheet("s", "title", ["a", "b", "c"], [[1, 2, 3], [4, 5, 6]])).active
    assert ws.freeze_panes == "A3"
    assert ws.auto_filter.ref == "A2:C4"


def test_without_a_title_the_header_is_row_1_and_frozen_at_a2():
    ws = _book(Sheet("s", None, ["a", "b"], [[1, 2]])).active
    assert [c.value for c in ws[1]] == ["a", "b"]
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:B2"


def test_numbers_are_number_cells_and_negatives_stay_numbers():
    ws = _book(Sheet("s", "t", ["n"] * 5, [[3, -2, 0.75, -0.5, Decimal("12.50")]])).active
    cells = list(ws[3])
    assert [c.data_type for c in cells] == ["n"] * 5
    assert [c.value for c in cells] == [3, -2, 0.75, -0.5, 12.5]


def test_booleans_stay_booleans_and_none_is_empty():
    ws = _book(Sheet("s", "t", ["a", "b", "c"], [[True, None, False]])).active
    assert ws["A3"].value is True and ws["A3"].data_type == "b"
    assert ws["B3"].value is None
    assert ws["C3"].value is False


def test_dates_and_datetimes_are_date_cells_with_their_formats():
    ws = _book(Sheet("s", "t", ["d", "dt"], [[date(2026, 11, 20), datetime(2026, 11, 20, 9, 5)]])).active
    assert ws["A3"].is_date and ws["A3"].value == datetime(2026, 11, 20)
    assert ws["A3"].number_format == "yyyy-mm-dd"
    assert ws["B3"].is_date and ws["B3"].value == datetime(2026, 11, 20, 9, 5)
    assert ws["B3"].number_format == "yyyy-mm-dd hh:mm"


def test_aware_datetimes_keep_their_own_wall_clock():
    shanghai = timezone(timedelta(hours=8))
    ws = _book(Sheet("s", "t", ["dt"], [[datetime(2026, 11, 20, 23, 30, tzinfo=shanghai)]])).active
    assert ws["A3"].value == datetime(2026, 11, 20, 23, 30)


def test_column_number_formats_apply_to_data_cells():
    ws = _book(Sheet("s", "t", ["率", "日"], [[0.875, date(2026, 1, 2)]], {0: "0.0%", 1: "m/d"})).active
    assert ws["A3"].number_format == "0.0%" and ws["A3"].data_type == "n"
    assert ws["B3"].number_format == "m/d" and ws["B3"].is_date


@pytest.mark.parametrize("text", INJECTIONS)
def test_text_that_looks_like_a_formula_is_stored_as_text(text):
    data = workbook_bytes([Sheet("s", text, [text], [[text]])])
    ws = load_workbook(BytesIO(data)).active
    for ref in ("A1", "A2", "A3"):
        assert ws[ref].data_type == "s"
        assert ws[ref].value == text.replace("\r", "\n")  # XML reads a bare CR as a line feed
    assert "<f>" not in _sheet_xml(data) and "<f " not in _sheet_xml(data)


def test_formula_like_text_is_marked_quote_prefixed():
    ws = _book(Sheet("s", "t", ["a", "b"], [["=1+1", "plain"]])).active
    assert ws["A3"].quotePrefix
    assert not ws["B3"].quotePrefix


def test_looks_like_formula():
    assert all(looks_like_formula(t) for t in INJECTIONS if t != "#N/A")
    assert not any(looks_like_formula(t) for t in ["张三", "1+1", "a=b", "", "  "])


def test_characters_illegal_in_xml_are_dropped():
    ws = _book(Sheet("s\x07", "ti\x00tle", ["he\x1fad"], [["a\x01b\x0bc", "line\nbreak\ttab"]])).active
    assert ws["A1"].value == "title"
    assert ws["A2"].value == "head"
    assert ws["A3"].value == "abc"
    assert ws["B3"].value == "line\nbreak\ttab"


def test_other_values_are_written_as_their_text():
    ws = _book(Sheet("s", "t", ["a"], [[Path("a/b")]])).active
    assert ws["A3"].value == "a/b" and ws["A3"].data_type == "s"


def test_sheet_names_are_made_valid():
    wb = _book(Sheet("2026/11 [城南]", "t", ["a"], []), Sheet("x" * 40, "t", ["a"], []))
    assert wb.sheetnames == ["2026_11 _城南_", "x" * 31]


def test_no_sheets_is_an_error():
    with pytest.raises(ValueError):
        workbook_bytes([])


def test_display_width_counts_wide_characters_twice():
    assert display_width("abcd") == 4
    assert display_width("张三") == 4
    assert display_width("ＡＢ") == 4
    assert display_width("短\n长一些的行") == 10
    assert display_width("") == 0


def test_cjk_columns_are_wider_than_ascii_of_the_same_length():
    rows = [["城南快速路二期工程项目", "abcdefghijk"]]
    ws = _book(Sheet("s", "t", ["项目", "code"], rows)).active
    assert ws.column_dimensions["A"].width > ws.column_dimensions["B"].width
    assert ws.column_dimensions["A"].width == 24
    assert ws.column_dimensions["B"].width == 13


def test_widths_are_clamped_and_ignore_the_title():
    rows = [["x" * 500, "", "张"]]
    ws = _book(Sheet("s", "一个很长很长很长很长很长很长很长很长的标题", ["a", "b", "c"], rows)).active
    assert ws.column_dimensions["A"].width == 60
    assert ws.column_dimensions["B"].width == 6
    assert ws.column_dimensions["C"].width == 6


def test_widths_look_only_at_the_first_200_rows():
    rows = [["a"]] * 200 + [["a" * 40]]
    ws = _book(Sheet("s", "t", ["h"], rows)).active
    assert ws.column_dimensions["A"].width == 6
    assert ws.max_row == 203


def test_writes_to_a_path_and_to_a_file_object(tmp_path):
    path = tmp_path / "out.xlsx"
    write_workbook([Sheet("s", "t", ["a"], [[1]])], path)
    write_workbook([Sheet("s", "t", ["a"], [[1]])], str(tmp_path / "out2.xlsx"))
    with open(tmp_path / "out3.xlsx", "wb") as f:
        write_workbook([Sheet("s", "t", ["a"], [[1]])], f)
    for name in ("out.xlsx", "out2.xlsx", "out3.xlsx"):
        assert load_workbook(tmp_path / name).active["A3"].value == 1


class _Row(list):
    """A row that can be watched with a weak reference."""


def test_a_big_sheet_streams_with_bounded_memory():
    alive = most_alive = 0
    refs = []

    def gone(_ref):
        nonlocal alive
        alive -= 1

    def rows():
        nonlocal alive, most_alive
        for i in range(10_000):
            row = _Row([f"干部{i}", i, i * 0.5])
            refs.append(weakref.ref(row, gone))
            alive += 1
            most_alive = max(most_alive, alive)
            yield row

    out = BytesIO()
    tracemalloc.start()
    try:
        write_workbook([Sheet("s", "t", ["姓名", "序号", "分"], rows())], out)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert most_alive <= 202  # the 200-row width sample, the row being written, the next
    assert peak < 30 * 1024 * 1024
    ws = load_workbook(BytesIO(out.getvalue()), read_only=True).active
    last = next(ws.iter_rows(min_row=10_002, max_row=10_002, values_only=True))
    assert last[:3] == ("干部9999", 9_999, 4_999.5)
