"""What an operator meets at the command line: one clear line, the right exit status."""

from __future__ import annotations

import logging
from urllib.parse import parse_qs, urlparse

import discord
import pytest

from bot.app import KdramaBot
from bot.cli.main import application_id_from_token, main
from bot.settings import SettingsError, load_settings
from bot.store import Database

# The first part is base64 of "123456789012345678": the bot's (and application's) id.
TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GhIjKl.abcdefghijklmnopqrstuvwxyz0123456789AB"


def test_invite_reads_the_application_id_from_the_token_without_connecting(
    in_tmp, capsys, monkeypatch
):
    monkeypatch.setenv("DISCORD_TOKEN", TOKEN)
    # Nothing listens here: a connection attempt would fail the command.
    monkeypatch.setenv("DISCORD_API_BASE_URL", "http://127.0.0.1:9/api/v10")
    assert main(["invite"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert parse_qs(urlparse(out[0]).query)["client_id"] == ["123456789012345678"]


def test_invite_with_a_token_whose_first_part_is_no_id_says_so(in_tmp, capsys, monkeypatch):
    monkeypatch.setenv("DISCORD_TOKEN", "bm90LWFuLWlkLWF0LWFsbA.GhIjKl." + "x" * 30)
    assert main(["invite"]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err
    assert "--application-id" in err


def test_application_id_from_token_decodes_unpadded_base64():
    assert application_id_from_token(TOKEN) == 123456789012345678
    assert application_id_from_token("!!!.a.b") is None


def test_a_three_part_token_that_is_too_short_is_not_told_it_lacks_three_parts():
    with pytest.raises(SettingsError) as raised:
        load_settings({"DISCORD_TOKEN": "abc.def.ghi"})
    message = str(raised.value)
    assert "too short" in message
    assert "three dot-separated parts, this has" not in message
    with pytest.raises(SettingsError, match="this has 2"):
        load_settings({"DISCORD_TOKEN": "abcdefghijklmnopqrstuvwxyz.abcdef"})


def test_an_empty_token_in_an_existing_env_file_is_not_told_to_copy_the_example(in_tmp):
    (in_tmp / ".env").write_text("DISCORD_TOKEN=\n")
    with pytest.raises(SettingsError) as raised:
        load_settings()
    assert "DISCORD_TOKEN= in .env" in str(raised.value)
    assert "copy .env.example" not in str(raised.value)


def test_without_an_env_file_the_message_says_to_copy_the_example(in_tmp):
    with pytest.raises(SettingsError, match=r"copy \.env\.example to \.env"):
        load_settings()


def test_log_file_in_a_missing_folder_is_one_line_and_exit_2(in_tmp, capsys, monkeypatch):
    missing = in_tmp / "no" / "such" / "kdrama.log"
    monkeypatch.setenv("LOG_FILE", str(missing))
    assert main(["db", "migrate"]) == 2
    err = capsys.readouterr().err.strip()
    assert err == f"kdrama-bot: LOG_FILE {missing}: no folder {missing.parent}; create it first"


def test_db_backup_into_a_missing_folder_names_the_path(in_tmp, capsys):
    assert main(["db", "migrate"]) == 0
    capsys.readouterr()
    target = in_tmp / "missing" / "dir" / "x.sqlite3"
    assert main(["db", "backup", str(target)]) == 1
    err = capsys.readouterr().err.strip()
    assert str(target) in err
    assert "\n" not in err


async def test_the_bot_does_not_warn_about_voice_it_never_uses(tmp_path, caplog, monkeypatch):
    monkeypatch.setattr(discord.VoiceClient, "warn_nacl", True)
    monkeypatch.setattr(discord.VoiceClient, "warn_dave", True)
    with caplog.at_level(logging.WARNING):
        KdramaBot(database=Database(tmp_path / "x.sqlite3"))
    assert not [r for r in caplog.records if "voice will NOT be supported" in r.getMessage()]


def test_import_dry_run_with_changes_exits_0_and_writes_nothing(in_tmp, capsys):
    from tests.support.paths import BUNDLED

    assert main(["data", "import", "--guild", "42", "--dry-run", str(BUNDLED)]) == 0
    assert capsys.readouterr().out.startswith("would change (dry run): ")
    assert main(["data", "export", "--guild", "42"]) == 1  # nothing was imported
