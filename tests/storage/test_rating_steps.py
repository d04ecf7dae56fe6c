"""storage: the Core statements of a rater's steps (flow state, upserts, a window's counts and
levels, the open period's id, an alert's pending text), on SQLite and on PostgreSQL."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import select

from core.common.errors import UsageError
from core.org.people import Actor, UserInfo
from core.ratings import rater_keys as keys
from core.ratings import to_orders
from core.ratings.flow import Settings, press
from storage import deliveries as deliveries_q
from storage import rating_windows as windows_q
from storage import ratings as ratings_q
from storage.db import Database
from storage.tables import (
    Delivery,
    Domain,
    Period,
    PeriodProject,
    Person,
    Project,
    Rating,
    RatingContact,
    RatingFlow,
    RatingLink,
    RatingRelease,
)

DAY = date(2026, 11, 17)
NOW = datetime(2026, 11, 17, 9, 30, tzinfo=UTC)


@pytest.fixture
def world(db: Database) -> dict[str, int]:
    """A project with its cadre 张三, a link for each, and a project-wide rating in November."""
    with db.session() as s:
        domain = Domain(name="项目建设")
        s.add(domain)
        s.flush()
        project = Project(domain_id=domain.id, name="城南快速路", join_token="tok")
        cadre = Person(tg_id=11, name="张三", post="副局长")
        s.add_all([project, cadre])
        s.flush()
        links = [RatingLink(token=t, project_id=project.id, person_id=p,
                            expires_at=NOW + timedelta(days=90))
                 for t, p in (("whole", None), ("cadre", cadre.id))]
        s.add_all(links)
        s.flush()
        return {"project": project.id, "cadre": cadre.id, "link": links[0].id,
                "cadre_link": links[1].id}


def _rating(world: dict[str, int], dedupe: str, overall: int, **extra: object) -> dict:
    values = {"link_id": world["link"], "project_id": world["project"], "person_id": None,
              "bucket": "2026-11", "dedupe": dedupe, "kind": "resident", "overall": overall,
              "service": None, "duty": None, "solving": None, "integrity": None,
              "comment": None, "rated_on": DAY}
    return values | extra


def test_a_link_comes_with_the_names_of_what_it_rates(db: Database, world) -> None:  # type: ignore[no-untyped-def]
    with db.session(write=False) as s:
        whole = ratings_q.link_named(s, token="whole", flood_key="f")
        cadre = ratings_q.link_named(s, token="cadre", flood_key="f")
        assert ratings_q.link_named(s, token="nothing", flood_key="f") is None
    assert (whole["link_id"], whole["project_name"], whole["person_name"]) == (
        world["link"], "城南快速路", None)
    assert (cadre["person_id"], cadre["person_name"]) == (world["cadre"], "张三")
    assert cadre["link_expires_at"] == NOW + timedelta(days=90)
    assert cadre["revoked_at"] is None


def test_a_flow_opens_afresh_and_reads_back_with_its_link_and_rating(db: Database, world) -> None:  # type: ignore[no-untyped-def]
    with db.session() as s:
        ratings_q.open_flow(s, key="k", link_id=world["cadre_link"], step=1, nonce="n1",
                            expires_at=NOW)
        rating_id = ratings_q.put_rating(s, values=_rating(world, "d", 2, service=4))
        ratings_q.set_flow(s, key="k", rating_id=rating_id, step=3, kind="resident")
    with db.session(write=False) as s:
        state = ratings_q.flow_state(s, key="k")
    assert (state["step"], state["nonce"], state["kind"], state["rating_id"]) == (
        3, "n1", "resident", rating_id)
    assert (state["project_name"], state["person_name"], state["overall"], state["service"]) == (
        "城南快速路", "张三", 2, 4)
    assert state["expires_at"] == NOW
    with db.session() as s:  # Start again: the flow is replaced, its rating no longer in it
        ratings_q.open_flow(s, key="k", link_id=world["link"], step=1, nonce="n2",
                            expires_at=NOW)
    with db.session(write=False) as s:
        state = ratings_q.flow_state(s, key="k")
        assert len(list(s.exec(select(RatingFlow)))) == 1
    assert (state["nonce"], state["rating_id"], state["kind"], state["overall"]) == (
        "n2", None, None, None)
    assert state["person_name"] is None


def test_a_flow_moves_on_only_for_its_current_buttons(db: Database, world) -> None:  # type: ignore[no-untyped-def]
    """One statement checks the button, moves the flow and reads what the next step shows
    (on SQLite its RETURNING names no tables: each subquery must still find its own)."""
    later = NOW + timedelta(minutes=30)
    with db.session() as s:
        ratings_q.open_flow(s, key="k", link_id=world["cadre_link"], step=3, nonce="n",
                            expires_at=later)
        rating_id = ratings_q.put_rating(s, values=_rating(world, "d", 2, duty=4,
                                                           comment="慢", person_id=world["cadre"]))
        ratings_q.set_flow(s, key="k", rating_id=rating_id, kind="other")
        stale = [ratings_q.move_flow(s, key=k, nonce=n, at_step=st, now=now, step=4)
                 for k, n, st, now in (("x", "n", 3, NOW), ("k", "old", 3, NOW),
                                       ("k", "n", 2, NOW), ("k", "n", 3, later + timedelta(1)))]
        moved = ratings_q.move_flow(s, key="k", nonce="n", at_step=3, now=NOW, step=4,
                                    expires_at=later)
    assert stale == [None] * 4
    assert (moved["step"], moved["kind"], moved["rating_id"], moved["link_id"]) == (
        4, "other", rating_id, world["cadre_link"])
    assert (moved["project_id"], moved["person_id"], moved["project_name"],
            moved["person_name"]) == (world["project"], world["cadre"], "城南快速路", "张三")
    assert (moved["link_expires_at"], moved["revoked_at"], moved["expires_at"]) == (
        NOW + timedelta(days=90), None, later)
    assert (moved["overall"], moved["duty"], moved["service"], moved["comment"]) == (
        2, 4, None, "慢")
    with db.session() as s:
        assert ratings_q.end_flow(s, key="k", nonce="n", at_step=3, now=NOW) is None
        ended = ratings_q.end_flow(s, key="k", nonce="n", at_step=4, now=NOW)
        assert ratings_q.flow_state(s, key="k") is None
    assert (ended["project_name"], ended["overall"]) == ("城南快速路", 2)


def test_rating_again_replaces_in_place_and_clears_what_was_added(db: Database, world) -> None:  # type: ignore[no-untyped-def]
    with db.session() as s:
        first = ratings_q.put_rating(s, values=_rating(world, "d", 2, comment="慢", duty=3))
        assert ratings_q.overall_by_dedupe(s, dedupe="d") == 2
        again = ratings_q.put_rating(s, values=_rating(world, "d", 5, kind="enterprise"))
        other = ratings_q.put_rating(s, values=_rating(world, "e", 4))
        ratings_q.set_rating(s, rating_id=other, comment="好")
    assert again == first != other
    with db.session(write=False) as s:
        rows = {r.dedupe: r for r in s.exec(select(Rating))}
        assert ratings_q.overall_by_dedupe(s, dedupe="nobody") is None
    assert (rows["d"].overall, rows["d"].kind, rows["d"].comment, rows["d"].duty) == (
        5, "enterprise", None, None)
    assert rows["e"].comment == "好"


def test_the_flood_counter_counts_each_bump_and_comes_with_the_link(db: Database,  # type: ignore[no-untyped-def]
                                                                    world) -> None:
    with db.session() as s:
        assert [ratings_q.bump_flood(s, key="f", day=DAY) for _ in range(3)] == [1, 2, 3]
        assert ratings_q.bump_flood(s, key="g", day=DAY) == 1
    with db.session(write=False) as s:
        counts = [ratings_q.link_named(s, token="whole", flood_key=k)["flood_count"]
                  for k in ("f", "g", "h")]
    assert counts == [3, 1, None]


def test_a_ratings_contact_is_kept_once(db: Database, world) -> None:  # type: ignore[no-untyped-def]
    with db.session() as s:
        rating_id = ratings_q.put_rating(s, values=_rating(world, "d", 1))
        kept = [ratings_q.add_contact(s, rating_id=rating_id, sealed=sealed, created_at=NOW,
                                      expires_at=NOW) for sealed in ("first", "second")]
    assert kept == [True, False]
    with db.session(write=False) as s:
        assert [c.sealed for c in s.exec(select(RatingContact))] == ["first"]


def test_a_windows_counts_and_levels_keep_to_its_target(db: Database, world) -> None:  # type: ignore[no-untyped-def]
    cadre = {"person_id": world["cadre"], "link_id": world["cadre_link"]}
    with db.session() as s:
        for i, (overall, kind, service) in enumerate([(5, "resident", 4), (5, "resident", None),
                                                      (2, "enterprise", 2)]):
            ratings_q.put_rating(s, values=_rating(world, f"p{i}", overall, kind=kind,
                                                   service=service, comment=f"第{i}条"))
        ratings_q.put_rating(s, values=_rating(world, "c", 3, **cadre))
        ratings_q.put_rating(s, values=_rating(world, "old", 1, bucket="2026-10"))
        s.add(RatingRelease(project_id=world["project"], bucket="2026-11", count=1, stats="{}"))
        s.add(RatingRelease(project_id=world["project"], bucket="2026-11", count=2,
                            stats='{"latest": true}'))
    whole = {"project_id": world["project"], "person_id": None, "bucket": "2026-11"}
    person = whole | {"person_id": world["cadre"]}
    with db.session(write=False) as s:
        assert windows_q.window_counts(s, **whole) == (3, 2)
        assert windows_q.window_counts(s, **person) == (1, 0)
        levels, dims = windows_q.window_levels(s, **whole)
        assert sorted(levels) == [("enterprise", 2, 1), ("resident", 5, 2)]
        assert dims == {"service": (2, 6), "duty": (0, 0), "solving": (0, 0),
                        "integrity": (0, 0)}
        assert sorted(windows_q.comments(s, **whole)) == ["第0条", "第1条", "第2条"]
        assert json.loads(windows_q.latest_stats(s, **whole)) == {"latest": True}
        assert windows_q.latest_stats(s, **person) is None


def test_a_flow_read_on_a_day_has_the_open_period_covering_it(db: Database, world) -> None:  # type: ignore[no-untyped-def]
    with db.session() as s:
        periods = [Period(theme=t, start=date(2026, 11, 1), end=date(2026, 11, 30), status=st)
                   for t, st in (("一期", "closed"), ("二期", "open"))]
        s.add_all(periods)
        s.flush()
        s.add_all([PeriodProject(period_id=p.id, project_id=world["project"]) for p in periods])
        open_id = periods[1].id
        ratings_q.open_flow(s, key="k", link_id=world["link"], step=2, nonce="n",
                            expires_at=NOW)
        other = Project(domain_id=s.get(Project, world["project"]).domain_id, name="北区",
                        join_token="tok2")
        s.add(other)
        s.flush()
        s.add(RatingLink(token="other", project_id=other.id, expires_at=NOW, id=99))
        s.flush()
        ratings_q.open_flow(s, key="o", link_id=99, step=2, nonce="n", expires_at=NOW)
    with db.session(write=False) as s:
        assert ratings_q.flow_state(s, key="k", day=DAY)["period_id"] == open_id
        assert ratings_q.flow_state(s, key="k", day=date(2026, 12, 1))["period_id"] is None
        assert ratings_q.flow_state(s, key="o", day=DAY)["period_id"] is None
        assert "period_id" not in ratings_q.flow_state(s, key="k")


def test_repoint_changes_only_pending_text_and_time(db: Database) -> None:
    due = NOW + timedelta(minutes=10)
    with db.session() as s:
        deliveries_q.plan(s, rows=[
            {"job": "rating-alert", "target": f"person:{i}", "period_key": "rating:1:n",
             "chat_id": i, "due_at": due, "status": status,
             "payload": json.dumps({"text": "旧", "reply_markup": {"k": i}})}
            for i, status in ((1, "pending"), (2, "pending"), (3, "sent"))])
        assert deliveries_q.repoint(s, job="rating-alert", period_key="rating:1:n",
                                    text="新", due_at=None) == 2
        assert deliveries_q.repoint(s, job="rating-alert", period_key="rating:1:n",
                                    text=None, due_at=NOW) == 2
        assert deliveries_q.repoint(s, job="rating-alert", period_key="rating:2:n",
                                    text="新", due_at=NOW) == 0
    with db.session(write=False) as s:
        rows = {r.chat_id: r for r in s.exec(select(Delivery))}
    assert [json.loads(rows[i].payload) for i in (1, 2, 3)] == [
        {"text": "新", "reply_markup": {"k": 1}}, {"text": "新", "reply_markup": {"k": 2}},
        {"text": "旧", "reply_markup": {"k": 3}}]
    assert [rows[i].due_at for i in (1, 2, 3)] == [NOW, NOW, due]


def test_an_order_is_refused_for_a_rating_rated_well_since_it_was_loaded(db: Database,  # type: ignore[no-untyped-def]
                                                                        world) -> None:
    """The rater's flow writes through Core; an object loaded earlier in the same session (a
    group commit's) must not let a rating since rated well become an order."""
    with db.session() as s:
        rating_id = ratings_q.put_rating(s, values=_rating(world, "d", 1))
    actor = Actor(user=UserInfo(id=99), person=None, is_admin=True)
    with db.session() as s:
        loaded = to_orders.rating(s, actor, rating_id)  # the examiner's first tap
        assert loaded.overall == 1
        ratings_q.put_rating(s, values=_rating(world, "d", 5))  # the rater, rating again
        with pytest.raises(UsageError):
            to_orders.rating(s, actor, rating_id)


def test_a_step_of_the_flow_leaves_nothing_for_the_session_to_flush(db: Database, world) -> None:  # type: ignore[no-untyped-def]
    cfg = Settings(secret="test-secret-0123456789abcdef")
    with db.session() as s:
        ratings_q.open_flow(s, key=keys.flow(cfg.secret, 6_000_000_001),
                            link_id=world["link"], step=1, nonce="n", expires_at=NOW)
    with db.session() as s:
        step = press(s, 6_000_000_001, cfg=cfg, nonce="n", step=1, value="r", now=NOW,
                     today=DAY)
        assert (step.step, step.target.project.name) == (2, "城南快速路")
        assert not (s.new or s.dirty or s.deleted)
        step = press(s, 6_000_000_001, cfg=cfg, nonce="n", step=2, value="4", now=NOW,
                     today=DAY)
        assert not (s.new or s.dirty or s.deleted)
    assert (step.step, step.rating.overall) == (3, 4)
