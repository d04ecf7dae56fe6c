"""The first hour on the demo: one consistent story, numbers that say what they are, answers that
fit a chat — through the real bot, on a freshly seeded demo district."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from sqlmodel import select

from bot.demo import CADRES, CHAT_BASE, EXAMINER, TG_BASE, seed
from bot.render import Renderer
from core.assessment import _scoring, board_digest
from core.assessment.scores import CadreScore
from core.common.calendar import is_workday
from core.review.review_day import review_moment
from storage.tables import Membership, Person, Project, Rectification
from tests.auxil.factories import make_group, make_message, make_user, message_update, private
from tests.conftest import ADMIN_ID

TZ = ZoneInfo("Asia/Shanghai")
ADMIN = make_user(ADMIN_ID, "管理员")
EXAMINER_USER = make_user(EXAMINER[2], "徐卫东")
PROJECTS = ("城南快速路二期", "县人民医院新院区", "青山村人居环境整治", "高标准农田建设",
            "一件事一次办改革")


@pytest.fixture
async def demo(harness):
    with harness.db.session() as s:
        seed(s, tz=TZ)
    return harness


async def ask(h, text: str, user=ADMIN) -> list[str]:
    """The messages the bot answers `text` with, in a private chat."""
    h.request.clear()
    await h.feed(message_update(make_message(private(user), user, text)))
    return h.texts(user.id)


def _tg(index: int) -> str:
    return str(TG_BASE + index + 1)


# --- every view's figures agree, for every cadre ----------------------------------------------

async def test_scores_ranking_and_cadre_agree_for_every_cadre(demo) -> None:
    [scores, _offer] = await ask(demo, "/scores")
    [ranking, _offer] = await ask(demo, "/ranking")
    seen, places = 0, {}
    for index, (name, post, project, _role) in enumerate(CADRES):
        [brief] = await ask(demo, f"/cadre {_tg(index)}")
        reported, due = map(int, re.search(r"报了 (\d+) / (\d+) 个工作日", brief).groups())
        place, ranked = map(int, re.search(r"项目内第 (\d+) / (\d+) 名", brief).groups())
        assert ranked == sum(1 for c in CADRES if c[2] == project)
        places.setdefault(project, []).append(place)
        label = re.escape(name) + (r"（[^）]*）" if name == "王磊" else "")
        rows = [line for line in ranking.splitlines()
                if re.match(rf"\d+\. {label} ", line)]
        assert any(f"（{reported}/{due} 天）" in line for line in rows), (name, rows)
        assert f"报送 {reported}/{due} 个工作日" in scores
        summary = "".join(await ask(demo, f"/summary {PROJECTS[project]} period"))
        block = summary.split(f"<b>{name}</b>（{post}）")[1]
        on_time, late, missing, days = map(int, re.search(
            r"按时 (\d+) · 迟报 (\d+) · 未报 (\d+)，共 (\d+) 个工作日", block).groups())
        assert (on_time + late, on_time + late + missing, days) == (reported, due, due), name
        seen += 1
    assert seen == len(CADRES)
    for project, found in places.items():  # each project's places run 1 … N, one per cadre
        assert sorted(found) == list(range(1, len(found) + 1)), (project, found)


async def test_cadres_are_told_apart_by_their_reporting(demo) -> None:
    [ranking, _offer] = await ask(demo, "/ranking")
    rates = re.findall(r"报送率 (\d+)%（(\d+)/(\d+) 天） · 状态 ([\d.]+)", ranking)
    assert len(rates) == len(CADRES)
    assert len({r[0] for r in rates}) >= 5  # not every one the same
    assert len({r[3] for r in rates}) >= 8
    assert "未报 5" not in ranking


# --- numbers say what they are ------------------------------------------------------------------

async def test_rates_say_what_they_count_and_ratings_their_scale(demo) -> None:
    [summary] = await ask(demo, "/summary 城南快速路二期 week")
    assert re.search(r"报送率 \d+%（按时 \d+ · 迟报 \d+ · 未报 \d+，共 \d+ 个工作日）", summary)
    assert re.search(r"陈志强 \d\.\d\d / 5（\d+ 条）", summary)
    [ratings] = await ask(demo, "/ratings 陈志强")
    assert re.search(r"平均 \d\.\d\d / 5", ratings)
    assert "批次" not in ratings and "数字每新增满 5 条才更新一次" in ratings


async def test_scores_explain_each_part_with_the_boards_numbers(demo) -> None:
    [scores, _offer] = await ask(demo, "/scores")
    assert "怎么算" in scores
    for rule in ("状态 = 报送率 × 80% + 周/月梳理回复率 × 20%", "评价 = (平均分 − 1) ÷ 4 × 100",
                 "实绩 = 节点按期完成率 × 60%", "考核组 = 考察员评定均分 + 考察纪实积分"):
        assert rule in scores
    example = re.search(r"例：(\S+) (\d\.\d\d) / 5 → ([\d.]+)", scores)
    assert example and abs((float(example[2]) - 1) / 4 * 100 - float(example[3])) < 0.06


async def test_a_project_without_enough_ratings_beside_a_rated_cadre_says_why(demo) -> None:
    [ratings] = await ask(demo, "/ratings 城南快速路二期")
    assert "项目整体：评价不足 5 条" in ratings and "陈志强：共 10 条" in ratings
    assert "对某位干部的评价单独计数" in ratings


async def test_no_internal_id_reaches_the_user(demo) -> None:
    await ask(demo, "/dossier 陈志强")
    html = next(data for name, data in demo.request.documents() if name.endswith(".html"))
    text = html.decode()
    section = text[text.index("五、服务评价"):text.index("六、问题交办单")]
    assert "项目攻坚季" in section and not re.search(r">P\d+<", section)
    [question] = await ask(demo, "/cadre 王磊")
    assert "项目办主任 · 城南快速路二期" in question and _tg(1) not in question
    [call] = demo.request.sent()
    buttons = [row[0]["text"] for row in call.params["reply_markup"]["inline_keyboard"]]
    assert buttons == ["王磊 · 项目办主任 · 城南快速路二期", "王磊 · 农田建设股股长 · 高标准农田建设"]


# --- people in the order users expect, told apart -------------------------------------------------

async def test_leader_first_then_pinyin_and_projects_in_pinyin(demo) -> None:
    [summary] = await ask(demo, "/summary 城南快速路二期 week")
    names = [n for n in re.findall(r"^<b>(\S+)</b>（", summary, re.M) if n != "服务评价"]
    assert names == ["陈志强", "刘晓燕", "王磊"]  # 负责人, then liu before wang
    [listing] = await ask(demo, "/project list")
    order = [line.split("（")[0].lstrip("· ") for line in listing.splitlines()[1:]]
    assert order == ["城南快速路二期", "高标准农田建设", "青山村人居环境整治", "县人民医院新院区",
                     "一件事一次办改革"]


async def test_namesakes_are_told_apart_on_the_board(demo) -> None:
    [ranking, _offer] = await ask(demo, "/ranking")
    assert "王磊（城南快速路二期）" in ranking and "王磊（高标准农田建设）" in ranking


# --- answers that fit the day ---------------------------------------------------------------------

async def test_summary_missing_and_ratings_answer_every_project_in_one_message(demo) -> None:
    for command in ("/summary", "/missing", "/ratings"):
        answers = await ask(demo, command)
        assert len(answers) == 1, (command, answers)
        assert all(name in answers[0] for name in PROJECTS), command
        today = datetime.now(TZ).date()
        if command != "/ratings":
            assert ("今天不是工作日，以下是上一个工作日" in answers[0]) == (not is_workday(today))


@pytest.mark.parametrize(("now", "day"), [
    (datetime(2026, 12, 6, 9, tzinfo=TZ), date(2026, 12, 4)),  # Sunday → Friday
    (datetime(2026, 10, 5, 9, tzinfo=TZ), date(2026, 9, 30)),  # 国庆 → the day before it
    (datetime(2026, 12, 7, 9, tzinfo=TZ), None),  # a Monday is itself
])
def test_a_non_working_day_reviews_the_last_working_one(now, day) -> None:
    moment, fallback = review_moment(now, TZ)
    assert fallback == day
    assert moment.astimezone(TZ).date() == (day or now.date())


async def test_period_report_says_the_open_period_has_not_closed(demo) -> None:
    [answer] = await ask(demo, "/period report")
    assert "考察期「项目攻坚季」还没有结束" in answer and "还没有考察期" not in answer


async def test_help_lists_every_examiner_command(demo) -> None:
    for user in (ADMIN, EXAMINER_USER):
        [text] = await ask(demo, "/help", user)
        for command in ("/period report", "/dossier", "/export", "/scores", "/ranking",
                        "/cadre", "/summary", "/missing", "/ratings", "/orders", "/my"):
            assert command in text, (user.id, command)
    [text] = await ask(demo, "/help", ADMIN)
    assert "/import" in text


# --- answers that fit a chat ------------------------------------------------------------------------

async def test_a_big_board_answers_with_its_digest_and_the_whole_board_as_a_file(demo) -> None:
    with demo.db.session() as s:
        project = s.exec(select(Project).where(Project.name == "城南快速路二期")).one()
        joined = datetime.now(UTC).replace(day=1, hour=1)
        for n in range(30):
            person = Person(tg_id=8_800_000 + n, name=f"增援干部{n:02d}", post="科员")
            s.add(person)
            s.flush()
            s.add(Membership(person_id=person.id, project_id=project.id, joined_at=joined))
    for command in ("/scores", "/ranking"):
        answers = await ask(demo, command)
        text = answers[0]
        assert len(answers) == 2 and len(text) < 4096, (command, answers)
        assert "共 43 位干部：优秀" in text and "前 10 名" in text and "末 5 名" in text
        assert "王磊（城南快速路二期） " in text and "）（" not in text
        assert text.count("\n1") < 20
        [(name, html)] = demo.request.documents()
        assert answers[-1].startswith("需要图表吗")
        assert name.endswith(".html") and html.decode().count("<tr>") == 44  # head + 43
        assert "增援干部29" in html.decode() and html.decode().count(">王磊<") == 2
    answers = await ask(demo, "/scores 城南快速路二期")  # one project: the whole board
    whole = "".join(answers[:-1])
    assert "增援干部29" in whole and "前 10 名" not in whole and "33. " in whole
    assert not demo.request.documents()


def test_the_digest_lists_staged_cadres_and_where_the_readers_projects_stand() -> None:

    def row(n: int, project: str, composite: float, grade: str, stage: str | None = None):
        figures = _scoring.Figures(grade=composite, graders=1)
        return CadreScore(Person(id=n, name=f"干部{n}" if n != 8 else "干部1"), [project],
                          _scoring.score(figures, _scoring.Weights()), grade=grade, stage=stage)

    rows = [row(n, "甲" if n % 2 else "乙", 100 - n, "良好" if n < 30 else "一般",
                "warning" if n == 33 else "out" if n == 34 else None) for n in range(1, 41)]
    digest = board_digest.digest(rows, ["甲"])
    assert digest.total == 40 and [p for p, _r in digest.head] == list(range(1, 11))
    assert [p for p, _r in digest.tail] == [36, 37, 38, 39, 40]
    assert digest.grades == {"优秀": 0, "良好": 29, "一般": 11, "": 0}
    assert [(p, r.stage) for p, r in digest.staged] == [(33, "warning")]  # "out" has left
    [mine] = digest.mine
    assert (mine.project, mine.cadres, mine.best, mine.worst, mine.fair) == ("甲", 20, 1, 39, 5)
    assert digest.apart[1] == "甲" and digest.apart[8] == "乙"  # two 干部1: told by project
    assert digest.apart[2] == ""


async def test_my_for_an_examiner_is_an_examiners_day(demo) -> None:
    [text] = await ask(demo, "/my", EXAMINER_USER)
    assert "我负责的项目" in text and "连续报送" not in text
    assert all(name in text for name in PROJECTS)
    assert re.search(r"县人民医院新院区</b>：应报 \d 人，已报 \d 人", text)
    assert "逾期 1 件：ZG-" in text and "孙丽华" in text  # the demo's overdue order
    assert "差评提醒" in text
    today = datetime.now(TZ).date()
    assert ("今天不是工作日" in text) == (not is_workday(today))


async def test_export_orders_the_ledger_by_number_and_shows_rates_as_percentages(demo) -> None:
    with demo.db.session() as s:  # a later number issued first must still come after
        orders = s.exec(select(Rectification)).all()
        orders.sort(key=lambda o: o.number)
        orders[0].deadline, orders[-1].deadline = orders[-1].deadline, orders[0].deadline
    await ask(demo, "/export")
    [(name, data)] = demo.request.documents()
    assert name.endswith(".xlsx")
    book = openpyxl.load_workbook(io.BytesIO(data))
    ledger = book["整改台账"]
    numbers = [row[0].value for row in ledger.iter_rows(min_row=3) if row[0].value]
    assert len(numbers) == 4 and numbers == sorted(numbers)
    for sheet, header in (("业绩采集表", "节点按期率"), ("辛苦指数量化评估表", "报送率")):
        ws = book[sheet]
        column = [c.value for c in ws[2]].index(header)
        cells = [row[column] for row in ws.iter_rows(min_row=3) if row[column].value is not None]
        assert cells and all(c.number_format.endswith("%") for c in cells), sheet
        assert all(0 <= c.value <= 1 for c in cells)


async def test_a_quiet_non_working_day_shows_the_last_working_one_a_busy_one_itself(
        demo, monkeypatch) -> None:
    def sunday(now: datetime, tz):  # whatever today is, pretend it is not a working day
        before = now.astimezone(tz) - timedelta(days=1)
        return before, before.date()

    monkeypatch.setattr("core.review.review_day.review_moment", sunday)  # /summary's
    [quiet] = await ask(demo, "/summary 城南快速路二期")
    assert quiet.startswith("今天不是工作日，以下是上一个工作日")
    chen = make_user(TG_BASE + 1, "陈志强")
    await demo.feed(message_update(make_message(make_group(CHAT_BASE - 1, "城南快速路二期"), chen,
                                                "#每日动态 周末到现场查看\n进度：70%")))
    [busy] = await ask(demo, "/summary 城南快速路二期")
    assert "今天不是工作日，以下是" not in busy and "进度 70%" in busy


def test_a_digest_of_two_thousand_cadres_fits_one_message() -> None:
    rows = [CadreScore(Person(id=n, name=f"干部{n}", post="科员"), [f"项目{n % 97}"],
                       _scoring.score(_scoring.Figures(grade=90 - n % 50, graders=1),
                                      _scoring.Weights()),
                       grade="一般" if n % 50 > 30 else "良好",
                       stage="warning" if n % 40 == 0 else None) for n in range(2020)]
    view = SimpleNamespace(scope=SimpleNamespace(kind="domain", name="项目建设", projects=[]),
                           period=SimpleNamespace(theme="攻坚季", start=date(2026, 11, 1)),
                           end=date(2026, 11, 30), frozen=False, rows=rows, quota=0.2)
    digest = board_digest.digest(rows, ["项目1", "项目2"])
    for key in ("scores.view", "scores.ranking"):
        text = Renderer("zh").text(key, view=view, apart={}, digest=digest)
        assert len(text) < 4096, (key, len(text))
        assert "共 2020 位干部" in text and "另有 31 人，见文件" in text
        assert "项目1：" in text and "/ 2020" in text
