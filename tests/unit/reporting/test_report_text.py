"""core.reporting.report_text: which messages are daily reports, and their structured lines (SPEC §4)."""

from __future__ import annotations

import pytest

from core.reporting.report_text import DAILY_TAGS, MONTHLY_TAGS, WEEKLY_TAGS, has_tag, parse_report

# --- hashtags -------------------------------------------------------------------------------


def test_has_tag_finds_meiri_dongtai() -> None:
    assert has_tag("#每日动态\n进度：60%", DAILY_TAGS)


def test_has_tag_finds_ribao() -> None:
    assert has_tag("#日报 今天推进拆迁", DAILY_TAGS)


def test_has_tag_finds_tag_inside_words_without_spaces() -> None:
    assert has_tag("今天的工作#日报完成征迁3户", DAILY_TAGS)


def test_has_tag_finds_tag_at_the_end_of_a_multiline_caption() -> None:
    caption = "现场照片：桩基施工\n第二标段\n#每日动态"
    assert has_tag(caption, DAILY_TAGS)


def test_has_tag_is_false_for_text_without_a_tag() -> None:
    assert not has_tag("每日动态 日报 都没有井号", DAILY_TAGS)


def test_has_tag_is_false_for_missing_text() -> None:
    assert not has_tag(None, DAILY_TAGS)
    assert not has_tag("", DAILY_TAGS)


def test_weekly_tag_is_not_a_daily_tag() -> None:
    assert not has_tag("#周报 本周完成3项", DAILY_TAGS)
    assert has_tag("#周报 本周完成3项", WEEKLY_TAGS)


def test_monthly_tag_is_recognised_as_monthly_only() -> None:
    assert has_tag("本月总结 #月报", MONTHLY_TAGS)
    assert not has_tag("本月总结 #月报", DAILY_TAGS)


# --- structured lines -----------------------------------------------------------------------


def test_progress_line_accepts_fullwidth_colon() -> None:
    assert parse_report("进度：60%").progress == 60


def test_progress_line_accepts_ascii_colon() -> None:
    assert parse_report("进度:60%").progress == 60


def test_progress_without_percent_sign_is_read() -> None:
    assert parse_report("进度：60").progress == 60


def test_progress_with_fullwidth_digits_and_percent_is_read() -> None:
    assert parse_report("进度：６０％").progress == 60


def test_progress_allows_spaces_around_colon_and_percent() -> None:
    assert parse_report("进度 ： 30 %").progress == 30


def test_progress_keeps_only_the_leading_figure() -> None:
    assert parse_report("进度：60%，比昨天多10%").progress == 60


def test_progress_above_100_is_clamped_to_100() -> None:
    assert parse_report("进度：150%").progress == 100


def test_progress_zero_is_kept_as_zero_not_missing() -> None:
    assert parse_report("进度：0%").progress == 0


def test_negative_progress_is_not_taken() -> None:
    assert parse_report("进度：-5%").progress is None


def test_progress_that_is_not_a_number_is_ignored() -> None:
    assert parse_report("进度：过半").progress is None


def test_no_progress_line_means_no_progress() -> None:
    assert parse_report("#日报 今天在现场").progress is None


def test_last_progress_line_wins() -> None:
    assert parse_report("进度：30%\n进度：45%").progress == 45


def test_done_line_with_fullwidth_colon_becomes_an_achievement() -> None:
    parsed = parse_report("完成：完成征迁协议签订3户")
    assert parsed.items == [("done", "完成征迁协议签订3户")]


def test_problem_line_with_ascii_colon_becomes_a_problem() -> None:
    parsed = parse_report("问题: 管线迁改滞后")
    assert parsed.items == [("problem", "管线迁改滞后")]


def test_plan_line_becomes_a_plan() -> None:
    assert parse_report("计划：明天协调电力部门").of("plan") == ["明天协调电力部门"]


def test_several_done_and_problem_lines_are_kept_separately_in_order() -> None:
    text = "#每日动态\n完成：签约3户\n问题：管线滞后\n完成：桩基5根\n问题：雨天停工\n完成：验收通过"
    parsed = parse_report(text)
    assert parsed.items == [
        ("done", "签约3户"), ("problem", "管线滞后"), ("done", "桩基5根"),
        ("problem", "雨天停工"), ("done", "验收通过"),
    ]
    assert parsed.of("done") == ["签约3户", "桩基5根", "验收通过"]
    assert parsed.of("problem") == ["管线滞后", "雨天停工"]


def test_value_is_stripped_of_surrounding_spaces() -> None:
    assert parse_report("完成：  签约3户   ").of("done") == ["签约3户"]


@pytest.mark.parametrize("line", [
    "1. 完成：签约3户",
    "2、完成：签约3户",
    "3) 完成：签约3户",
    "4）完成：签约3户",
    "- 完成：签约3户",
    "* 完成：签约3户",
    "• 完成：签约3户",
    "   完成：签约3户",
])
def test_list_markers_before_the_key_are_skipped(line: str) -> None:
    assert parse_report(line).items == [("done", "签约3户")]


def test_numbered_progress_line_is_read() -> None:
    assert parse_report("1. 进度：70%").progress == 70


def test_english_keys_are_accepted_case_insensitively() -> None:
    parsed = parse_report("Progress: 40%\nDone: piles\nPROBLEM: rain")
    assert parsed.progress == 40
    assert parsed.items == [("done", "piles"), ("problem", "rain")]


def test_lines_without_structure_are_ignored() -> None:
    text = "#日报 今天去了现场\n和施工方开会\n进展顺利，完成了一半"
    parsed = parse_report(text)
    assert parsed.items == [] and parsed.progress is None


def test_key_in_the_middle_of_a_sentence_is_not_structure() -> None:
    parsed = parse_report("我完成：签约\n已完成：桩基\n今天问题：不多")
    assert parsed.items == []


def test_empty_value_lines_are_ignored() -> None:
    parsed = parse_report("完成：\n问题：   \n计划:\n完成：签约3户")
    assert parsed.items == [("done", "签约3户")]


def test_structured_lines_are_found_among_free_text() -> None:
    text = "#每日动态 城南快速路\n今天天气晴\n进度：60%\n完成：签约3户\n备注：无\n问题：管线滞后"
    parsed = parse_report(text)
    assert parsed.progress == 60
    assert parsed.items == [("done", "签约3户"), ("problem", "管线滞后")]


def test_windows_line_endings_are_handled() -> None:
    parsed = parse_report("进度：20%\r\n完成：签约\r\n问题：滞后")
    assert parsed.progress == 20
    assert parsed.items == [("done", "签约"), ("problem", "滞后")]
