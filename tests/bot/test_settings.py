"""Settings: placeholders refused with one line naming the setting; the CLI exits non-zero."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

import pytest

from bot.settings import ConfigError, load_settings
from tests.conftest import make_settings


def test_placeholder_token_is_refused_naming_the_setting() -> None:
    settings = make_settings("sqlite://", telegram_bot_token="changeme")
    with pytest.raises(ConfigError, match="TELEGRAM_BOT_TOKEN"):
        settings.require_bot()


def test_short_secret_is_refused_naming_the_setting() -> None:
    settings = make_settings("sqlite://", frontline_secret="short")
    with pytest.raises(ConfigError, match="FRONTLINE_SECRET"):
        settings.require_bot()


def test_admins_are_parsed_from_a_comma_separated_list(monkeypatch) -> None:
    monkeypatch.setenv("FRONTLINE_ADMINS", "123, 456")
    assert load_settings(_env_file=None).frontline_admins == frozenset({123, 456})


def test_bad_admin_list_is_one_line(monkeypatch) -> None:
    monkeypatch.setenv("FRONTLINE_ADMINS", "alice")
    with pytest.raises(ConfigError, match="FRONTLINE_ADMINS"):
        load_settings(_env_file=None)


def test_api_base_url_gets_bot_and_file_paths() -> None:
    settings = make_settings("sqlite://", telegram_api_base_url="http://127.0.0.1:8081/")
    assert settings.bot_base_url == "http://127.0.0.1:8081/bot"
    assert settings.file_base_url == "http://127.0.0.1:8081/file/bot"


def test_frontline_run_with_a_placeholder_token_exits_with_one_line(tmp_path) -> None:
    env = {"PATH": "/usr/bin:/bin", "TELEGRAM_BOT_TOKEN": "changeme",
           "FRONTLINE_SECRET": "x" * 32, "DATABASE_URL": f"sqlite:///{tmp_path}/f.db"}
    result = subprocess.run([sys.executable, "-m", "bot.cli", "run"], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.startswith("frontline:")]
    assert len(lines) == 1 and "TELEGRAM_BOT_TOKEN" in lines[0]


def test_commands_refuse_an_outdated_schema(tmp_path, monkeypatch, capsys) -> None:
    from bot.cli import main

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/empty.db")
    assert main(["demo"]) == 2
    assert "frontline migrate" in capsys.readouterr().err


def test_split_never_cuts_inside_an_html_entity() -> None:
    from bot.render import split

    line = "a" * 4094 + "&amp;" + "b" * 10
    parts = split(line)
    assert parts[0].endswith("a") and parts[1].startswith("&amp;")
    assert "".join(parts) == line and all(len(p) <= 4096 for p in parts)


@pytest.mark.parametrize("variable", ["FRONTLINE_ANON_MIN", "FRONTLINE_ANON_MIN_COMMENTS"])
@pytest.mark.parametrize("value", ["2", "11", "0"])
def test_anonymity_thresholds_outside_three_to_ten_are_refused(monkeypatch, variable,
                                                               value) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigError, match=variable):
        load_settings(_env_file=None)


@pytest.mark.parametrize("value", [3, 10])
def test_anonymity_thresholds_of_three_and_ten_are_accepted(monkeypatch, value) -> None:
    monkeypatch.setenv("FRONTLINE_ANON_MIN", str(value))
    monkeypatch.setenv("FRONTLINE_ANON_MIN_COMMENTS", str(value))
    settings = load_settings(_env_file=None)
    assert (settings.frontline_anon_min, settings.frontline_anon_min_comments) == (value, value)


def test_frontline_run_with_anon_min_two_exits_with_one_line(tmp_path) -> None:
    env = {"PATH": "/usr/bin:/bin", "TELEGRAM_BOT_TOKEN": "123456:TESTTOKEN-abcdefghij",
           "FRONTLINE_SECRET": "x" * 32, "DATABASE_URL": f"sqlite:///{tmp_path}/f.db",
           "FRONTLINE_ANON_MIN": "2"}
    result = subprocess.run([sys.executable, "-m", "bot.cli", "run"], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.startswith("frontline:")]
    assert len(lines) == 1 and "FRONTLINE_ANON_MIN" in lines[0]


def test_frontline_calendar_is_read_and_a_bad_line_named(tmp_path, monkeypatch) -> None:
    days = tmp_path / "2099.txt"
    days.write_text("2099-01-01 休\n2099-01-03 班\n", "utf-8")
    monkeypatch.setenv("FRONTLINE_CALENDAR", str(days))
    assert load_settings(_env_file=None).frontline_calendar == {
        date(2099, 1, 1): False, date(2099, 1, 3): True}
    days.write_text("2099-01-01 休\n2099-02-30 休\n", "utf-8")
    with pytest.raises(ConfigError, match=r"FRONTLINE_CALENDAR: .*line 2"):
        load_settings(_env_file=None)
    monkeypatch.setenv("FRONTLINE_CALENDAR", str(tmp_path / "missing.txt"))
    with pytest.raises(ConfigError, match=r"FRONTLINE_CALENDAR: .*cannot read"):
        load_settings(_env_file=None)


def test_every_command_works_by_frontline_calendar(tmp_path, monkeypatch) -> None:
    from bot.cli import main
    from core.common import calendar

    days = tmp_path / "2099.txt"
    days.write_text("2099-01-01 休\n", "utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("FRONTLINE_CALENDAR", str(days))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/f.db")
    try:
        assert main(["jobs", "list"]) == 0
        assert not calendar.is_workday(date(2099, 1, 1))  # a Thursday
    finally:
        calendar.use_days({})
