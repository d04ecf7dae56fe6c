"""Self-tests of the Bot API emulator, driven through a real python-telegram-bot ``Bot``.

The tests are synchronous and use ``asyncio.run`` so they do not depend on any pytest-asyncio
configuration.
"""

from __future__ import annotations

import asyncio
import datetime as dtm
import json
import socket
import threading
import time
import urllib.error
import urllib.request

import pytest
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllGroupChats,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    ReactionTypeEmoji,
    ReplyParameters,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, ChatMigrated, Conflict, Forbidden, RetryAfter
from telegram.ext import (
    ApplicationBuilder,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from .emulator import BotApiEmulator, make_png

TOKEN = "123456:TEST-token"


@pytest.fixture
def emu():
    emulator = BotApiEmulator(token=TOKEN, bot_username="frontline_test_bot")
    emulator.start()
    try:
        yield emulator
    finally:
        emulator.stop()
    assert not emulator.internal_errors, emulator.internal_errors


def run(emu: BotApiEmulator, scenario):
    """Run ``scenario(bot)`` with an initialized PTB Bot pointed at the emulator."""

    async def main():
        bot = Bot(
            TOKEN,
            base_url=emu.base_url + "/bot",
            base_file_url=emu.base_url + "/file/bot",
        )
        async with bot:
            return await scenario(bot)

    return asyncio.run(main())


def post(emu: BotApiEmulator, method: str, data: bytes = b"", token: str = TOKEN):
    request = urllib.request.Request(
        f"{emu.base_url}/bot{token}/{method}",
        data=data,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def test_get_me_and_privacy(emu):
    async def scenario(bot: Bot):
        me = await bot.get_me()
        assert me.id == 123456 and me.is_bot and me.username == "frontline_test_bot"
        assert me.can_join_groups is True and me.can_read_all_group_messages is False
        assert me.supports_inline_queries is False
        emu.set_privacy(True)
        assert (await bot.get_me()).can_read_all_group_messages is True

    run(emu, scenario)
    assert emu.sent(method="getMe")[0]["result"]["first_name"] == "frontline_test_bot"


def test_updates_persist_until_confirmed(emu):
    u = emu.user(first_name="张三", username="zhangsan")
    emu.send(u, "private", "/start")
    emu.send(u, "private", "你好 😀")

    async def scenario(bot: Bot):
        first = await bot.get_updates(timeout=0)
        again = await bot.get_updates(timeout=0)
        assert [x.update_id for x in first] == [x.update_id for x in again]
        assert len(first) == 2
        start = first[0].message
        assert start.text == "/start" and start.chat.type == "private"
        assert start.chat.id == u.id and start.from_user.first_name == "张三"
        assert start.entities[0].type == "bot_command" and start.entities[0].length == 6
        assert isinstance(start.date, dtm.datetime)
        limited = await bot.get_updates(offset=first[0].update_id + 1, limit=1, timeout=0)
        assert [x.update_id for x in limited] == [first[1].update_id]
        assert emu.pending_updates() == 1
        rest = await bot.get_updates(offset=first[1].update_id + 1, timeout=0)
        assert rest == ()
        return first[1].update_id

    last_id = run(emu, scenario)
    assert emu.pending_updates() == 0
    raw = emu.sent(method="getUpdates")[0]["result"][0]["message"]
    assert isinstance(raw["date"], int)
    emu.send(u, "private", "later")
    status, body = post(emu, "getUpdates")
    assert status == 200 and body["result"][0]["update_id"] > last_id


def test_long_poll_wakes_early(emu):
    u = emu.user(first_name="Li")

    async def scenario(bot: Bot):
        threading.Timer(0.3, lambda: emu.send(u, "private", "wake up")).start()
        started = time.monotonic()
        updates = await bot.get_updates(timeout=5)
        return time.monotonic() - started, updates

    elapsed, updates = run(emu, scenario)
    assert 0.2 < elapsed < 2.0
    assert [x.message.text for x in updates] == ["wake up"]


def test_concurrent_get_updates_conflict(emu):
    """A second bot instance polling terminates the first one's long poll with 409."""

    async def scenario(bot: Bot):
        other = Bot(TOKEN, base_url=emu.base_url + "/bot")
        async with other:
            first = asyncio.create_task(bot.get_updates(timeout=3))
            await asyncio.sleep(0.2)
            assert await other.get_updates(timeout=0) == ()
            with pytest.raises(Conflict, match=r"(?i)terminated by other getUpdates request"):
                await first

    run(emu, scenario)


def test_send_message_and_formatting(emu):
    u = emu.user(first_name="王五")
    emu.send(u, "private", "/start")

    async def scenario(bot: Bot):
        m1 = await bot.send_message(u.id, "123")
        assert isinstance(m1, Message)
        assert m1.chat.id == u.id and m1.text == "123" and m1.from_user.is_bot
        assert isinstance(m1.date, dtm.datetime)
        m2 = await bot.send_message(
            u.id,
            "  <b>粗体</b> 😀 <i>x</i> &lt;tag&gt; <a href='https://e.org'>链接</a>\n",
            parse_mode=ParseMode.HTML,
            reply_parameters=ReplyParameters(message_id=m1.message_id),
        )
        assert m2.message_id == m1.message_id + 1
        assert m2.text == "粗体 😀 x <tag> 链接"
        types = [(e.type, e.offset, e.length) for e in m2.entities]
        # offsets are UTF-16 code units: the emoji counts twice
        assert types == [("bold", 0, 2), ("italic", 6, 1), ("text_link", 14, 2)]
        assert m2.reply_to_message.message_id == m1.message_id
        assert m2.text_html.startswith("<b>粗体</b>")
        m3 = await bot.send_message(u.id, r"*bold* and \_not italic\_", parse_mode="MarkdownV2")
        assert m3.text == "bold and _not italic_" and m3.entities[0].type == "bold"
        with pytest.raises(BadRequest, match=r"(?i)can't parse entities: unsupported start tag"):
            await bot.send_message(u.id, "a <foo>b</foo>", parse_mode=ParseMode.HTML)
        with pytest.raises(BadRequest, match=r"(?i)Can't find end tag"):
            await bot.send_message(u.id, "<b>unclosed", parse_mode=ParseMode.HTML)
        with pytest.raises(BadRequest, match=r"(?i)Character '\.' is reserved"):
            await bot.send_message(u.id, "Done.", parse_mode=ParseMode.MARKDOWN_V2)
        with pytest.raises(BadRequest, match=r"(?i)Message is too long"):
            await bot.send_message(u.id, "x" * 4097)
        with pytest.raises(BadRequest, match=r"(?i)Message text is empty"):
            await bot.send_message(u.id, " \n ")
        with pytest.raises(BadRequest, match=r"(?i)Message to be replied not found"):
            await bot.send_message(u.id, "x", reply_parameters=ReplyParameters(message_id=999))

    run(emu, scenario)
    calls = emu.sent(u.id)
    assert calls[0]["params"]["text"] == "123"  # stays a string on the wire
    assert isinstance(calls[0]["result"]["date"], int)
    assert calls[0]["chat_id"] == u.id and isinstance(calls[0]["time"], float)
    assert emu.texts(u.id)[0] == "123"


def test_edit_message_text_and_callback(emu):
    u = emu.user(first_name="赵六")
    emu.send(u, "private", "/start")
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("确认", callback_data="ok:1")]])

    async def scenario(bot: Bot):
        sent = await bot.send_message(u.id, "请确认", reply_markup=keyboard)
        assert sent.reply_markup == keyboard
        query = emu.press(u, emu.sent(u.id)[-1], "ok:1")
        updates = await bot.get_updates(timeout=0)
        cq = updates[-1].callback_query
        assert cq.data == "ok:1" and cq.id == query.id and cq.from_user.id == u.id
        assert cq.message.message_id == sent.message_id and cq.chat_instance
        assert await cq.answer("已确认")
        with pytest.raises(BadRequest, match=r"(?i)query is too old"):
            await cq.answer("again")
        edited = await bot.edit_message_text("已确认 ✅", chat_id=u.id, message_id=sent.message_id)
        assert isinstance(edited, Message)
        assert edited.text == "已确认 ✅" and edited.edit_date is not None
        assert edited.reply_markup is None  # editing without reply_markup drops the keyboard
        with pytest.raises(BadRequest, match=r"(?i)Message is not modified"):
            await bot.edit_message_text("已确认 ✅", chat_id=u.id, message_id=sent.message_id)
        with pytest.raises(BadRequest, match=r"(?i)Message to edit not found"):
            await bot.edit_message_text("x", chat_id=u.id, message_id=4242)
        assert await bot.delete_message(u.id, sent.message_id)
        return sent.message_id, query

    mid, query = run(emu, scenario)
    assert emu.callback_answer(query)["text"] == "已确认"
    assert emu.sent(u.id, "answerCallbackQuery")[0]["params"]["callback_query_id"] == query.id
    assert emu.is_deleted(u.id, mid)
    with pytest.raises(AssertionError, match=r"(?i)was deleted"):
        emu.press(u, emu.sent(u.id)[0], "ok:1")
    with pytest.raises(AssertionError, match=r"(?i)no inline button"):
        emu.press(u, (u.id, 1), "nope")


