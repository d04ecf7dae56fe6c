"""The real `frontline run` process, driven through the Bot API emulator as users would.

One bot process and one emulated district serve the whole module. Module fixtures perform the
users' actions in story order (an admin sets up a project, a group is bound, cadres register
and report, a newcomer joins by the deep link); each test then checks one part of the story on
what the emulator recorded and on the bot's SQLite database.

Telegram's limits are real here (the bot paces ~1 message/s per chat and 20/min per group), so
the story keeps the number of bot messages per group small.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from .conftest import BOT_USERNAME, BotProcess
from .emulator import BotApiEmulator, TgObject

pytestmark = pytest.mark.e2e

TZ = ZoneInfo("Asia/Shanghai")  # FRONTLINE_TZ default
ACK = "👌"
PROJECT = "城南快速路"


# ---------------------------------------------------------------------------- helpers


def _chat_id(chat: object) -> int:
    return int(chat["id"]) if isinstance(chat, dict) else int(chat)  # type: ignore[arg-type]


def ask(bot: BotProcess, user: TgObject, chat: object, text: str, expect: str,
        timeout: float = 15.0) -> str:
    """`user` sends `text`; wait for a new bot message in that chat containing `expect`."""
    emu = bot.emu
    cid = user.id if chat == "private" else _chat_id(chat)
    before = len(emu.texts(cid))
    emu.send(user, chat, text)
    return bot.wait(
        lambda e: next((t for t in e.texts(cid)[before:] if expect in t), None),
        timeout=timeout, message=f"a reply containing {expect!r} to {text!r} in chat {cid}")


def wait_ack(bot: BotProcess, msg: TgObject, timeout: float = 15.0) -> TgObject:
    """Wait for the bot's 👌 reaction on `msg`."""
    cid, mid = msg["chat"]["id"], msg["message_id"]

    def reacted(e: BotApiEmulator) -> TgObject | None:
        return next((c for c in e.reactions(cid) if c["params"].get("message_id") == mid), None)

    call = bot.wait(reacted, timeout=timeout, message=f"a reaction on message {mid} in {cid}")
    assert [r["emoji"] for r in call["params"]["reaction"]] == [ACK]
    return call


def bot_replies_to(emu: BotApiEmulator, msg: TgObject) -> list[str]:
    """Texts of the bot's messages that reply to `msg`."""
    cid, mid = msg["chat"]["id"], msg["message_id"]
    return [c["result"].get("text", "") for c in emu.sent(cid)
            if (c["result"].get("reply_to_message") or {}).get("message_id") == mid]


def report_rows(bot: BotProcess, msg: TgObject) -> list[tuple]:
    """daily_report rows of one message: (id, chat_id, message_id, local_date, text, progress,
    photos, edited_at, person name)."""
    return bot.query(
        "SELECT r.id, r.chat_id, r.message_id, r.local_date, r.text, r.progress, r.photos, "
        "r.edited_at, p.name FROM daily_report r JOIN person p ON p.id = r.person_id "
        "WHERE r.chat_id = ? AND r.message_id = ?", (msg["chat"]["id"], msg["message_id"]))


def items_of(bot: BotProcess, report_id: int) -> list[tuple[str, str]]:
    return bot.query("SELECT kind, text FROM report_item WHERE report_id = ? "
                     "ORDER BY kind, position, id", (report_id,))


def local_date(msg: TgObject) -> str:
    return datetime.fromtimestamp(msg["date"], TZ).date().isoformat()


# ---------------------------------------------------------------------------- the story


@dataclass
class District:
    bot: BotProcess
    admin: TgObject
    group: TgObject
    cadres: dict[str, TgObject]
    replies: dict[str, str] = field(default_factory=dict)
    join_link: str = ""


