"""Files examiners hand on: /dossier, /export, /import, /period report, and chart buttons."""

from __future__ import annotations

from functools import partial

from telegram import Document, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import TelegramError
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from core.assessment import boards
from core.common.buttons import sign, verify
from core.common.errors import UsageError
from core.documents import dossier_view, export_view, imports, period_report
from core.documents.import_rows import MAX_BYTES, parse_import, template_workbook
from core.org import people
from handlers.args import grading, scope_words
from handlers.context import Ctx

MSG = filters.UpdateType.MESSAGE
DOWNLOAD_SECONDS = 10  # a 5 MB file; SQLite writers elsewhere wait up to 15 s for the lock


def send(context: Ctx, filename: str, build, *, photo: bool = False) -> None:  # type: ignore[no-untyped-def]
    """A file built after the commit, off the event loop; on failure or past 50 MB, one line."""
    context.reply_file("send_photo" if photo else "send_document",
                       "photo" if photo else "document", filename, build,
                       fallback_key="files.file_failed")


def chart(context: Ctx, filename: str, build) -> None:  # type: ignore[no-untyped-def]
    """A chart, or one line naming the font package when there is no CJK font."""
    documents = context.services.documents
    if not documents.charts_ok:
        context.reply("files.no_font", package=documents.package)
        return
    send(context, filename, build, photo=True)


def chart_button(context: Ctx, view: boards.ScoresView) -> InlineKeyboardMarkup:
    """📊 under /scores and /ranking: the composite by cadre as a chart."""
    scope = view.scope
    ref = scope.projects[0].id if scope.kind == "project" else (
        scope.projects[0].domain_id if scope.kind == "domain" else 0)
    return InlineKeyboardMarkup([[InlineKeyboardButton(context.text("files.chart_button"),
                                                       callback_data=sign(
        context.settings.frontline_secret, "ch", scope.kind[0], ref, view.period.id))]])


async def composite(update: Update, context: Ctx) -> None:
    """The chart button: re-computes the scores asked for and sends the chart."""
    _p, kind, ref, period_id = verify(context.settings.frontline_secret,
                                      update.callback_query.data or "", parts=4)
    view = boards.view_by_ids(context.session, context.actor, kind, int(ref),
                                   int(period_id), today=context.today(),
                                   grading=grading(context), tz=context.tz())
    context.answer_button()
    chart(context, "composite.png", partial(context.services.documents.composite_chart, view))


async def dossier(update: Update, context: Ctx) -> None:
    """/dossier <person>: <姓名>-履职档案.html and .xlsx."""
    args = context.args or []
    if len(args) != 1:
        raise UsageError("usage.dossier")
    person = people.resolve(context.session, args[0])
    view = dossier_view.build(context.session, context.actor, person, today=context.today(),
                              grading=grading(context), tz=context.tz())
    documents = context.services.documents
    name = documents.dossier_name(view)
    context.reply("files.dossier_sent", view=view)
    send(context, f"{name}.html", partial(documents.dossier_html, view))
    send(context, f"{name}.xlsx", partial(documents.dossier_xlsx, view))


async def export(update: Update, context: Ctx) -> None:
    """/export [project|domain] [period]: the 两表一单 and 整改台账 as one workbook."""
    word, period_word, group = scope_words(context, "usage.export")
    scope = export_view.check(context.session, context.actor, word, period_word,
                              group_project=group)
    documents = context.services.documents
    context.reply("files.export_coming", scope=scope)
    # The figures of thousands of cadres are read off the event loop, in a session of its own.
    send(context, f"{documents.export_name(scope)}.xlsx",
         partial(documents.export_for, context.actor, word, period_word,
                 today=context.today(), grading=grading(context), tz=context.tz(),
                 group_project=group))


async def import_(update: Update, context: Ctx) -> None:
    """/import alone: the template; as the caption of an .xlsx/.csv: check, then apply."""
    document = update.effective_message.document
    context.actor.require_admin()  # before anything is fetched
    if document is None:
        context.reply("imports.template")
        send(context, "干部名单导入模板.xlsx", template_workbook)
        return
    table = parse_import(await _download(document), document.file_name or "upload")
    report = imports.apply(context.session, context.actor, table)
    lines = [context.text(p.why, line=p.line, what=p.what, value=p.value, limit=p.limit,
                          first_line=p.first_line) for p in report.problems]
    context.reply_long("imports.report", report=report, lines=lines)


async def _download(document: Document) -> bytes:
    """The uploaded file's bytes, refused past MAX_BYTES or when Telegram cannot hand it over."""
    if document.file_size and document.file_size > MAX_BYTES:
        raise UsageError("imports.too_big", limit_mb=MAX_BYTES // (1024 * 1024))
    try:  # bounded well under the database's busy timeout: other writers only wait
        file = await document.get_file(read_timeout=DOWNLOAD_SECONDS)
        return bytes(await file.download_as_bytearray(read_timeout=DOWNLOAD_SECONDS))
    except TelegramError:
        raise UsageError("imports.download_failed") from None


async def report(update: Update, context: Ctx) -> None:
    """/period report [period]: the closed period's 专报 again (one per project)."""
    args = context.args or []
    if len(args) > 2:
        raise UsageError("usage.period")
    period, projects = period_report.closed_period(context.session, context.actor,
                                                   args[1] if len(args) == 2 else None)
    person = context.actor.person
    chat_id = update.effective_chat.id
    for project in projects:
        context.deliver(chat_id, "files.report_caption", job="period-report",
                        recipient=f"person:{person.id if person else chat_id}",
                        period_key=f"P{period.id}:{project.id}:{update.update_id}",
                        extra={"document": {"period": period.id, "project": project.id}},
                        period=period, project=project)


def send_reports(context: Ctx, closed: boards.Closed) -> None:
    """A closed period's 专报, one per project, to every admin through the ledger."""
    for admin in people.admins_to_tell(context.session, context.settings.frontline_admins):
        for project in closed.projects:
            context.deliver(admin.tg_id, "files.report_caption", job="period-report",
                            recipient=f"person:{admin.id}",
                            period_key=f"P{closed.period.id}:{project.id}",
                            extra={"document": {"period": closed.period.id, "project": project.id}},
                            period=closed.period, project=project)


def register(app: Application) -> None:
    app.add_handler(CommandHandler("dossier", dossier, filters=MSG))
    app.add_handler(CommandHandler("export", export, filters=MSG))
    app.add_handler(CommandHandler("import", import_, filters=MSG))
    app.add_handler(MessageHandler(MSG & filters.Document.ALL
                                   & filters.CaptionRegex(r"^/import(@\w+)?(\s|$)"), import_))
    app.add_handler(CallbackQueryHandler(composite, pattern=r"^ch:"))

