"""/dossier and /export read back as their readers would: the HTML parsed, the workbooks opened
with openpyxl; and `frontline export`."""

from __future__ import annotations

import base64
import io
from datetime import date, datetime
from html.parser import HTMLParser

import pytest
from openpyxl import load_workbook

from bot.fonts import cjk_font
from core.documents.export_sheets import NAMES as EXPORT_SHEETS
from core.documents.xlsx import display_width
from tests.auxil.cast import ADMIN, CADRE, GROUP
from tests.auxil.factories import make_user
from tests.auxil.record import (
    FORMULA,
    ORDER_TEXT,
    PERIOD,
    PROJECT,
    REPORT,
    SCRIPT,
    admin_says,
    build_record,
    say,
)

PNG = b"\x89PNG\r\n\x1a\n"
SECTIONS = ["一、责任清单", "二、实绩清单", "三、问题清单", "四、每日动态（按月）", "五、服务评价",
            "六、问题交办单", "七、考察纪实", "八、评分与等次", "九、工作纪实"]
DOSSIER_SHEETS = ["基本情况", "责任清单", "实绩清单", "问题清单", "每日动态", "服务评价", "交办单",
                  "考察纪实", "评分", "工作纪实"]


class Page(HTMLParser):
    """The text under each <h2>, the tags met, and the images' sources."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.images: list[str] = []
        self.sections: dict[str, str] = {"": ""}
        self._current, self._heading = "", False
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag == "img":
            self.images.append(dict(attrs).get("src") or "")
        self._heading = tag == "h2"
        if self._heading:
            self._current = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "h2":
            self._heading = False
            self.sections[self._current] = ""

    def handle_data(self, data: str) -> None:
        if self._heading:
            self._current += data
        else:
            self.sections[self._current] += data


async def dossier(h) -> tuple[str, bytes, bytes]:
    """/dossier 张三: the one line, the HTML and the workbook."""
    await h.feed(admin_says("/dossier 张三"))
    files = dict(h.request.documents(chat_id=ADMIN.id))
    assert sorted(files) == ["张三-履职档案.html", "张三-履职档案.xlsx"]
    return h.last(ADMIN.id), files["张三-履职档案.html"], files["张三-履职档案.xlsx"]


def rows_of(ws) -> list[list[object]]:
    return [[c.value for c in row] for row in ws.iter_rows()]


# --- /dossier: the HTML ------------------------------------------------------------------------

async def test_dossier_sends_two_files_named_after_the_cadre_with_one_line(harness) -> None:
    await build_record(harness)
    line, html, xlsx = await dossier(harness)
    assert line.startswith("张三 的履职档案") and "\n" not in line
    assert html.startswith(b"<!DOCTYPE html>") and xlsx.startswith(b"PK")


async def test_dossier_html_has_every_section_of_the_record(harness) -> None:
    record = await build_record(harness)
    page = Page((await dossier(harness))[1].decode())
    assert [s for s in page.sections if s] == SECTIONS
    text = page.sections
    assert "三期管理：摸底排查期" in text[""]
    assert "完成征迁" in text["一、责任清单"]
    assert "签约3户" in text["二、实绩清单"] and SCRIPT in text["二、实绩清单"]
    assert FORMULA in text["三、问题清单"]
    assert "报送" in text["四、每日动态（按月）"] and "进度：20%" in text["四、每日动态（按月）"]
    assert "共 5 条，平均 4.00" in text["五、服务评价"]
    orders = text["六、问题交办单"]
    assert record.order in orders and "下发" in orders and "已开始管线迁改" in orders
    assert "现场走访<b>迟到</b>" in text["七、考察纪实"]
    assert PERIOD in text["八、评分与等次"] and "一般" in text["八、评分与等次"]
    assert "摸底排查期" in text["八、评分与等次"]
    assert all(what in text["九、工作纪实"] for what in ("评定", "考察纪实", "下发交办单",
                                                      "标记先进典型"))


async def test_dossier_html_shows_a_cadres_markup_as_text(harness) -> None:
    await build_record(harness)
    raw = (await dossier(harness))[1].decode()
    page = Page(raw)
    assert "script" not in page.tags
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in raw and "&lt;b&gt;迟到&lt;/b&gt;" in raw
    assert SCRIPT in page.sections["四、每日动态（按月）"]
    assert "<b>迟到</b>" in page.sections["七、考察纪实"]


async def test_dossier_html_embeds_its_chart_as_a_png(harness) -> None:
    if cjk_font() is None:
        pytest.skip("no CJK font installed")
    await build_record(harness)
    [src] = Page((await dossier(harness))[1].decode()).images
    assert src.startswith("data:image/png;base64,")
    assert base64.b64decode(src.split(",", 1)[1]).startswith(PNG)


@pytest.mark.parametrize("raters, shown", [(4, False), (5, True)])
async def test_dossier_shows_ratings_only_from_the_anonymity_threshold(harness, raters,
                                                                      shown) -> None:
    await build_record(harness, raters=raters)
    _line, html, xlsx = await dossier(harness)
    section = Page(html.decode()).sections["五、服务评价"]
    assert ("共 5 条，平均 4.00" in section) is shown
    assert ("暂无达到匿名阈值的评价" in section) is not shown
    sheet = rows_of(load_workbook(io.BytesIO(xlsx))["服务评价"])
    assert sheet[2:] == ([[PROJECT, sheet[2][1], 5, 4.0, 75, None]] if shown else [])


async def test_dossier_of_another_cadre_is_refused_to_a_cadre(harness) -> None:
    await build_record(harness)
    other = make_user(2002, "李四")
    await harness.feed(say(GROUP, other, "/register 李四 科员"))
    harness.request.clear()
    await harness.feed(say(GROUP, other, "/dossier 张三"))
    assert harness.request.sent("sendDocument") == []
    assert harness.last(GROUP.id).startswith("只能查看自己的履职档案")


# --- /dossier: the workbook --------------------------------------------------------------------

async def test_dossier_xlsx_has_a_sheet_per_part_with_headers(harness) -> None:
    await build_record(harness)
    wb = load_workbook(io.BytesIO((await dossier(harness))[2]))
    assert wb.sheetnames == DOSSIER_SHEETS
    assert rows_of(wb["每日动态"])[1] == ["日期", "发送时间", "进度(%)", "内容", "按时"]
    assert rows_of(wb["交办单"])[1] == ["编号", "问题", "期限", "状态", "时间", "办理人", "办理",
                                       "说明"]
    assert all(ws.freeze_panes == "A3" for ws in wb.worksheets)


async def test_dossier_xlsx_keeps_numbers_dates_and_the_cadres_text(harness) -> None:
    await build_record(harness)
    ws = load_workbook(io.BytesIO((await dossier(harness))[2]))["每日动态"]
    [row] = [r for r in ws.iter_rows(min_row=3) if r[3].value == REPORT]
    day, posted, progress, text, _on_time = row
    assert day.is_date and isinstance(day.value, datetime) and day.number_format == "yyyy-mm-dd"
    assert posted.is_date and posted.value.hour == 10
    assert (progress.data_type, progress.value) == ("n", 40)
    assert text.data_type == "s"


async def test_dossier_xlsx_keeps_formula_like_text_as_text(harness) -> None:
    await build_record(harness)
    wb = load_workbook(io.BytesIO((await dossier(harness))[2]))
    cell = wb["问题清单"]["B3"]
    assert (cell.value, cell.data_type, cell.quotePrefix) == (FORMULA, "s", True)
    cell = wb["实绩清单"]["B3"]
    assert (cell.value, cell.data_type) == (SCRIPT, "s")


# --- /export -----------------------------------------------------------------------------------

async def export(h, *args: str):
    await h.feed(admin_says(" ".join(["/export", *args])))
    [(name, data)] = h.request.documents(chat_id=ADMIN.id)
    return name, load_workbook(io.BytesIO(data))


async def test_export_has_the_four_spec_sheets_in_order(harness) -> None:
    await build_record(harness)
    name, wb = await export(harness, PROJECT, PERIOD)
    assert name == f"{PROJECT}-两表一单.xlsx"
    assert wb.sheetnames == list(EXPORT_SHEETS) == ["业绩采集表", "辛苦指数量化评估表",
                                                    "履职评价单", "整改台账"]


@pytest.mark.parametrize("scope", [PROJECT, "项目建设"], ids=["project", "domain"])
async def test_export_title_row_names_scope_and_period(harness, scope) -> None:
    await build_record(harness)
    _name, wb = await export(harness, scope, PERIOD)
    for ws in wb.worksheets:
        title = ws["A1"].value
        assert title.startswith(f"{scope} · 考察期「{PERIOD}」"), title


async def test_export_of_every_project_names_that_scope_in_its_title(harness) -> None:
    await build_record(harness)
    name, wb = await export(harness)
    assert name == "全部项目-两表一单.xlsx"
    assert wb.worksheets[0]["A1"].value.startswith("全部项目 · ")


async def test_export_header_row_is_frozen_under_the_title(harness) -> None:
    await build_record(harness)
    _name, wb = await export(harness, PROJECT, PERIOD)
    assert [ws.freeze_panes for ws in wb.worksheets] == ["A3"] * 4
    assert rows_of(wb["整改台账"])[1][:5] == ["编号", "项目", "责任干部", "交办人", "问题"]


async def test_export_columns_fit_their_chinese_headers(harness) -> None:
    await build_record(harness)
    _name, wb = await export(harness, PROJECT, PERIOD)
    for ws in wb.worksheets:
        for cell in ws[2]:
            width = ws.column_dimensions[cell.column_letter].width
            assert width >= display_width(cell.value) + 2, (ws.title, cell.value, width)


async def test_export_writes_numbers_as_numbers_and_dates_as_dates(harness) -> None:
    await build_record(harness)
    _name, wb = await export(harness, PROJECT, PERIOD)
    evaluation = {h: c for h, c in zip(rows_of(wb["履职评价单"])[1], wb["履职评价单"][3],
                                       strict=True)}
    assert (evaluation["姓名"].value, evaluation["等次"].value) == ("张三", "一般")
    assert evaluation["考核组评定均分"].data_type == "n" and evaluation["考核组评定均分"].value == 40
    assert evaluation["纪实积分"].value == -3
    assert (evaluation["服务评价条数"].value, evaluation["评价得分"].value) == (5, 75)
    assert evaluation["综合得分"].data_type == "n" and 0 < evaluation["综合得分"].value < 60
    ledger = {h: c for h, c in zip(rows_of(wb["整改台账"])[1], wb["整改台账"][3], strict=True)}
    assert ledger["交办日期"].is_date and ledger["交办日期"].value.date() <= date.today()
    assert ledger["整改期限"].is_date and ledger["整改期限"].number_format == "yyyy-mm-dd"
    assert ledger["办理记录条数"].value == 2


async def test_export_evaluation_sheet_names_the_cadres_three_stage_step(harness) -> None:
    await build_record(harness)  # graded 一般 in the closed period: 摸底排查期
    _name, wb = await export(harness, PROJECT, PERIOD)
    header, row = rows_of(wb["履职评价单"])[1:3]
    assert row[header.index("三期管理")] == "摸底排查期"


async def test_export_keeps_a_formula_like_order_text_as_text(harness) -> None:
    record = await build_record(harness)
    _name, wb = await export(harness, PROJECT, PERIOD)
    [row] = [r for r in wb["整改台账"].iter_rows(min_row=3) if r[0].value == record.order]
    assert (row[4].value, row[4].data_type, row[4].quotePrefix) == (ORDER_TEXT, "s", True)


async def test_export_by_a_cadre_is_refused(harness) -> None:
    await build_record(harness)
    await harness.feed(say(GROUP, CADRE, f"/export {PROJECT}"))
    assert harness.request.sent("sendDocument") == []
    assert harness.last(GROUP.id) == "此命令仅限考察员和管理员使用。"


# --- frontline export --------------------------------------------------------------------------

async def test_frontline_export_writes_the_workbook(harness, tmp_path, monkeypatch,
                                                    capsys) -> None:
    from bot.cli import main

    record = await build_record(harness)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", str(harness.db.engine.url))
    path = tmp_path / "out.xlsx"
    assert main(["export", "--project", PROJECT, "--period", PERIOD, str(path)]) == 0
    assert capsys.readouterr().out.strip() == f"exported 1 cadres and 1 orders to {path}"
    wb = load_workbook(path)
    assert wb.sheetnames == list(EXPORT_SHEETS)
    assert wb["业绩采集表"]["A1"].value.startswith(f"{PROJECT} · 考察期「{PERIOD}」")
    assert wb["整改台账"]["A3"].value == record.order