def test_errors_surface_as_ptb_exceptions(emu):
    stranger = emu.user(first_name="Stranger")
    blocker = emu.user(first_name="Blocker")
    admin = emu.user(first_name="Admin", username="admin_user")
    emu.send(blocker, "private", "/start")
    emu.block(blocker)
    group = emu.group(title="项目群")
    emu.add_bot_to_group(group, by=admin)
    kicked = emu.group(title="Old", supergroup=True)
    emu.add_bot_to_group(kicked, by=admin)
    emu.remove_bot_from_group(kicked, by=admin)

    async def scenario(bot: Bot):
        with pytest.raises(Forbidden, match=r"(?i)bot can't initiate conversation with a user"):
            await bot.send_message(stranger.id, "hi")
        with pytest.raises(Forbidden, match=r"(?i)bot was blocked by the user"):
            await bot.send_message(blocker.id, "hi")
        with pytest.raises(Forbidden, match=r"(?i)bot was kicked from the supergroup chat"):
            await bot.send_message(kicked.id, "hi")
        with pytest.raises(BadRequest, match=r"(?i)Chat not found"):
            await bot.send_message(-4999999999, "hi")
        await bot.send_message(group.id, "before migration")
        new = emu.migrate(group, by=admin)
        with pytest.raises(ChatMigrated) as info:
            await bot.send_message(group.id, "after migration")
        assert info.value.new_chat_id == new.id and str(new.id).startswith("-100")
        assert (await bot.send_message(new.id, "in supergroup")).chat.type == "supergroup"
        emu.fail_next("sendMessage", chat_id=new.id)
        with pytest.raises(RetryAfter) as retry:
            await bot.send_message(new.id, "flood")
        assert retry.value.retry_after in (1, dtm.timedelta(seconds=1))
        assert (await bot.send_message(new.id, "ok again")).text == "ok again"
        return new

    new = run(emu, scenario)
    assert emu.texts(new.id) == ["in supergroup", "ok again"]
    assert [c["error"]["error_code"] for c in emu.rejected][-1] == 429


