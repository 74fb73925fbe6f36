"""``kdrama-bot db purge --guild ID``, through the real entry point, and DEPARTED_GRACE_DAYS."""

from __future__ import annotations

import sqlite3

import pytest

from bot.cli.main import main
from bot.settings import SettingsError, load_settings
from bot.store.backup import run_lock
from tests.support.paths import BUNDLED

GONE, KEPT = "123456789012345678", "223456789012345678"


def shows(path, guild_id: str) -> int:
    with sqlite3.connect(path) as conn:
        return conn.execute(
            "SELECT count(*) FROM shows WHERE guild_id = ?", (int(guild_id),)
        ).fetchone()[0]


def test_purge_deletes_one_servers_data_at_once(in_tmp, capsys):
    for guild in (GONE, KEPT):
        assert main(["data", "import", "--guild", guild, str(BUNDLED)]) == 0
    capsys.readouterr()
    assert main(["db", "purge", "--guild", GONE]) == 0
    out = capsys.readouterr().out.strip()
    assert out.startswith(f"purged server {GONE}: ")
    assert "shows 1" in out
    assert shows(in_tmp / "bot.sqlite3", GONE) == 0
    assert shows(in_tmp / "bot.sqlite3", KEPT) == 1
    assert main(["db", "purge", "--guild", GONE]) == 0  # again: nothing left, and it says so
    assert capsys.readouterr().out.strip() == f"nothing was stored for server {GONE}"


@pytest.mark.parametrize("argv", [["--guild", "abc"], ["--guild", "42"], [], ["--guild", "１２３"]])
def test_a_bad_server_id_gets_one_line_and_exit_2(in_tmp, capsys, argv):
    assert main(["data", "import", "--guild", KEPT, str(BUNDLED)]) == 0
    capsys.readouterr()
    assert main(["db", "purge", *argv]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    (line,) = captured.err.strip().splitlines()
    assert line.startswith("kdrama-bot: db purge needs --guild ID, a Discord server id")
    assert shows(in_tmp / "bot.sqlite3", KEPT) == 1


def test_purge_refuses_a_server_a_running_bot_is_still_in(in_tmp, capsys):
    assert main(["data", "import", "--guild", GONE, str(BUNDLED)]) == 0
    capsys.readouterr()
    with run_lock(in_tmp / "bot.sqlite3"):  # what `kdrama-bot run` holds while it runs
        assert main(["db", "purge", "--guild", GONE]) == 1
        assert "still in server" in capsys.readouterr().err
        with sqlite3.connect(in_tmp / "bot.sqlite3") as conn:  # the bot noted its removal
            conn.execute("INSERT INTO guild_departures VALUES (?, 0)", (int(GONE),))
        assert main(["db", "purge", "--guild", GONE]) == 0
    assert shows(in_tmp / "bot.sqlite3", GONE) == 0


def test_the_grace_period_is_a_setting_with_a_default():
    assert load_settings({}, require_token=False).departed_grace_days == 30
    assert load_settings({"DEPARTED_GRACE_DAYS": "7"}, require_token=False).departed_grace_days == 7
    assert load_settings({"DEPARTED_GRACE_DAYS": "0"}, require_token=False).departed_grace_days == 0
    for bad in ("-1", "seven", "99999"):
        with pytest.raises(SettingsError, match="DEPARTED_GRACE_DAYS"):
            load_settings({"DEPARTED_GRACE_DAYS": bad}, require_token=False)


def test_the_grace_period_setting_reaches_the_bot(monkeypatch):
    from bot.cli import main as cli

    monkeypatch.setenv("DEPARTED_GRACE_DAYS", "9")
    bot = cli._make_bot(load_settings(require_token=False))
    assert bot.departed_grace_days == 9