@pytest.fixture(scope="module")
def district(bot: BotProcess, emu: BotApiEmulator, admin: TgObject) -> District:
    """Admin in private: domain and project; the bot joins a group as admin; /bind; cadres
    /register in the group."""
    replies: dict[str, str] = {}
    replies["domain"] = ask(bot, admin, "private", "/domain add 项目建设", "已创建领域「项目建设」")
    replies["project"] = ask(bot, admin, "private", f"/project add 项目建设 {PROJECT} 县交通局",
                             f"已创建项目「{PROJECT}」")
    replies["show"] = ask(bot, admin, "private", f"/project show {PROJECT}", "加入链接")

    group = emu.group(f"{PROJECT}工作专班", creator=admin)
    emu.add_bot_to_group(group, by=admin, admin=True)
    replies["bind"] = ask(bot, admin, group, f"/bind {PROJECT}", f"本群已绑定项目「{PROJECT}」")

    cadres = {name: emu.user(name) for name in ("张三", "李四", "王五")}
    posts = {"张三": "县交通局副局长", "李四": "城南街道办主任", "王五": "县住建局科长"}
    for name, user in cadres.items():
        emu.add_member(group, user, by=admin)
        replies[f"register {name}"] = ask(bot, user, group, f"/register {name} {posts[name]}",
                                          f"已登记：{name}（{posts[name]}）")
    link = re.search(rf"https://t\.me/{BOT_USERNAME}\?start=j_[A-Za-z0-9_-]+", replies["show"])
    return District(bot, admin, group, cadres, replies, link[0] if link else "")


@dataclass
class Posted:
    text_report: TgObject
    photo_report: TgObject
    chatter: TgObject
    edited: TgObject
    original_date: str


@pytest.fixture(scope="module")
def posted(district: District, emu: BotApiEmulator) -> Posted:
    """Hashtag reports in the group: a text, a photo with a caption; then an edited report
    that was posted yesterday (it arrives late, like after an outage)."""
    bot, group, c = district.bot, district.group, district.cadres
    chatter = emu.send(c["王五"], group, "大家好，今天下午三点开协调会")
    text_report = emu.send(c["张三"], group,
                           "#每日动态\n进度：60%\n完成：完成征迁协议签订3户\n问题：管线迁改滞后")
    photo_report = emu.send(c["李四"], group, caption="今日现场 #日报\n完成：桩基浇筑12根",
                            photo=True)
    yesterday = datetime.now(TZ) - timedelta(days=1)
    late = emu.send(c["王五"], group, "#日报 进度：10%", date=yesterday)
    for msg in (text_report, photo_report, late):
        wait_ack(bot, msg)
    original = bot.wait_db("SELECT local_date FROM daily_report WHERE chat_id=? AND message_id=?",
                           (group.id, late.message_id), until=bool,
                           message="the late report stored")[0][0]
    emu.edit(late, "#日报\n进度：30%\n完成：桩基完成")
    bot.wait_db("SELECT text FROM daily_report WHERE chat_id=? AND message_id=?",
                (group.id, late.message_id),
                until=lambda rows: rows and "桩基完成" in rows[0][0],
                message="the edit stored")
    return Posted(text_report, photo_report, chatter, late, original)


@dataclass
class Joined:
    user: TgObject
    replies: list[str]
    daily: TgObject


@pytest.fixture(scope="module")
def joined(district: District, emu: BotApiEmulator) -> Joined:
    """A newcomer opens the join link in private, answers 姓名 职务, then reports by /daily."""
    bot = district.bot
    assert district.join_link, district.replies["show"]
    payload = district.join_link.split("?start=", 1)[1]
    newcomer = emu.user("小赵", "zhaoliu")
    replies = [ask(bot, newcomer, "private", f"/start {payload}", "姓名 职务"),
               ask(bot, newcomer, "private", "赵六 县发改委主任科员", "已登记：赵六")]
    daily = emu.send(newcomer, "private", "/daily 完成：对接企业2家\n问题：用地指标待批")
    wait_ack(bot, daily)
    return Joined(newcomer, replies, daily)