def test_migration_and_membership_updates(emu):
    admin = emu.user(first_name="Admin")
    member = emu.user(first_name="Member")
    group = emu.group(title="群")

    async def scenario(bot: Bot):
        await bot.get_updates(timeout=0, allowed_updates=["message", "chat_member"])
        emu.add_bot_to_group(group, by=admin)  # my_chat_member is not in allowed_updates now
        emu.add_member(group, member)  # bot is no admin: no chat_member update
        emu.set_bot_admin(group, by=admin)
        emu.remove_member(group, member)
        new = emu.migrate(group, by=admin)
        return new, await bot.get_updates(timeout=0)

    new, updates = run(emu, scenario)
    assert updates[0].message.new_chat_members[0].username == "frontline_test_bot"
    assert updates[1].message.new_chat_members[0].id == member.id
    assert updates[2].chat_member.new_chat_member.status == "left"
    assert updates[3].message.left_chat_member.id == member.id
    assert updates[4].message.migrate_to_chat_id == new.id
    assert updates[5].message.migrate_from_chat_id == group.id
    assert updates[5].message.chat.id == new.id
    assert len(updates) == 6


def test_privacy_mode_filters_group_messages(emu):
    owner = emu.user(first_name="Owner", username="owner")
    other = emu.user(first_name="Other")
    group = emu.group(title="讨论组")
    emu.add_bot_to_group(group, by=owner)

    async def scenario(bot: Bot):
        updates = await bot.get_updates(timeout=0)
        assert updates[0].my_chat_member.new_chat_member.status == "member"
        assert updates[0].my_chat_member.old_chat_member.status == "left"
        assert updates[1].message.new_chat_members[0].id == emu.bot_id
        offset = updates[-1].update_id + 1
        emu.send(other, group, "大家好")  # invisible in privacy mode
        emu.send(other, group, "/report@other_bot")  # a command for another bot
        cmd = emu.send(owner, group, "/report 本周")
        emu.send(owner, group, "@frontline_test_bot 看一下")
        mine = await bot.send_message(group.id, "bot says")
        emu.send(other, group, "回复机器人", reply_to=mine.to_dict())
        emu.send(other, group, "回复别人", reply_to=cmd)
        texts = [u.message.text for u in await bot.get_updates(offset=offset, timeout=0)]
        assert texts == ["/report 本周", "@frontline_test_bot 看一下", "回复机器人"]
        offset += 3
        emu.set_privacy(True)
        emu.send(other, group, "now visible")
        emu.set_privacy(False)
        emu.set_bot_admin(group, by=owner)
        emu.send(other, group, "admins see all")
        updates = await bot.get_updates(offset=offset, timeout=0)
        assert [u.message.text for u in updates if u.message] == [
            "now visible",
            "admins see all",
        ]
        member = await bot.get_chat_member(group.id, emu.bot_id)
        assert member.status == "administrator" and member.can_delete_messages
        assert (await bot.get_chat_member(group.id, other.id)).status == "member"
        chat = await bot.get_chat(group.id)
        assert chat.title == "讨论组" and chat.type == "group"

    run(emu, scenario)


