"""The command line's maintenance commands, run as a user would type them."""

from __future__ import annotations

import sqlite3
from urllib.parse import parse_qs, urlparse

from bot.cli.main import main
from bot.store import bundled_migrations
from bot.ui.permissions import REQUIRED, required_permissions
from tests.support.paths import BUNDLED


def test_db_migrate_creates_the_schema_and_is_repeatable(in_tmp, capsys):
    assert main(["db", "migrate"]) == 0
    latest = bundled_migrations()[-1].version
    assert f"schema version {latest}" in capsys.readouterr().out
    assert main(["db", "migrate"]) == 0
    assert "applied nothing" in capsys.readouterr().out
    with sqlite3.connect(in_tmp / "bot.sqlite3") as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == latest


def test_db_backup_copies_a_consistent_database(in_tmp, capsys):
    assert main(["db", "migrate"]) == 0
    assert main(["data", "import", "--guild", "42", _bundled()]) == 0
    capsys.readouterr()
    assert main(["db", "backup", str(in_tmp / "copy.sqlite3")]) == 0
    with sqlite3.connect(in_tmp / "copy.sqlite3") as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT title FROM shows WHERE guild_id = 42").fetchone() == (
            "Soundtrack #1",
        )


def test_db_backup_refuses_to_overwrite(in_tmp, capsys):
    assert main(["db", "migrate"]) == 0
    (in_tmp / "exists.sqlite3").write_text("precious")
    capsys.readouterr()
    assert main(["db", "backup", str(in_tmp / "exists.sqlite3")]) == 1
    err = capsys.readouterr().err.strip()
    assert err == f"kdrama-bot: {in_tmp / 'exists.sqlite3'} already exists; choose a new file"
    assert (in_tmp / "exists.sqlite3").read_text() == "precious"


def test_invite_prints_the_scopes_and_exact_permissions(in_tmp, capsys):
    assert main(["invite", "--application-id", "123456789012345678"]) == 0
    lines = capsys.readouterr().out.splitlines()
    query = parse_qs(urlparse(lines[0]).query)
    assert query["client_id"] == ["123456789012345678"]
    assert query["scope"] == ["bot applications.commands"]
    assert query["permissions"] == [str(required_permissions().value)]
    assert lines[1] == f"permissions integer: {required_permissions().value}"
    # Each permission is explained, and none beyond what the features need.
    assert len(lines[2:]) == len(REQUIRED)
    assert not required_permissions().administrator
    # Mention Everyone is asked for only to ping the follower roles members cannot ping;
    # every send's allowed_mentions names its roles and never @everyone (the wire
    # stand-in fails any message that would let @everyone ping).


def test_invite_without_application_id_needs_a_token(in_tmp, capsys):
    assert main(["invite"]) == 2
    assert "DISCORD_TOKEN is not set" in capsys.readouterr().err


def _bundled() -> str:
    return str(BUNDLED)


def test_export_to_stdout_is_a_clean_show_file(in_tmp, capsys):
    import tomllib

    assert main(["data", "import", "--guild", "42", _bundled()]) == 0
    capsys.readouterr()
    assert main(["data", "export", "--guild", "42"]) == 0
    out = capsys.readouterr().out
    # Log lines go to stderr, so the output parses as TOML as-is.
    assert tomllib.loads(out)["show"]["slug"] == "soundtrack-1"


def test_export_of_a_guild_without_shows_says_so(in_tmp, capsys):
    assert main(["db", "migrate"]) == 0
    capsys.readouterr()
    assert main(["data", "export", "--guild", "43"]) == 1
    assert capsys.readouterr().err.strip() == "guild 43 has no shows to export"
