"""/import and `frontline import` through the real Application: a file in, the database and the
row-by-row report out; a bad file is one line and writes nothing."""

from __future__ import annotations

import csv
import io
import itertools
import os
import time

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select
from sqlmodel import SQLModel
from sqlmodel import select as sm_select
from telegram import Document

from core.documents._import_template import COLUMNS
from storage import migrate
from storage.db import Database
from storage.tables import Domain, ExaminerProject, Membership, Person, Project
from tests.auxil.cast import ADMIN, CADRE, GROUP, setup_project
from tests.auxil.factories import make_message, make_user, message_update, private

_file_ids = itertools.count(1)

ROWS = [
    ["项目建设", "城南快速路二期", "县交通局", "张伟", "交通局副局长", "干部", 20001, None],
    ["项目建设", "城南快速路二期", "县交通局", "王芳", "科员", "", None, "@wangfang"],
    ["乡村振兴", "北区乡村振兴", "县农业局", "李娜", "农业局局长", None, None, None],
    ["乡村振兴", "北区乡村振兴", "县农业局", "赵敏", "组织部科长", "考察员", 20004, None],
]
# the same columns, shuffled, with spaces and full-width letters as people type them
VARIANT_HEADERS = ["用户名", " 姓　名 ", "ＴＥＬＥＧＲＡＭ ＩＤ", "职务", "角色", "单位", "项目 ", "领域"]
VARIANT_ORDER = [7, 3, 6, 4, 5, 2, 1, 0]  # VARIANT_HEADERS[i] is COLUMNS[VARIANT_ORDER[i]]


def xlsx(rows, headers=COLUMNS) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "干部名单"
    ws.append(headers)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def csv_bytes(rows, headers=COLUMNS, encoding: str = "utf-8-sig") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    writer.writerows(["" if v is None else v for v in row] for row in rows)
    return out.getvalue().encode(encoding)


def variant_csv(rows) -> bytes:
    return csv_bytes([[row[i] for i in VARIANT_ORDER] for row in rows], VARIANT_HEADERS)


def upload(h, name: str, data: bytes, *, user=ADMIN, caption: str = "/import",
           size: int | None = None):
    """The user sends a file with /import as its caption (the bytes wait behind getFile);
    `size` is the size Telegram declares (default the real one, 0 for none)."""
    file_id = f"file{next(_file_ids)}"
    h.request.put_file(file_id, data)
    document = Document(file_id, f"u{file_id}", file_name=name,
                        file_size=len(data) if size is None else (size or None))
    return message_update(make_message(private(user), user, caption=caption, document=document))


def say(user, text: str, chat=None):
    return message_update(make_message(chat or private(user), user, text))


def counts(h) -> dict[str, int]:
    """Rows per table, the inbox aside (every update lands there)."""
    with h.db.session(write=False) as s:
        return {t.name: s.execute(select(func.count()).select_from(t)).scalar_one()
                for t in SQLModel.metadata.sorted_tables if t.name != "inbox"}


def rows(h, model, *where):
    with h.db.session(write=False) as s:
        return list(s.exec(sm_select(model).where(*where)))


def replies(h) -> list[str]:
    return h.texts(ADMIN.id)


async def imported(h, data: bytes, name: str = "名单.xlsx") -> str:
    h.request.clear()
    await h.feed(upload(h, name, data))
    [answer] = replies(h)
    return answer


# --- a good file -------------------------------------------------------------------------------

@pytest.mark.parametrize("name, build", [("名单.xlsx", xlsx), ("名单.csv", variant_csv)],
                         ids=["xlsx", "csv-shuffled-full-width-headers"])
