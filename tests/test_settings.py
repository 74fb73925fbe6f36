"""Settings: read once, refuse bad values with one clear line, never show the token."""

from __future__ import annotations

import logging

import pytest

from bot.cli.main import main
from bot.settings import Settings, SettingsError, load_settings, read_environment, setup_logging

TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GhIjKl.abcdefghijklmnopqrstuvwxyz0123456789AB"


def test_defaults_when_only_the_token_is_set():
    settings = load_settings({"DISCORD_TOKEN": TOKEN})
    assert settings.database_path == "kdrama-bot.sqlite3"
    assert settings.log_level == "INFO"
    assert settings.dev_guild_id is None
    assert settings.api_base_url is None


def test_every_key_is_read_and_normalised():
    settings = load_settings(
        {
            "DISCORD_TOKEN": TOKEN,
            "DATABASE_PATH": "/tmp/x.sqlite3",
            "LOG_LEVEL": "debug",
            "LOG_FILE": "bot.log",
            "DEV_GUILD_ID": "123456789012345678",
            "DISCORD_API_BASE_URL": "http://127.0.0.1:8080/api/v10/",
            "DISCORD_GATEWAY_URL": "ws://127.0.0.1:8080",
        }
    )
    assert settings.log_level == "DEBUG"
    assert settings.dev_guild_id == 123456789012345678
    assert settings.api_base_url == "http://127.0.0.1:8080/api/v10"
    assert settings.gateway_url == "ws://127.0.0.1:8080"


@pytest.mark.parametrize(
    ("env", "fragment"),
    [
        ({}, "DISCORD_TOKEN is not set"),
        ({"DISCORD_TOKEN": "   "}, "DISCORD_TOKEN is not set"),
        ({"DISCORD_TOKEN": f"Bot {TOKEN}"}, "without the 'Bot ' prefix"),
        ({"DISCORD_TOKEN": "hunter2"}, "does not look like a bot token"),
        ({"DISCORD_TOKEN": TOKEN, "LOG_LEVEL": "LOUD"}, "LOG_LEVEL must be one of"),
        ({"DISCORD_TOKEN": TOKEN, "DEV_GUILD_ID": "abc"}, "DEV_GUILD_ID must be"),
        ({"DISCORD_TOKEN": TOKEN, "DISCORD_API_BASE_URL": "ftp://x"}, "DISCORD_API_BASE_URL"),
        ({"DISCORD_TOKEN": TOKEN, "DISCORD_GATEWAY_URL": "http://x"}, "DISCORD_GATEWAY_URL"),
    ],
)
def test_bad_settings_name_the_key(env, fragment):
    with pytest.raises(SettingsError, match=fragment.replace("(", r"\(")):
        load_settings(env)


def test_the_token_never_appears_in_repr():
    settings = load_settings({"DISCORD_TOKEN": TOKEN})
    assert TOKEN not in repr(settings)
    assert TOKEN not in str(settings)
    assert "token=<hidden>" in repr(settings)


def test_the_token_is_redacted_from_log_lines(tmp_path):
    log_file = tmp_path / "bot.log"
    settings = Settings(token=TOKEN, log_file=str(log_file))
    root = logging.getLogger()
    before = list(root.handlers)
    try:
        setup_logging(settings)
        logging.getLogger("bot.test").warning("connecting with %s", TOKEN)
        for handler in root.handlers:
            handler.flush()
    finally:
        for handler in root.handlers[len(before) :]:
            handler.close()
        root.handlers[:] = before
    written = log_file.read_text("utf-8")
    assert "connecting with <token>" in written
    assert TOKEN not in written


def test_real_environment_wins_over_dotenv(tmp_path, monkeypatch):
    env_file = tmp_path / ".env"
    env_file.write_text("LOG_LEVEL=DEBUG\nDATABASE_PATH=from-file.sqlite3\n")
    monkeypatch.setenv("LOG_LEVEL", "ERROR")
    monkeypatch.delenv("DATABASE_PATH", raising=False)
    values = read_environment(env_file)
    assert values["LOG_LEVEL"] == "ERROR"
    assert values["DATABASE_PATH"] == "from-file.sqlite3"


def test_run_without_a_token_exits_2_with_one_line(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    assert main(["run"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert err[0].startswith("kdrama-bot: DISCORD_TOKEN is not set")
    assert "Traceback" not in err[0]


def test_malformed_token_in_dotenv_exits_2(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    (tmp_path / ".env").write_text("DISCORD_TOKEN=not-a-token\n")
    assert main(["sync"]) == 2
    assert "does not look like a bot token" in capsys.readouterr().err
