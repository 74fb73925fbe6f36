"""``kdrama-bot db restore PATH``: only a sound backup, never under a running bot."""

from __future__ import annotations

import sqlite3

from bot.cli.main import main
from bot.store.backup import run_lock
from tests.support.paths import BUNDLED


def title(path, guild_id: int = 42) -> tuple | None:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT title FROM shows WHERE guild_id = ?", (guild_id,)).fetchone()


def test_restore_brings_back_what_the_backup_held(in_tmp, capsys):
    assert main(["db", "migrate"]) == 0
    assert main(["data", "import", "--guild", "42", str(BUNDLED)]) == 0
    assert main(["db", "backup", str(in_tmp / "before.sqlite3")]) == 0
    assert main(["data", "import", "--guild", "43", str(BUNDLED)]) == 0  # after the backup
    assert title(in_tmp / "bot.sqlite3", 43) == ("Soundtrack #1",)
    capsys.readouterr()
    assert main(["db", "restore", str(in_tmp / "before.sqlite3")]) == 0
    assert "restored" in capsys.readouterr().out
    assert title(in_tmp / "bot.sqlite3") == ("Soundtrack #1",)
    assert title(in_tmp / "bot.sqlite3", 43) is None  # what came after the backup is gone
    with sqlite3.connect(in_tmp / "bot.sqlite3") as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_restore_refuses_while_the_bot_runs(in_tmp, capsys):
    assert main(["db", "migrate"]) == 0
    assert main(["db", "backup", str(in_tmp / "b.sqlite3")]) == 0
    capsys.readouterr()
    with run_lock(in_tmp / "bot.sqlite3"):  # what `kdrama-bot run` holds while it runs
        assert main(["db", "restore", str(in_tmp / "b.sqlite3")]) == 1
    assert "the bot is running" in capsys.readouterr().err
    assert main(["db", "restore", str(in_tmp / "b.sqlite3")]) == 0  # stopped: allowed


def test_restore_refuses_a_file_that_is_not_a_database(in_tmp, capsys):
    assert main(["db", "migrate"]) == 0
    assert main(["data", "import", "--guild", "42", str(BUNDLED)]) == 0
    (in_tmp / "junk.sqlite3").write_bytes(b"this is not sqlite" * 100)
    capsys.readouterr()
    assert main(["db", "restore", str(in_tmp / "junk.sqlite3")]) == 1
    err = capsys.readouterr().err.strip()
    assert "not a kdrama-bot database" in err
    assert "\n" not in err
    assert title(in_tmp / "bot.sqlite3") == ("Soundtrack #1",)  # untouched


def test_restore_refuses_a_schema_newer_than_this_bot(in_tmp, capsys):
    assert main(["db", "migrate"]) == 0
    assert main(["db", "backup", str(in_tmp / "new.sqlite3")]) == 0
    with sqlite3.connect(in_tmp / "new.sqlite3") as conn:
        conn.execute("PRAGMA user_version = 999")
    capsys.readouterr()
    assert main(["db", "restore", str(in_tmp / "new.sqlite3")]) == 1
    assert "schema version 999, newer than this bot knows" in capsys.readouterr().err


def test_restore_refuses_an_empty_sqlite_file(in_tmp, capsys):
    sqlite3.connect(in_tmp / "empty.sqlite3").close()
    assert main(["db", "restore", str(in_tmp / "empty.sqlite3")]) == 1
    assert "no kdrama-bot schema" in capsys.readouterr().err