async def test_good_file_creates_domains_projects_people_and_reports_it(harness, db_url, name,
                                                                        build) -> None:
    answer = await imported(harness, build(ROWS), name)
    assert "新建：领域 2 · 项目 2 · 人员 4 · 项目成员 3 · 考察员分工 1" in answer
    assert "没有被跳过的行" in answer
    projects = {p.name: p for p in rows(harness, Project)}
    domains = {d.id: d.name for d in rows(harness, Domain)}
    assert {n: (domains[p.domain_id], p.unit) for n, p in projects.items()} == {
        "城南快速路二期": ("项目建设", "县交通局"), "北区乡村振兴": ("乡村振兴", "县农业局")}
    people = {p.name: p for p in rows(harness, Person, Person.name != "")}
    assert (people["张伟"].tg_id, people["张伟"].post) == (20001, "交通局副局长")
    assert (people["王芳"].tg_id, people["王芳"].username) == (None, "wangfang")
    assert people["李娜"].tg_id is None and people["李娜"].username is None
    assert people["赵敏"].is_examiner
    members = {(m.person_id, m.project_id) for m in rows(harness, Membership)}
    assert members == {(people["张伟"].id, projects["城南快速路二期"].id),
                       (people["王芳"].id, projects["城南快速路二期"].id),
                       (people["李娜"].id, projects["北区乡村振兴"].id)}
    [assigned] = rows(harness, ExaminerProject)
    assert (assigned.person_id, assigned.project_id) == (people["赵敏"].id,
                                                         projects["北区乡村振兴"].id)


async def test_same_file_twice_creates_nothing_new(harness, db_url) -> None:
    await imported(harness, xlsx(ROWS))
    before = counts(harness)
    answer = await imported(harness, xlsx(ROWS))
    assert "新建：领域 0 · 项目 0 · 人员 0 · 项目成员 0 · 考察员分工 0" in answer
    assert "已存在、未改动：4 行" in answer
    assert counts(harness) == before


async def test_bad_rows_are_skipped_with_their_line_and_reason(harness) -> None:
    bad = [*ROWS[:2],
           ["项目建设", "城南快速路二期", "县交通局", "孙强", "科员", "组长", None, None],
           ["项目建设", "城南快速路二期", "县交通局", "周杰", "科员", "干部", "1.23457E+11", None],
           ["项目建设", "城南快速路二期", "县交通局", "张伟", "交通局副局长", "干部", 20001, None]]
    answer = await imported(harness, csv_bytes(bad), "名单.csv")
    assert "跳过 3 行" in answer
    assert "第 4 行：角色「组长」不对" in answer
    assert "第 5 行：Telegram ID 被 Excel 改成了科学计数法" in answer
    assert "第 6 行：「张伟」与第 2 行重复" in answer
    assert {p.name for p in rows(harness, Person, Person.name != "")} == {"张伟", "王芳"}


async def test_a_5000_row_file_imports(harness) -> None:
    many = [["项目建设", f"项目{i % 20:02d}", "县交通局", f"干部{i:04d}", "科员", "干部",
             3_000_000 + i, None] for i in range(5000)]
    started = time.perf_counter()
    answer = await imported(harness, xlsx(many))
    elapsed = time.perf_counter() - started
    assert "新建：领域 1 · 项目 20 · 人员 5000 · 项目成员 5000" in answer
    assert counts(harness)["membership"] == 5000
    assert elapsed < 60, f"5,000 rows took {elapsed:.1f}s"


# --- a bad file: one line, nothing written -----------------------------------------------------

def _random(size: int) -> bytes:
    return os.urandom(size)


BAD_FILES = {
    "txt-renamed-xlsx": ("名单.xlsx", lambda: "领域,项目,姓名\n项目建设,城南,张三\n".encode(),
                         None, "不是有效的 .xlsx"),
    "txt-extension": ("名单.txt", lambda: csv_bytes(ROWS), None, "不支持「.txt」"),
    "random-bytes-xlsx": ("名单.xlsx", lambda: _random(4096), None, "不是有效的 .xlsx"),
    "random-bytes-csv": ("名单.csv", lambda: _random(4096), None, "无法读取这个 .csv"),
    "declared-over-5mb": ("名单.xlsx", lambda: xlsx(ROWS), 5 * 1024 * 1024 + 1,
                          "文件超过 5 MB"),
    "over-5mb-undeclared": ("名单.csv", lambda: csv_bytes(ROWS) + b"#" * (5 * 1024 * 1024), 0,
                 "文件超过 5 MB"),
    "5001-rows": ("名单.csv", lambda: csv_bytes(
        [["项目建设", "城南", "", f"人{i}", "", "", None, None] for i in range(5001)]),
        None, "数据超过 5000 行"),
    "missing-headers": ("名单.xlsx", lambda: xlsx([r[:1] + r[3:4] for r in ROWS],
                                                 ["领域", "姓名"]), None, "缺少表头：项目"),
    "formula-xlsx": ("名单.xlsx", lambda: xlsx([*ROWS, ["项目建设", "城南快速路二期", "",
                                                     '=HYPERLINK("http://x.example","张三")',
                                                     "", "", None, None]]),
                     None, "第 6 行「姓名」列含公式"),
    "formula-csv": ("名单.csv", lambda: csv_bytes([*ROWS, ["项目建设", "城南快速路二期", "",
                                                        '=HYPERLINK("http://x.example")',
                                                        "", "", None, None]]),
                    None, "第 6 行「姓名」列含公式"),
}


