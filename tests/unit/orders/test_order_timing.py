"""core.orders._timing: which reminder falls on which day, over hand-computed 2026 dates.

The 2026 calendar used here, from the State Council's notice (and chinese_calendar 1.11):
中秋 Fri Sep 25 off; 国庆 Thu Oct 1 – Wed Oct 7 off; make-up working days (调休) Sun Sep 20
and Sat Oct 10; Thu Oct 8 is an ordinary working day again.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from core.orders._timing import cadre_reminder, examiner_overdue_day, recheck_day

D = date


def reminders(deadline: date, issued_on: date, start: date, end: date) -> dict[date, str]:
    """Every day from start to end with a reminder, and its kind."""
    found, day = {}, start
    while day <= end:
        kind = cadre_reminder(day, deadline=deadline, issued_on=issued_on)
        if kind:
            found[day] = kind
        day += timedelta(days=1)
    return found


def test_an_ordinary_deadline_gets_d7_d1_due_then_overdue_on_working_days() -> None:
    # deadline Fri Nov 20: Fri Nov 13, Thu Nov 19, Fri Nov 20; overdue from Mon Nov 23
    assert reminders(D(2026, 11, 20), D(2026, 10, 1), D(2026, 11, 1), D(2026, 11, 25)) == {
        D(2026, 11, 13): "d7", D(2026, 11, 19): "d1", D(2026, 11, 20): "due",
        D(2026, 11, 23): "overdue", D(2026, 11, 24): "overdue", D(2026, 11, 25): "overdue"}


def test_d7_on_a_holiday_goes_on_the_next_working_day_once() -> None:
    # deadline Mon Oct 12: d7 Mon Oct 5 (国庆) → Thu Oct 8, not again on Oct 9 or Sat Oct 10;
    # d1 Sun Oct 11 → Mon Oct 12, the due date itself: the more urgent "due" wins
    assert reminders(D(2026, 10, 12), D(2026, 9, 1), D(2026, 9, 30), D(2026, 10, 13)) == {
        D(2026, 10, 8): "d7", D(2026, 10, 12): "due", D(2026, 10, 13): "overdue"}


def test_a_make_up_saturday_is_a_working_day_for_reminders() -> None:
    # deadline Sat Oct 10 (调休 working day): d7 Sat Oct 3 → Thu Oct 8; d1 Fri Oct 9; due on
    # Saturday; Sun Oct 11 is off; overdue from Mon Oct 12
    assert reminders(D(2026, 10, 10), D(2026, 9, 1), D(2026, 9, 30), D(2026, 10, 12)) == {
        D(2026, 10, 8): "d7", D(2026, 10, 9): "d1", D(2026, 10, 10): "due",
        D(2026, 10, 12): "overdue"}


def test_a_make_up_sunday_takes_its_d7_and_a_weekend_deadline_turns_overdue_on_monday() -> None:
    # deadline Sun Sep 27: d7 Sun Sep 20 (调休 working day); d1 Sat Sep 26 and due Sun Sep 27
    # move to Mon Sep 28, which is past the deadline: the order is overdue by then
    assert reminders(D(2026, 9, 27), D(2026, 9, 1), D(2026, 9, 14), D(2026, 9, 30)) == {
        D(2026, 9, 20): "d7", D(2026, 9, 28): "overdue", D(2026, 9, 29): "overdue",
        D(2026, 9, 30): "overdue"}


def test_d7_and_d1_on_the_same_day_become_the_more_urgent_d1() -> None:
    # deadline Fri Oct 9: d7 Fri Oct 2 → Thu Oct 8 = d1's day
    assert reminders(D(2026, 10, 9), D(2026, 9, 1), D(2026, 9, 28), D(2026, 10, 9)) == {
        D(2026, 10, 8): "d1", D(2026, 10, 9): "due"}


def test_a_deadline_inside_the_holiday_gets_d7_and_then_overdue() -> None:
    # deadline Mon Oct 5: d7 Mon Sep 28; d1 and due fall in 国庆 and move past the deadline
    assert reminders(D(2026, 10, 5), D(2026, 9, 1), D(2026, 9, 21), D(2026, 10, 9)) == {
        D(2026, 9, 28): "d7", D(2026, 10, 8): "overdue", D(2026, 10, 9): "overdue"}


def test_overdue_reminders_come_on_working_days_only() -> None:
    # deadline Wed Sep 30: Oct 1–7 off, Thu 8, Fri 9, Sat 10 (调休), Sun 11 off, Mon 12
    found = reminders(D(2026, 9, 30), D(2026, 9, 1), D(2026, 10, 1), D(2026, 10, 12))
    assert found == dict.fromkeys([D(2026, 10, 8), D(2026, 10, 9), D(2026, 10, 10),
                                   D(2026, 10, 12)], "overdue")


def test_reminders_already_past_at_issue_are_not_sent() -> None:
    # issued Mon Nov 16 with deadline Fri Nov 20: d7 (Nov 13) was before the order existed
    assert reminders(D(2026, 11, 20), D(2026, 11, 16), D(2026, 11, 13), D(2026, 11, 20)) == {
        D(2026, 11, 19): "d1", D(2026, 11, 20): "due"}
    # issued on d1's day: that day's card is the reminder; the due date still gets one
    assert reminders(D(2026, 11, 20), D(2026, 11, 19), D(2026, 11, 19), D(2026, 11, 20)) == {
        D(2026, 11, 20): "due"}


@pytest.mark.parametrize(("day", "expected"), [
    (D(2026, 9, 14), True),    # Monday
    (D(2026, 9, 20), False),   # Sunday, a make-up working day, not the week's first
    (D(2026, 9, 28), True),
    (D(2026, 9, 29), False),
    (D(2026, 10, 5), False),   # 国庆
    (D(2026, 10, 8), True),    # Thursday: the first working day of that week
    (D(2026, 10, 10), False),
    (D(2026, 10, 12), True),
])
def test_the_issuers_overdue_list_falls_on_the_weeks_first_working_day(day, expected) -> None:
    assert examiner_overdue_day(day) is expected


def test_a_week_without_working_days_has_no_overdue_list() -> None:
    # 春节 2026: Mon Feb 16 – Sun Feb 22 are all off
    assert not any(examiner_overdue_day(D(2026, 2, 16) + timedelta(days=n)) for n in range(7))


@pytest.mark.parametrize(("closed", "asked"), [
    (D(2026, 11, 1), D(2026, 12, 1)),    # 30 days on is a Tuesday
    (D(2026, 9, 1), D(2026, 10, 8)),     # Oct 1 is 国庆: the next working day
    (D(2026, 10, 9), D(2026, 11, 9)),    # Sun Nov 8 → Mon Nov 9
    (D(2026, 8, 21), D(2026, 9, 20)),    # Sun Sep 20 is a make-up working day
])
def test_the_review_is_asked_thirty_days_after_close_out_on_a_working_day(closed, asked
                                                                          ) -> None:
    assert recheck_day(closed) == asked