# ---------------------------------------------------------------------------- tests


def test_admin_sets_up_a_project_and_gets_its_join_link(district: District) -> None:
    bot, replies = district.bot, district.replies
    [(token,)] = bot.query("SELECT join_token FROM project WHERE name = ?", (PROJECT,))
    link = f"https://t.me/{BOT_USERNAME}?start=j_{token}"
    assert link in replies["project"]
    assert district.join_link == link and link in replies["show"]
    assert "县交通局" in replies["show"]
    [(domain,)] = bot.query("SELECT d.name FROM domain d JOIN project p ON p.domain_id = d.id")
    assert domain == "项目建设"


def test_group_is_bound_and_cadres_registered(district: District) -> None:
    bot, group = district.bot, district.group
    assert "隐私模式" not in district.replies["bind"]  # the bot is an admin there: it reads all
    [(project_id, title)] = bot.query("SELECT project_id, title FROM chat WHERE id = ?",
                                      (group.id,))
    assert project_id is not None and title == f"{PROJECT}工作专班"
    members = bot.query(
        "SELECT p.tg_id, p.name, p.post FROM membership m JOIN person p ON p.id = m.person_id "
        "JOIN project j ON j.id = m.project_id WHERE j.name = ? AND m.active ORDER BY p.name",
        (PROJECT,))
    cadres = {u.id: name for name, u in district.cadres.items()}
    assert {tg: name for tg, name, _post in members if tg in cadres} == cadres
    assert ("张三", "县交通局副局长") in {(n, p) for _t, n, p in members}


def test_hashtag_reports_are_acknowledged_and_stored_once(posted: Posted, district: District,
                                                          emu: BotApiEmulator) -> None:
    bot = district.bot
    [text_row] = report_rows(bot, posted.text_report)
    _id, chat_id, _mid, day, text, progress, _photos, _edited, name = text_row
    assert (chat_id, name, progress) == (district.group.id, "张三", 60)
    assert text == posted.text_report.text and day == local_date(posted.text_report)
    assert items_of(bot, text_row[0]) == [("done", "完成征迁协议签订3户"), ("problem", "管线迁改滞后")]

    [photo_row] = report_rows(bot, posted.photo_report)
    assert photo_row[8] == "李四" and photo_row[4] == posted.photo_report.caption
    photos = json.loads(photo_row[6])
    assert photos == [posted.photo_report.photo[-1].file_id]
    assert items_of(bot, photo_row[0]) == [("done", "桩基浇筑12根")]

    # Each report was acknowledged once, with a reaction and nothing else; the chatter posted
    # before them (the bot handles a chat's updates in order) was neither answered nor stored.
    for msg in (posted.text_report, posted.photo_report, posted.edited):
        acks = [c for c in emu.reactions(district.group)
                if c["params"]["message_id"] == msg.message_id]
        assert len(acks) == 1 and bot_replies_to(emu, msg) == []
    assert bot_replies_to(emu, posted.chatter) == [] and report_rows(bot, posted.chatter) == []
    duplicates = bot.query("SELECT chat_id, message_id, COUNT(*) FROM daily_report "
                           "GROUP BY chat_id, message_id HAVING COUNT(*) > 1")
    assert duplicates == []


def test_an_edit_updates_the_report_and_keeps_its_date(posted: Posted,
                                                       district: District) -> None:
    [row] = report_rows(district.bot, posted.edited)
    _id, _chat, _mid, day, text, progress, _photos, edited_at, name = row
    assert posted.original_date == local_date(posted.edited)  # yesterday, in the chat's zone
    assert day == posted.original_date and day != datetime.now(TZ).date().isoformat()
    assert (text, progress, name) == ("#日报\n进度：30%\n完成：桩基完成", 30, "王五")
    assert edited_at is not None
    assert items_of(district.bot, row[0]) == [("done", "桩基完成")]