@pytest.mark.parametrize("case", BAD_FILES.values(), ids=BAD_FILES.keys())
async def test_bad_file_gets_one_line_and_leaves_the_database_unchanged(harness, case) -> None:
    name, build, size, expected = case
    await imported(harness, xlsx(ROWS[:1]))  # something there already
    before = counts(harness)
    harness.request.clear()
    await harness.feed(upload(harness, name, build(), size=size))
    [answer] = replies(harness)
    assert expected in answer and "\n" not in answer.strip()
    assert harness.request.sent("sendDocument") == []
    assert counts(harness) == before


async def test_declared_oversize_file_is_not_even_downloaded(harness) -> None:
    await harness.feed(upload(harness, "名单.xlsx", xlsx(ROWS), size=6 * 1024 * 1024))
    assert harness.request.sent("getFile") == []
    assert "文件超过 5 MB" in harness.last(ADMIN.id)


async def test_file_telegram_cannot_give_back_gets_one_line(harness) -> None:
    update = upload(harness, "名单.xlsx", xlsx(ROWS))
    harness.request.stored.clear()  # getFile answers 400
    await harness.feed(update)
    assert "没能从 Telegram 取到这个文件" in harness.last(ADMIN.id)
    assert rows(harness, Project) == []


# --- who may import, and the template ----------------------------------------------------------

@pytest.mark.parametrize("with_file", [True, False], ids=["file", "alone"])
async def test_import_by_a_non_admin_is_refused(harness, with_file) -> None:
    await setup_project(harness)
    before = counts(harness)
    update = upload(harness, "名单.xlsx", xlsx(ROWS), user=CADRE) if with_file \
        else say(CADRE, "/import")
    await harness.feed(update)
    assert "仅限管理员" in harness.last(CADRE.id)
    assert harness.request.sent("sendDocument") == []
    assert counts(harness) == before


async def test_import_alone_sends_the_template(harness) -> None:
    await harness.feed(say(ADMIN, "/import"))
    [(name, data)] = harness.request.documents(chat_id=ADMIN.id)
    assert name == "干部名单导入模板.xlsx"
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["干部名单", "说明"]
    assert [c.value for c in wb["干部名单"][1]] == COLUMNS


async def test_the_template_sent_back_as_is_imports_its_example_row(harness) -> None:
    await harness.feed(say(ADMIN, "/import"))
    [(name, data)] = harness.request.documents(chat_id=ADMIN.id)
    answer = await imported(harness, data, name)
    assert "人员 1 · 项目成员 1" in answer
    [person] = rows(harness, Person, Person.name == "张三")
    assert person.post == "交通局副局长"


# --- imported people meet their Telegram accounts ----------------------------------------------

LISI = make_user(3001, "李四")
WANGWU = make_user(3003, "王五", "WangWu_88")


async def test_person_without_id_is_linked_on_register_with_the_exact_name(harness) -> None:
    await setup_project(harness, cadres=())
    await imported(harness, xlsx([["项目建设", "城南快速路", "", "李四", "科员", "", None, None]]))
    await harness.feed(say(LISI, "/register 李四 科员", chat=GROUP))
    [person] = rows(harness, Person, Person.name == "李四")
    assert person.tg_id == LISI.id
    [member] = rows(harness, Membership, Membership.person_id == person.id)
    assert member.active


async def test_reimport_after_register_creates_no_second_person(harness) -> None:
    await setup_project(harness, cadres=())
    roster = xlsx([["项目建设", "城南快速路", "", "李四", "科员", "", None, None]])
    await imported(harness, roster)
    await harness.feed(say(LISI, "/register 李四 科员", chat=GROUP))
    answer = await imported(harness, roster)
    assert "人员 0 · 项目成员 0" in answer and "已存在、未改动：1 行" in answer
    [person] = rows(harness, Person, Person.name == "李四")
    assert person.tg_id == LISI.id


