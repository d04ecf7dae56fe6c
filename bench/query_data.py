"""Bulk builders for the /summary benchmark: one 120-cadre project among many, a year of reports."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from psycopg import sql
from sqlalchemy import insert

from core.common.calendar import workdays
from storage.db import Database
from storage.tables import Chat, Domain, Membership, Person, Project

TZ = ZoneInfo("Asia/Shanghai")
PROJECT = "城南快速路"
CADRES = 120  # the measured project's cadres, in every database
CHUNK = 50_000  # reports per executemany / COPY
DOMAINS = ("项目建设", "乡村振兴", "招商引资", "城市更新")
SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许"
            "韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈")
GIVEN_1 = "建志海红伟文秀永光晓春德国明玉丽俊立宏新"
GIVEN_2 = "军平华强峰芳英杰涛斌"
TOPICS = ("征迁", "管线迁改", "用地报批", "招商洽谈", "安全巡查", "资金拨付", "清表", "环评")
LABELS = {"done": "完成：", "problem": "问题：", "plan": "计划："}
ITEMS = {"done": "签约{topic}{n}户", "problem": "{topic}进度滞后，需协调{other}",
         "plan": "明日推进{topic}现场清表"}
REPORT_COLS = ("id", "person_id", "project_id", "chat_id", "message_id", "local_date",
               "posted_at", "on_time", "backfilled", "text", "photos", "progress", "edited_at",
               "withdrawn")
ITEM_COLS = ("id", "report_id", "kind", "position", "text")


@dataclass(frozen=True)
class Shape:
    """What one database holds: cadres (the first CADRES are PROJECT's), projects, reports."""

    name: str
    cadres: int
    projects: int
    reports: int
    days: tuple[date, ...]

    def project_of(self, cadre: int) -> int:
        """Project index 0 is PROJECT; the other cadres are dealt round the other projects."""
        return 0 if cadre < CADRES else 1 + (cadre - CADRES) % (self.projects - 1)


def shapes(scale: float, today: date) -> tuple[Shape, Shape]:
    """SMALL and BIG: a report per cadre per working day of the last 365 days, times `scale`."""
    days = tuple(workdays(today - timedelta(days=max(1, round(365 * scale)) - 1), today))
    per_cadre = 250 * scale  # 2.5M / 10,000 cadres
    cadres = CADRES + max(1, round(9_880 * scale))
    return (Shape("small", CADRES, 1, round(CADRES * per_cadre), days),
            Shape("big", cadres, 1 + max(1, round(399 * scale)), round(cadres * per_cadre), days))


def name(cadre: int) -> str:
    """A distinct three-character name (a number added past 10,000 cadres)."""
    given = GIVEN_1[cadre // 50 // 10 % 20] + GIVEN_2[cadre // 50 % 10]
    return SURNAMES[cadre % 50] + given + (str(cadre // 10_000) if cadre >= 10_000 else "")


def seed(db: Database, shape: Shape) -> None:
    """Domains, projects, one bound group each, cadres and memberships (ORM bulk insert)."""
    joined = datetime.combine(shape.days[0] - timedelta(days=30), datetime.min.time(), UTC)
    with db.session() as s:
        s.execute(insert(Domain), [{"id": i + 1, "name": d} for i, d in enumerate(DOMAINS)])
        s.execute(insert(Project), [
            {"id": p + 1, "domain_id": 1 + p % len(DOMAINS), "join_token": f"j{p}",
             "name": PROJECT if p == 0 else f"{DOMAINS[p % len(DOMAINS)]}项目{p:03d}"}
            for p in range(shape.projects)])
        s.execute(insert(Chat), [
            {"id": chat_id(p), "title": f"项目群{p}", "type": "supergroup", "project_id": p + 1,
             "bound_at": joined, "tz": TZ.key} for p in range(shape.projects)])
        s.execute(insert(Person), [
            {"id": c + 1, "tg_id": 5_000_000 + c, "name": name(c), "post": "科员",
             "reachable": True} for c in range(shape.cadres)])
        s.execute(insert(Membership), [
            {"id": c + 1, "person_id": c + 1, "project_id": shape.project_of(c) + 1,
             "role": "负责人" if c == 0 or 0 <= c - CADRES < shape.projects - 1 else "成员",
             "joined_at": joined} for c in range(shape.cadres)])


def chat_id(project: int) -> int:
    """The project's bound group."""
    return -1_000_000_000_000 - project


def _by_day(shape: Shape) -> list[list[int]]:
    """Day index → the cadres reporting that day (a cadre twice for a second report)."""
    days = len(shape.days)
    out: list[list[int]] = [[] for _ in range(days)]
    base, extra = divmod(shape.reports, shape.cadres)
    for cadre in range(shape.cadres):
        count = base + (cadre < extra)
        phase = cadre * 37 % max(count, 1)
        for r in range(count):
            out[min(days - 1, (r * days + phase) // count)].append(cadre)
    return out


def rows(shape: Shape, sqlite: bool) -> Iterator[tuple[list[tuple], list[tuple]]]:
    """(reports, items) in chunks, in the order they would arrive, projects interleaved."""
    message_ids = [0] * shape.projects
    report_id = item_id = 0
    reports: list[tuple] = []
    items: list[tuple] = []
    for d, cadres in enumerate(_by_day(shape)):
        day = shape.days[d]
        start = datetime.combine(day, datetime.min.time(), TZ).astimezone(UTC)
        local = day.isoformat() if sqlite else day
        slots = []
        for k, cadre in enumerate(cadres):
            on_time = (d * 13 + cadre + k) % 10 != 0
            mix = cadre * 7919 + d * 104_729 + k * 31
            slots.append((9 * 60 + mix % 540 if on_time else 18 * 60 + mix % 300, cadre, on_time))
        slots.sort()  # in posting order: a project's reports lie among everyone else's
        for minute, cadre, on_time in slots:
            p = shape.project_of(cadre)
            message_ids[p] += 1
            report_id += 1
            s = (d + cadre) % 10
            posted = start + timedelta(minutes=minute, seconds=cadre % 60)
            topic = TOPICS[(d + cadre) % len(TOPICS)]
            progress = (d * 7 + cadre) % 101 if s % 2 == 0 else None
            lines = [f"#每日动态 第{d + 1}条 今日推进{topic}工作"]
            if progress is not None:
                lines.append(f"进度：{progress}%")
            if s in (0, 1, 3, 5, 7):
                kinds = ("done", "problem") if s in (1, 5) else ("done",) if s != 7 else ("plan",)
                for position, kind in enumerate(kinds):
                    item = ITEMS[kind].format(topic=topic, n=cadre % 9 + 1, other=TOPICS[s])
                    lines.append(LABELS[kind] + item)
                    item_id += 1
                    items.append((item_id, report_id, kind, position, item))
            elif progress is None:
                lines.append(f"上午到{topic}片区走访企业{cadre % 5 + 1}家，下午协调用地和管线问题")
            withdrawn = (d * 31 + cadre) % 997 == 0
            reports.append((
                report_id, cadre + 1, p + 1, chat_id(p), message_ids[p], local,
                posted.strftime("%Y-%m-%d %H:%M:%S.%f") if sqlite else posted,
                int(on_time) if sqlite else on_time, 0 if sqlite else False, "\n".join(lines),
                "[]", progress, None, int(withdrawn) if sqlite else withdrawn))
        if len(reports) >= CHUNK or d == len(shape.days) - 1:
            yield reports, items
            reports, items = [], []


def load_sqlite(path: str, shape: Shape) -> None:
    """Reports and items by executemany in one transaction, synchronous=OFF; then ANALYZE."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("PRAGMA cache_size=-1000000")
    conn.execute("BEGIN")
    report_sql = (f"INSERT INTO daily_report ({', '.join(REPORT_COLS)}) "
                  f"VALUES ({', '.join('?' * len(REPORT_COLS))})")
    item_sql = f"INSERT INTO report_item ({', '.join(ITEM_COLS)}) VALUES (?, ?, ?, ?, ?)"
    for reports, items in rows(shape, sqlite=True):
        conn.executemany(report_sql, reports)
        conn.executemany(item_sql, items)
    conn.execute("COMMIT")
    conn.execute("ANALYZE")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.close()


def load_postgresql(db: Database, shape: Shape) -> None:
    """Reports and items by COPY (FK triggers off while loading); sequences; VACUUM ANALYZE."""
    with db.engine.connect() as sa_conn:
        conn = sa_conn.connection.dbapi_connection
        assert conn is not None
        with conn.cursor() as cur:
            cur.execute("SET session_replication_role = replica")
            for reports, items in rows(shape, sqlite=False):
                with cur.copy(f"COPY daily_report ({', '.join(REPORT_COLS)}) FROM STDIN") as copy:
                    for row in reports:
                        copy.write_row(row)
                with cur.copy(f"COPY report_item ({', '.join(ITEM_COLS)}) FROM STDIN") as copy:
                    for row in items:
                        copy.write_row(row)
            cur.execute("SET session_replication_role = DEFAULT")
            for table in ("domain", "project", "person", "membership", "daily_report",
                          "report_item"):
                cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                            f"(SELECT max(id) FROM {table}))")
        conn.commit()
        conn.autocommit = True
        with conn.cursor() as cur:  # this schema's tables only: others share the database
            cur.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
            tables = [row[0] for row in cur.fetchall()]
            cur.execute(sql.SQL("VACUUM (ANALYZE) {}").format(
                sql.SQL(", ").join(map(sql.Identifier, tables))))
        conn.autocommit = False