def test_a_cadre_joins_by_the_deep_link_and_reports_in_private(joined: Joined,
                                                               district: District) -> None:
    bot = district.bot
    assert f"「{PROJECT}」" in joined.replies[0]
    assert "赵六（县发改委主任科员）" in joined.replies[1]
    [(name, post, username)] = bot.query("SELECT name, post, username FROM person WHERE tg_id = ?",
                                         (joined.user.id,))
    assert (name, post, username) == ("赵六", "县发改委主任科员", "zhaoliu")
    [row] = report_rows(bot, joined.daily)
    assert row[1] == joined.user.id and row[8] == "赵六"
    assert row[4] == "完成：对接企业2家\n问题：用地指标待批"  # line break kept
    assert items_of(bot, row[0]) == [("done", "对接企业2家"), ("problem", "用地指标待批")]


def test_summary_lists_names_with_done_and_problem_lines(posted: Posted, joined: Joined,
                                                         district: District) -> None:
    text = ask(district.bot, district.admin, "private", f"/summary {PROJECT}", f"📋 {PROJECT}")
    for part in ("张三", "李四", "赵六", "进度 60%", "完成征迁协议签订3户", "管线迁改滞后",
                 "桩基浇筑12根", "对接企业2家", "用地指标待批"):
        assert part in text, f"{part!r} missing from the summary:\n{text}"
    assert "桩基完成" not in text  # 王五's report is dated yesterday, not today


def test_group_migrates_to_a_supergroup(posted: Posted, district: District,
                                        emu: BotApiEmulator) -> None:
    bot, old, c = district.bot, district.group, district.cadres
    new = emu.migrate(old, by=district.admin)
    after = [emu.send(c["张三"], new, "#每日动态\n完成：迁移后第一条"),
             emu.send(c["李四"], new, caption="#日报\n问题：迁移后遗留", photo=True)]
    for msg in after:
        wait_ack(bot, msg)
        [row] = report_rows(bot, msg)
        assert row[1] == new.id
    for msg in (posted.text_report, posted.photo_report, posted.edited):
        assert [r[1] for r in report_rows(bot, msg)] == [old.id]
    chats = {cid: (project, mfrom, mto) for cid, project, mfrom, mto in bot.query(
        "SELECT id, project_id, migrated_from, migrated_to FROM chat WHERE id IN (?, ?)",
        (old.id, new.id))}
    [(project_id,)] = bot.query("SELECT id FROM project WHERE name = ?", (PROJECT,))
    assert chats[new.id] == (project_id, old.id, None)
    assert chats[old.id] == (None, None, new.id)

    text = ask(bot, district.admin, new, "/summary", f"📋 {PROJECT}")
    for part in ("张三", "李四", "迁移后第一条", "迁移后遗留", "完成征迁协议签订3户"):
        assert part in text, f"{part!r} missing from the summary:\n{text}"


def test_bind_warns_when_privacy_mode_hides_group_messages(district: District,
                                                           emu: BotApiEmulator) -> None:
    bot, admin = district.bot, district.admin
    assert emu.can_read_all_group_messages is False  # privacy mode on (BotFather's default)
    ask(bot, admin, "private", "/project add 项目建设 北区学校", "已创建项目「北区学校」")
    second = emu.group("北区学校项目群", creator=admin)
    emu.add_bot_to_group(second, by=admin, admin=False)
    reply = ask(bot, admin, second, "/bind 北区学校", "本群已绑定项目「北区学校」")
    assert "隐私模式" in reply and "管理员" in reply


def test_the_bot_made_no_call_telegram_would_refuse(district: District,
                                                    emu: BotApiEmulator) -> None:
    """Runs last: over the whole story, no Bot API call was answered with an error."""
    refused = [(c["method"], c.get("chat_id"), c["error"]["description"]) for c in emu.rejected]
    assert refused == []