def test_set_message_reaction(emu):
    u = emu.user(first_name="R")
    quiet = emu.group(title="No reactions", reactions=False)
    emu.add_bot_to_group(quiet, by=u)
    msg = emu.send(u, "private", "/start")
    gmsg = emu.send(u, quiet, "/ping")

    async def scenario(bot: Bot):
        assert await bot.set_message_reaction(u.id, msg.message_id, "👍")
        assert await bot.set_message_reaction(
            u.id, msg.message_id, [ReactionTypeEmoji("❤️")], is_big=True
        )
        with pytest.raises(BadRequest, match=r"(?i)reaction_invalid"):
            await bot.set_message_reaction(u.id, msg.message_id, "🦖")
        with pytest.raises(BadRequest, match=r"(?i)reaction_invalid"):
            await bot.set_message_reaction(quiet.id, gmsg.message_id, "👍")
        with pytest.raises(BadRequest, match=r"(?i)Message_id_invalid"):
            await bot.set_message_reaction(u.id, 9999, "👍")

    run(emu, scenario)
    reactions = emu.reactions(u.id)
    assert [r["params"]["reaction"][0]["emoji"] for r in reactions] == ["👍", "❤️"]
    assert reactions[0]["params"]["message_id"] == msg.message_id


def test_files_commands_and_misc(emu):
    u = emu.user(first_name="F")
    emu.send(u, "private", "/start")
    upload = emu.send(u, "private", document=("报告内容".encode(), "周报.txt"), caption="本周")
    photo = emu.send(u, "private", photo=True)

    async def scenario(bot: Bot):
        doc = (await bot.get_updates(timeout=0))[1].message.document
        assert doc.file_name == "周报.txt" and doc.mime_type == "text/plain"
        data = await (await bot.get_file(doc.file_id)).download_as_bytearray()
        assert bytes(data) == "报告内容".encode()
        biggest = photo.photo[-1]
        assert (biggest.width, biggest.height) == (320, 240)
        png = await (await bot.get_file(biggest.file_id)).download_as_bytearray()
        assert png.startswith(b"\x89PNG")
        sent = await bot.send_document(u.id, b"a,b\n1,2\n", filename="导出.csv", caption="导出")
        assert sent.document.file_name == "导出.csv" and sent.caption == "导出"
        pic = await bot.send_photo(u.id, make_png(1300, 1000))
        assert pic.photo[-1].width == 1300 and len(pic.photo) == 5
        with pytest.raises(BadRequest, match=r"(?i)Image_process_failed"):
            await bot.send_photo(u.id, b"not an image")
        assert await bot.send_chat_action(u.id, "typing")
        assert await bot.set_my_commands([BotCommand("start", "开始"), BotCommand("help", "帮助")])
        scope = BotCommandScopeAllGroupChats()
        assert await bot.set_my_commands([BotCommand("report", "周报")], scope=scope)
        assert [c.command for c in await bot.get_my_commands()] == ["start", "help"]
        assert [c.command for c in await bot.get_my_commands(scope=scope)] == ["report"]
        with pytest.raises(BadRequest, match=r"(?i)Bot_command_invalid"):
            await bot.set_my_commands([BotCommand("Bad-Command", "x")])
        assert await bot.delete_my_commands(scope=scope)
        assert await bot.get_my_commands(scope=scope) == ()
        assert await bot.delete_webhook(drop_pending_updates=True)
        assert (await bot.get_webhook_info()).pending_update_count == 0

    run(emu, scenario)
    assert upload.document.file_name == "周报.txt"
    call = emu.sent(u.id, "sendDocument")[0]
    assert call["files"]["document"]["filename"] == "导出.csv"
    assert call["params"]["caption"] == "导出"
    assert emu.commands() == [
        {"command": "start", "description": "开始"},
        {"command": "help", "description": "帮助"},
    ]


