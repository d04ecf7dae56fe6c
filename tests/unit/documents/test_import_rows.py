"""core.documents.import_rows: reading, validating or refusing a bulk-import spreadsheet."""

from __future__ import annotations

import codecs
import csv
import zipfile
from io import BytesIO, StringIO

import pytest
from openpyxl import Workbook, load_workbook

from core.common.errors import UsageError
from core.documents._import_template import COLUMNS
from core.documents.import_rows import (
    MAX_BYTES,
    MAX_ROWS,
    ImportRefused,
    ImportRow,
    RowProblem,
    parse_import,
    template_workbook,
)
from core.documents.xlsx import Sheet, workbook_bytes

HEADER = ["领域", "项目", "单位", "姓名", "职务", "角色", "Telegram ID", "用户名"]
ZHANG = ["项目建设", "城南快速路二期", "县交通局", "张三", "交通局副局长", "干部", 123456789, "zhang_san"]


def xlsx(*rows: list[object]) -> bytes:
    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(list(row))
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def csv_text(*rows: list[object]) -> str:
    out = StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def refused(data: bytes, filename: str) -> ImportRefused:
    with pytest.raises(ImportRefused) as info:
        parse_import(data, filename)
    return info.value


def problems_of(*rows: list[object]) -> list[tuple[int, str, str]]:
    table = parse_import(xlsx(HEADER, *rows), "名单.xlsx")
    return [(p.line, p.what, p.why) for p in table.problems]


# --- good files -------------------------------------------------------------------------------


def test_a_good_xlsx_gives_its_rows():
    table = parse_import(xlsx(HEADER, ZHANG), "名单.xlsx")
    assert table.problems == []
    assert table.rows == [ImportRow(2, "项目建设", "城南快速路二期", "县交通局", "张三", "交通局副局长",
                                    "cadre", 123456789, "zhang_san")]


def test_headers_may_come_in_any_order_padded_and_full_width():
    header = [" 姓名 ", "ＴＥＬＥＧＲＡＭ　ＩＤ", "项目＊", "　领域", "角色（干部/考察员）", "备注", "@用户名"]
    row = ["李四", "987654321", "城南快速路二期", "项目建设", "考察员", "不导入", "@li_si_01"]
    table = parse_import(xlsx(header, row), "名单.xlsx")
    assert table.problems == []
    [r] = table.rows
    assert (r.name, r.tg_id, r.project, r.domain, r.role, r.username, r.unit, r.post) == (
        "李四", 987654321, "城南快速路二期", "项目建设", "examiner", "li_si_01", "", "")


@pytest.mark.parametrize("tg_header", ["Telegram ID", "telegram id", "TelegramID", "TG ID", "ID"])
@pytest.mark.parametrize("user_header", ["用户名", "username", "@用户名", "Username"])
def test_id_and_username_headers_have_aliases(tg_header, user_header):
    table = parse_import(xlsx(["领域", "项目", "姓名", tg_header, user_header],
                              ["d", "p", "张三", 42, "zhang_san"]), "a.xlsx")
    assert (table.rows[0].tg_id, table.rows[0].username) == (42, "zhang_san")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "utf-16"])
def test_a_good_csv_reads_in_each_encoding(encoding):
    text = csv_text(["姓名", "项目", "领域", "用户名", "Telegram ID"],
                    ["王五", "城南快速路二期", "项目建设", "@wang_wu", "123456789012345"])
    table = parse_import(text.encode(encoding), "名单.csv")
    assert table.problems == []
    [r] = table.rows
    assert (r.line, r.name, r.username, r.tg_id, r.role) == (2, "王五", "wang_wu", 123456789012345, "cadre")


def test_a_tab_separated_csv_reads():
    text = "领域\t项目\t姓名\n项目建设\t城南, 二期\t张三\n"
    assert parse_import(text.encode(), "a.csv").rows[0].project == "城南, 二期"


def test_csv_quoted_fields_keep_commas_and_line_numbers_count_records():
    text = '领域,项目,姓名,职务\n项目建设,"城南,二期",张三,"副局长"\n\n项目建设,城南,李四,科员\n'
    table = parse_import(text.encode(), "a.csv")
    assert [(r.line, r.project, r.post) for r in table.rows] == [
        (2, "城南,二期", "副局长"), (4, "城南", "科员")]


