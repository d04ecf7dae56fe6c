"""A local, in-process emulator of the Telegram Bot API for end-to-end tests.

The emulator is a small HTTP server (standard library only) that speaks the Bot API wire
protocol closely enough that an unmodified python-telegram-bot (PTB) 22 process can be
pointed at it::

    emu = BotApiEmulator(token="123:ABC", bot_username="frontline_test_bot")
    emu.start()
    # bot process: base_url=f"{emu.base_url}/bot", base_file_url=f"{emu.base_url}/file/bot"

The test drives "users" through the Python API of :class:`BotApiEmulator` (``user``,
``group``, ``send``, ``press`` ...), which turns their actions into Bot API updates that the
bot receives through ``getUpdates``. Everything the bot calls is recorded in
:attr:`BotApiEmulator.calls`.

Telegram semantics that are kept (see the method docstrings for details):

* updates stay queued until confirmed with ``getUpdates(offset=...)``; long polling wakes up
  early when an update arrives; a second concurrent ``getUpdates`` terminates the first one
  with ``409 Conflict``; ``allowed_updates`` is remembered between calls and applies to
  updates created afterwards (``chat_member``/``message_reaction`` are opt-in);
* privacy mode: in groups a non-admin bot only sees commands, replies to its own messages,
  mentions and service messages;
* 403 for users who never started / blocked the bot and for groups the bot was removed from,
  400 + ``migrate_to_chat_id`` for migrated groups, entity parsing errors for bad HTML /
  MarkdownV2, "message is not modified", message length limits, ``REACTION_INVALID`` ...;
* dates are Unix seconds, user ids and supergroup ids do not fit into 32 bits, entity
  offsets are counted in UTF-16 code units, text is trimmed like Telegram does.
"""

from .core import BotApiEmulator
from .images import make_png
from .objects import ApiError, TgObject
from .params import UploadedFile

__all__ = ["ApiError", "BotApiEmulator", "TgObject", "UploadedFile", "make_png"]