def test_unknown_method_and_bad_token(emu):
    status, body = post(emu, "frobnicate", b"x=1")
    assert status == 404
    assert body == {"ok": False, "error_code": 404, "description": "Not Found: method not found"}
    status, body = post(emu, "getMe", token="999:wrong")
    assert (status, body["error_code"]) == (401, 401)
    status, body = post(emu, "GETME")  # method names are case-insensitive
    assert status == 200 and body["result"]["username"] == "frontline_test_bot"


def test_wait_helpers(emu):
    u = emu.user(first_name="W")
    emu.send(u, "private", "/start")

    def later():
        time.sleep(0.1)
        run(emu, lambda bot: bot.send_message(u.id, "done"))

    threading.Thread(target=later).start()
    calls = emu.wait_sent(u.id, timeout=5)
    assert calls[0]["result"]["text"] == "done"
    with pytest.raises(AssertionError, match=r"(?i)expected 2 x sendMessage") as info:
        emu.wait_sent(u.id, count=2, timeout=0.1)
    assert "sendMessage chat=" in str(info.value)


def test_real_application_polling(emu):
    """An unmodified PTB Application (Updater + handlers) runs against the emulator."""
    u = emu.user(first_name="张三", username="zhangsan")
    group = emu.group(title="项目群")
    emu.send(u, "private", "stale message")  # dropped by drop_pending_updates

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("好", callback_data="yes")]])
        await update.effective_message.reply_text(
            f"欢迎 {update.effective_user.first_name}", reply_markup=keyboard
        )

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.effective_message.reply_text(update.effective_message.text)

    async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.callback_query.answer("收到")
        await update.callback_query.edit_message_text("已选择: " + update.callback_query.data)

    async def member(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        status = update.my_chat_member.new_chat_member.status
        await context.bot.send_message(update.effective_chat.id, f"status={status}")

    welcome_id = None

    async def main():
        app = (
            ApplicationBuilder()
            .token(TOKEN)
            .base_url(emu.base_url + "/bot")
            .base_file_url(emu.base_url + "/file/bot")
            .build()
        )
        app.add_handler(CommandHandler("start", start))
        app.add_handler(CallbackQueryHandler(pressed))
        app.add_handler(ChatMemberHandler(member, ChatMemberHandler.MY_CHAT_MEMBER))
        app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
        async with app:
            await app.start()
            await app.updater.start_polling(
                timeout=dtm.timedelta(seconds=1),
                allowed_updates=Update.ALL_TYPES,
                drop_pending_updates=True,
            )
            await asyncio.to_thread(emu.wait_polling, 5)
            emu.send(u, "private", "/start")
            (welcome,) = await asyncio.to_thread(emu.wait_sent, u.id, 1, "sendMessage", 5)
            assert welcome["result"]["text"] == "欢迎 张三"
            nonlocal welcome_id
            welcome_id = welcome["result"]["message_id"]
            emu.press(u, welcome, "yes")
            await asyncio.to_thread(emu.wait_sent, u.id, 1, "editMessageText", 5)
            emu.send(u, "private", "你好")
            await asyncio.to_thread(emu.wait_sent, u.id, 2, "sendMessage", 5)
            emu.add_bot_to_group(group, by=u)
            await asyncio.to_thread(emu.wait_sent, group.id, 1, "sendMessage", 5)
            await app.updater.stop()
            await app.stop()

    asyncio.run(main())
    assert emu.texts(u.id) == ["欢迎 张三", "你好"]
    assert emu.message(u.id, welcome_id)["text"] == "已选择: yes"
    answers = emu.sent(u.id, method="answerCallbackQuery")
    assert [a["params"]["text"] for a in answers] == ["收到"]
    assert emu.texts(group.id) == ["status=member"]
    assert emu.pending_updates() == 0  # the Updater confirmed everything on shutdown
    assert "stale message" not in json.dumps(emu.sent(method="getUpdates"), ensure_ascii=False)


def _webhook_target(delay: float, answers: list[int]) -> tuple[str, dict, threading.Thread]:
    """A worker stand-in on its own thread: answers each POST (status from `answers`, then
    200) after `delay`; records the most POSTs it held at once and the connections made."""
    seen = {"now": 0, "most": 0, "connections": 0, "posts": []}
    ready = threading.Event()
    address: list[str] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        seen["connections"] += 1
        while True:
            try:
                head = await reader.readuntil(b"\r\n\r\n")
            except (asyncio.IncompleteReadError, ConnectionError):
                return
            length = int(next(line.split(b":")[1] for line in head.split(b"\r\n")
                              if line.lower().startswith(b"content-length")))
            body = json.loads(await reader.readexactly(length))
            seen["now"] += 1
            seen["most"] = max(seen["most"], seen["now"])
            await asyncio.sleep(delay)
            seen["now"] -= 1
            seen["posts"].append((body["update_id"], b"secret-1" in head))
            status = answers.pop(0) if answers else 200
            writer.write(b"HTTP/1.1 %d X\r\nContent-Length: 0\r\n\r\n" % status)
            await writer.drain()

    async def main() -> None:
        server = await asyncio.start_server(handle, "127.0.0.1", 0)
        address.append(f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}")
        ready.set()
        await asyncio.sleep(30)

    thread = threading.Thread(target=lambda: asyncio.run(main()), daemon=True)
    thread.start()
    ready.wait(5)
    return address[0], seen, thread


def test_webhook_delivery_as_telegram_does_it(emu):
    """Every update POSTed with the secret, on kept connections, no more at once than the
    webhook's max_connections, past a worker that is down, and anything not answered 2xx
    posted again."""
    target, seen, _ = _webhook_target(0.05, answers=[500])
    user = emu.user("投递")

    async def scenario(bot):
        assert await bot.set_webhook("https://bot.example.org/hook", secret_token="secret-1",
                                     max_connections=3)

    run(emu, scenario)
    with socket.socket() as gone:  # a worker that is down: the balancer passes it by
        gone.bind(("127.0.0.1", 0))
        down = f"http://127.0.0.1:{gone.getsockname()[1]}"
    emu.route_webhook([down, target], in_flight=10)
    for _ in range(12):
        emu.send(user, "private", "hello")
    emu.wait_for(lambda e: len(e.webhook_delivered) == 12, timeout=10)
    assert seen["most"] == 3 and seen["connections"] == 3  # kept open, three at a time
    assert all(secret for _, secret in seen["posts"]) and len(seen["posts"]) == 13
    assert emu.webhook_posts == {500: 1, 200: 12} and set(emu.webhook_delivered.values()) == {1}