def test_a_dash_a_number_and_an_at_name_are_not_formulas_in_csv():
    text = csv_text(["领域", "项目", "姓名", "职务", "用户名"], ["d", "p", "张三", "-", "@zhang_san"],
                    ["d", "p", "李四", "-", "@li_si_02"])
    assert len(parse_import(text.encode(), "a.csv").rows) == 2


def test_blank_rows_are_skipped_and_lines_are_sheet_rows():
    wb = Workbook()
    ws = wb.active
    ws.append(HEADER)
    ws.append(ZHANG)
    ws.append([None, "  ", ""])
    ws.cell(row=6, column=1, value="项目建设")
    ws.cell(row=6, column=2, value="城南快速路二期")
    ws.cell(row=6, column=4, value="李四")
    out = BytesIO()
    wb.save(out)
    table = parse_import(out.getvalue(), "a.xlsx")
    assert [(r.line, r.name) for r in table.rows] == [(2, "张三"), (6, "李四")]


def test_a_title_row_above_the_header_is_tolerated():
    table = parse_import(xlsx(["2026年一线考察干部名单"], HEADER, ZHANG), "a.xlsx")
    assert [r.line for r in table.rows] == [3]


def test_whole_number_floats_are_ids():
    table = parse_import(xlsx(HEADER, [*ZHANG[:6], 123456789.0, None]), "a.xlsx")
    assert table.rows[0].tg_id == 123456789
    assert isinstance(table.rows[0].tg_id, int)


def test_ids_written_as_text_with_a_trailing_point_zero_are_ids():
    text = csv_text(["领域", "项目", "姓名", "Telegram ID"], ["d", "p", "张三", "123456789.0"])
    assert parse_import(text.encode(), "a.csv").rows[0].tg_id == 123456789


def test_cells_are_trimmed_and_a_padded_chinese_name_is_closed_up():
    table = parse_import(xlsx(HEADER, [" 项目建设 ", "城南\u3000", " 县交通局", "张\u3000\u3000三", " 副局长 ",
                                       " 考察员 ", None, " @zhang_san "]), "a.xlsx")
    r = table.rows[0]
    assert (r.domain, r.project, r.unit, r.name, r.post, r.role, r.username) == (
        "项目建设", "城南", "县交通局", "张三", "副局长", "examiner", "zhang_san")


def test_numbers_in_text_columns_are_read_as_text():
    table = parse_import(xlsx(["领域", "项目", "姓名", "职务"], ["d", 2026.0, "张三", 3]), "a.xlsx")
    assert (table.rows[0].project, table.rows[0].post) == ("2026", "3")


def test_the_template_parses_back_to_its_example_row():
    table = parse_import(template_workbook(), "干部名单模板.xlsx")
    assert table.problems == []
    assert table.rows == [ImportRow(2, "项目建设", "城南快速路二期", "县交通局", "张三", "交通局副局长",
                                    "cadre", None, None)]


def test_the_template_has_the_header_first_and_explains_the_columns():
    wb = load_workbook(BytesIO(template_workbook()))
    assert wb.sheetnames == ["干部名单", "说明"]
    ws = wb["干部名单"]
    assert [c.value for c in ws[1]] == COLUMNS == HEADER
    assert all(c.font.b for c in ws[1])
    assert ws.freeze_panes == "A2"
    assert ws.column_dimensions["G"].number_format == "@"  # ids stay text when typed in Excel
    notes = [row for row in wb["说明"].iter_rows(values_only=True)]
    assert {row[0] for row in notes} >= set(COLUMNS)
    text = "".join(str(v) for row in notes for v in row if v)
    for must in ("5 MB", "5000", "/register", "考察员", "必填", "选填", "什么都不写入"):
        assert must in text


def test_a_5000_row_file_parses():
    rows = [["项目建设", f"项目{i % 50}", "", f"干部{i}", "科员", "", 10_000 + i, None] for i in range(MAX_ROWS)]
    table = parse_import(workbook_bytes([Sheet("干部名单", None, HEADER, rows)]), "a.xlsx")
    assert len(table.rows) == MAX_ROWS and table.problems == []
    assert table.rows[-1].line == MAX_ROWS + 1