async def test_import_of_a_cadre_registered_already_creates_no_second_person(harness) -> None:
    await setup_project(harness)  # 张三 registered himself in the group
    answer = await imported(harness, xlsx([["项目建设", "城南快速路", "", "张三", "职务0", "",
                                            None, None]]))
    assert "人员 0 · 项目成员 0" in answer
    assert len(rows(harness, Person, Person.name == "张三")) == 1


async def test_person_without_id_is_not_linked_from_another_projects_group(harness) -> None:
    await setup_project(harness, cadres=())
    await imported(harness, xlsx([["项目建设", "北区学校", "", "李四", "科员", "", None, None]]))
    await harness.feed(say(LISI, "/register 李四 科员", chat=GROUP))
    found = rows(harness, Person, Person.name == "李四")
    assert sorted(p.tg_id or 0 for p in found) == [0, LISI.id]


async def test_person_with_only_a_username_is_linked_when_they_first_write(harness) -> None:
    await setup_project(harness, cadres=())
    await imported(harness, xlsx([["项目建设", "城南快速路", "", "王五", "科员", "", None,
                                   "@wangwu_88"]]))
    await harness.feed(say(WANGWU, "/whoami"))
    [person] = rows(harness, Person, Person.name == "王五")
    assert person.tg_id == WANGWU.id
    assert "城南快速路" in harness.last(WANGWU.id)


# --- frontline import --------------------------------------------------------------------------

@pytest.fixture
def cli_env(tmp_path, monkeypatch) -> str:
    """A migrated SQLite database the `frontline` command is pointed at."""
    url = f"sqlite:///{tmp_path}/cli.db"
    database = Database(url)
    migrate.upgrade(database)
    database.dispose()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123456:TESTTOKEN-abcdefghij")
    monkeypatch.setenv("FRONTLINE_SECRET", "test-secret-0123456789abcdef")
    return url


def test_frontline_import_prints_the_counts(cli_env, tmp_path, capsys) -> None:
    from bot.cli import main

    path = tmp_path / "名单.xlsx"
    path.write_bytes(xlsx(ROWS))
    assert main(["import", str(path)]) == 0
    assert capsys.readouterr().out.strip() == (
        "imported 4 rows: created domain 2, examiner 1, member 3, person 4, project 2; "
        "unchanged 0; skipped 0")
    assert main(["import", str(path)]) == 0
    assert "created nothing new; unchanged 4" in capsys.readouterr().out


def test_frontline_import_of_a_bad_file_is_one_line_and_exit_2(cli_env, tmp_path,
                                                               capsys) -> None:
    from bot.cli import main

    path = tmp_path / "名单.csv"
    path.write_bytes(csv_bytes([["项目建设", "城南", "", "=1+1", "", "", None, None]]))
    assert main(["import", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("frontline: 第 2 行「姓名」列含公式") and "\n" not in err
    database = Database(cli_env)
    with database.session(write=False) as s:
        assert list(s.exec(sm_select(Project))) == []
    database.dispose()


async def test_an_examiner_row_with_only_a_name_twice_makes_one_person(harness) -> None:
    rows = [["乡村振兴", "北区乡村振兴", "县农业局", "王考察", "组织部科员", "考察员", None, None]]
    await harness.feed(upload(harness, "a.xlsx", xlsx(rows)))
    await harness.feed(upload(harness, "a.xlsx", xlsx(rows)))
    with harness.db.session(write=False) as s:
        assert len(list(s.exec(sm_select(Person).where(Person.name == "王考察")))) == 1


async def test_a_row_naming_a_project_under_another_domain_creates_no_domain(harness) -> None:
    await harness.feed(upload(harness, "a.xlsx", xlsx(ROWS[:1])))
    wrong = [["错领域", "城南快速路二期", "县交通局", "新人", "科员", "", None, None]]
    await harness.feed(upload(harness, "b.xlsx", xlsx(wrong)))
    assert "另一个领域" in harness.last(ADMIN.id)
    with harness.db.session(write=False) as s:
        assert s.exec(sm_select(Domain).where(Domain.name == "错领域")).first() is None