# --- whole-file refusals ----------------------------------------------------------------------


def test_refusals_are_usage_errors():
    assert issubclass(ImportRefused, UsageError)


def test_an_empty_file_is_refused():
    assert refused(b"", "a.xlsx").key == "imports.empty_file"


def test_a_file_over_5_mb_is_refused():
    e = refused(b"a,b\n" * (MAX_BYTES // 4 + 1), "a.csv")
    assert (e.key, e.params) == ("imports.too_big", {"limit_mb": 5})


def test_5001_rows_are_refused():
    text = csv_text(["领域", "项目", "姓名"], *[["d", "p", f"n{i}"] for i in range(MAX_ROWS + 1)])
    e = refused(text.encode(), "a.csv")
    assert (e.key, e.params) == ("imports.too_many_rows", {"limit": MAX_ROWS})


def test_5000_rows_and_blank_lines_are_not_too_many():
    text = csv_text(["领域", "项目", "姓名"], *[["d", "p", f"n{i}"] for i in range(MAX_ROWS)], [], [])
    assert len(parse_import(text.encode(), "a.csv").rows) == MAX_ROWS


def test_a_renamed_text_file_is_not_a_workbook():
    e = refused("领域,项目,姓名\n".encode(), "名单.xlsx")
    assert (e.key, e.params) == ("imports.not_a_spreadsheet", {"kind": "xlsx"})


def test_random_bytes_are_not_a_spreadsheet():
    noise = bytes(range(256)) * 8
    assert refused(noise, "a.xlsx").key == "imports.not_a_spreadsheet"
    assert refused(noise, "a.csv").key == "imports.not_a_spreadsheet"


def test_a_png_renamed_to_csv_is_not_a_spreadsheet():
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(40)
    assert refused(png, "a.csv").params == {"kind": "csv"}


def test_a_zip_that_is_not_a_workbook_is_refused():
    out = BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("word/document.xml", "<w/>")
    assert refused(out.getvalue(), "a.xlsx").key == "imports.not_a_spreadsheet"


def test_a_damaged_workbook_is_refused():
    out = BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("xl/workbook.xml", "not xml")
    assert refused(out.getvalue(), "a.xlsx").key == "imports.corrupt"


def test_a_workbook_whose_sheet_is_damaged_is_refused():
    good = zipfile.ZipFile(BytesIO(xlsx(HEADER, ZHANG)))
    out = BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for item in good.infolist():
            data = good.read(item)
            z.writestr(item, b"<worksheet><sheetData><row" if "worksheets/" in item.filename else data)
    assert refused(out.getvalue(), "a.xlsx").key == "imports.corrupt"


def test_a_password_protected_workbook_is_refused():
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    assert refused(ole, "a.xlsx").key == "imports.encrypted"


def test_a_zip_bomb_is_refused_before_it_is_opened():
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", bytes(51 * 1024 * 1024))
    assert len(out.getvalue()) < MAX_BYTES
    e = refused(out.getvalue(), "a.xlsx")
    assert (e.key, e.params) == ("imports.too_big_unpacked", {"limit_mb": 50})


def test_an_old_xls_is_refused_with_a_hint():
    assert refused(b"\xd0\xcf\x11\xe0" + bytes(100), "名单.XLS").key == "imports.old_excel"


@pytest.mark.parametrize("filename, ext", [("a.txt", ".txt"), ("a.numbers", ".numbers"), ("名单", "名单")])
def test_other_file_types_are_refused(filename, ext):
    e = refused(b"x", filename)
    assert (e.key, e.params) == ("imports.unsupported_type", {"ext": ext})


def test_missing_headers_are_named():
    e = refused(xlsx(["领域", "单位", "职务"], ["d", "u", "p"]), "a.xlsx")
    assert (e.key, e.params) == ("imports.missing_headers", {"missing": "项目、姓名"})


def test_a_column_given_twice_is_refused():
    e = refused(xlsx(["领域", "项目", "姓名", "名字"], ["d", "p", "张三", "张三"]), "a.xlsx")
    assert (e.key, e.params) == ("imports.duplicate_header", {"header": "姓名"})


def test_a_header_without_rows_is_refused():
    assert refused(xlsx(HEADER, [None] * 8), "a.xlsx").key == "imports.no_rows"
    assert refused(b"\n\n", "a.csv").key == "imports.no_rows"


def test_a_formula_cell_in_a_workbook_is_refused_naming_row_and_column():
    e = refused(xlsx(HEADER, ZHANG, ["d", "p", "u", '=HYPERLINK("http://evil","x")']), "a.xlsx")
    assert e.key == "imports.formula"
    assert (e.params["line"], e.params["column"]) == (3, "姓名")


def test_a_formula_in_an_ignored_column_is_refused_too():
    e = refused(xlsx([*HEADER, "备注"], [*ZHANG, "=1+1"]), "a.xlsx")
    assert (e.params["line"], e.params["column"]) == (2, "I")


def test_text_starting_with_equals_in_a_workbook_is_refused():
    data = workbook_bytes([Sheet("s", None, HEADER, [[*ZHANG[:3], "=cmd|' /C calc'!A0"]])])
    e = refused(data, "a.xlsx")
    assert (e.key, e.params["line"], e.params["column"]) == ("imports.formula", 2, "姓名")


@pytest.mark.parametrize("cell", ['=HYPERLINK("http://evil","x")', "+cmd", "-2+3", "@SUM(A1)",
                                  " =1+1", "＝1+1"])
def test_a_formula_in_a_csv_is_refused_naming_row_and_column(cell):
    text = csv_text(["领域", "项目", "姓名"], ["d", "p", "张三"], ["d", cell, "李四"])
    e = refused(text.encode(), "a.csv")
    assert (e.key, e.params["line"], e.params["column"]) == ("imports.formula", 3, "项目")


def test_a_csv_field_too_large_is_refused():
    text = "领域,项目,姓名\nd,p," + "x" * 200_000 + "\n"
    assert refused(text.encode(), "a.csv").key == "imports.not_a_spreadsheet"


def test_undecodable_csv_is_refused():
    assert refused(b"\x80\x81\xff" * 10, "a.csv").key == "imports.not_a_spreadsheet"
    assert refused(codecs.BOM_UTF16_LE + b"\x00\xd8", "a.csv").key == "imports.not_a_spreadsheet"


# --- row problems -----------------------------------------------------------------------------


def test_empty_required_fields_are_row_problems():
    assert problems_of(["", "城南", "", "张三"], ["项目建设", "城南", "", ""]) == [
        (2, "领域", "imports.required"), (3, "姓名", "imports.required")]


def test_a_row_with_problems_is_skipped_and_others_kept():
    table = parse_import(xlsx(HEADER, ZHANG, ["项目建设", "城南", "", "李四", "", "领导"]), "a.xlsx")
    assert [r.line for r in table.rows] == [2]
    assert table.problems == [RowProblem(3, "角色", "imports.bad_role", "领导")]


def test_every_problem_of_a_row_is_reported():
    assert problems_of(["", "", "", "", "", "x", "12a", "a b"]) == [
        (2, "领域", "imports.required"), (2, "项目", "imports.required"), (2, "姓名", "imports.required"),
        (2, "角色", "imports.bad_role"), (2, "Telegram ID", "imports.bad_id"),
        (2, "用户名", "imports.bad_username")]


@pytest.mark.parametrize("column, limit", [(0, 64), (1, 64), (2, 128), (3, 16), (4, 40)])
def test_over_long_fields_name_their_limit(column, limit):
    row = list(ZHANG)
    row[column] = "长" * (limit + 1)
    table = parse_import(xlsx(HEADER, row), "a.xlsx")
    [p] = table.problems
    assert (p.line, p.what, p.why, p.limit, p.value) == (2, HEADER[column], "imports.too_long", limit, row[column])
    row[column] = "长" * limit
    assert parse_import(xlsx(HEADER, row), "a.xlsx").problems == []


@pytest.mark.parametrize("value", ["12a", "-5", "0", "1234567890123456", 1.5, 1e16, True, "12 34"])
def test_bad_ids_are_refused(value):
    assert problems_of([*ZHANG[:6], value]) == [(2, "Telegram ID", "imports.bad_id")]


@pytest.mark.parametrize("value", ["1.23457E+11", "1.23457e+11", "1E+11"])
def test_ids_mangled_into_scientific_notation_are_refused(value):
    text = csv_text(["领域", "项目", "姓名", "Telegram ID"], ["d", "p", "张三", value])
    [p] = parse_import(text.encode(), "a.csv").problems
    assert (p.line, p.what, p.why, p.value) == (2, "Telegram ID", "imports.id_scientific", value)


@pytest.mark.parametrize("value", ["abcd", "a" * 33, "zhang-san", "张三丰abc", "@", "@@zhang_san"])
def test_bad_usernames_are_refused(value):
    assert problems_of([*ZHANG[:7], value]) == [(2, "用户名", "imports.bad_username")]


@pytest.mark.parametrize("value, role", [("干部", "cadre"), ("考察员", "examiner"), ("", "cadre"),
                                         (None, "cadre"), ("Examiner", "examiner")])
def test_roles(value, role):
    assert parse_import(xlsx(HEADER, [*ZHANG[:5], value]), "a.xlsx").rows[0].role == role


def test_the_same_id_with_another_name_conflicts():
    table = parse_import(xlsx(HEADER, ZHANG, ["项目建设", "城北", "", "张叁", "", "", 123456789]), "a.xlsx")
    assert table.problems == [RowProblem(3, "姓名", "imports.conflict", "张叁", first_line=2)]


def test_the_same_username_with_another_id_or_post_conflicts():
    row = ["项目建设", "城北", "", "张三", "局长", "", 5555555, "ZHANG_SAN"]
    assert problems_of(ZHANG, row) == [(3, "Telegram ID", "imports.conflict"), (3, "职务", "imports.conflict")]


def test_the_same_person_in_two_projects_is_two_memberships():
    other = ["信访维稳", "老城改造", "街道办", "张三", "交通局副局长", "考察员", 123456789.0, None]
    table = parse_import(xlsx(HEADER, ZHANG, other), "a.xlsx")
    assert table.problems == []
    assert [(r.project, r.role) for r in table.rows] == [("城南快速路二期", "cadre"), ("老城改造", "examiner")]


def test_the_same_person_twice_in_one_project_is_a_duplicate():
    table = parse_import(xlsx(HEADER, ZHANG, ZHANG), "a.xlsx")
    assert [r.line for r in table.rows] == [2]
    assert table.problems == [RowProblem(3, "姓名", "imports.duplicate", "张三", first_line=2)]


def test_the_same_person_as_cadre_and_examiner_of_one_project_conflicts():
    assert problems_of(ZHANG, [*ZHANG[:5], "考察员", *ZHANG[6:]]) == [(3, "角色", "imports.conflict")]


def test_a_name_without_id_listed_twice_in_a_project_is_a_duplicate():
    row = ["项目建设", "城南", "", "李四"]
    assert problems_of(row, row) == [(3, "姓名", "imports.duplicate")]


def test_the_same_name_without_id_in_two_projects_is_fine():
    assert problems_of(["项目建设", "城南", "", "李四"], ["项目建设", "城北", "", "李四"]) == []


def test_namesakes_with_different_ids_in_one_project_are_fine():
    assert problems_of([*ZHANG[:6], 1111111], [*ZHANG[:6], 2222222]) == []


def test_a_name_without_id_and_the_same_name_with_an_id_in_one_project_conflict():
    assert problems_of(["项目建设", "城南", "", "李四"], ["项目建设", "城南", "", "李四", "", "", 777]) == [
        (3, "Telegram ID", "imports.conflict")]
    assert problems_of(["项目建设", "城南", "", "李四", "", "", 777], ["项目建设", "城南", "", "李四"]) == [
        (3, "姓名", "imports.duplicate")]


def test_a_project_under_two_domains_or_with_two_units_conflicts():
    assert problems_of(["项目建设", "城南", "交通局", "甲"], ["信访维稳", "城南", "交通局", "乙"],
                       ["项目建设", "城南", "住建局", "丙"], ["项目建设", "城南", "", "丁"]) == [
        (3, "领域", "imports.conflict"), (4, "单位", "imports.conflict")]


def test_a_unit_given_later_is_then_required_to_match():
    assert problems_of(["项目建设", "城南", "", "甲"], ["项目建设", "城南", "交通局", "乙"],
                       ["项目建设", "城南", "住建局", "丙"]) == [(4, "单位", "imports.conflict")]
