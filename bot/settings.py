"""Frozen settings read once from the environment and an optional ``.env`` file."""

from __future__ import annotations

import logging
import os
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from dotenv import dotenv_values

DEFAULT_API_BASE_URL = "https://discord.com/api/v10"
DEFAULT_DATABASE_PATH = "kdrama-bot.sqlite3"
# How long a server the bot was removed from keeps its data before it is purged.
DEFAULT_DEPARTED_GRACE_DAYS = 30
MAX_DEPARTED_GRACE_DAYS = 3650

# A bot token is three base64url parts joined by dots (id.timestamp.hmac).
_TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{20,}$")
_LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class SettingsError(ValueError):
    """A setting that is missing or malformed; the message names the key and the fix."""


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything the bot is configured with. Build with :func:`load_settings`."""

    token: str = field(repr=False)
    database_path: str = DEFAULT_DATABASE_PATH
    database_url: str | None = field(default=None, repr=False)  # may carry a password
    log_level: str = "INFO"
    log_file: str | None = None
    dev_guild_id: int | None = None
    api_base_url: str | None = None
    gateway_url: str | None = None
    departed_grace_days: int = DEFAULT_DEPARTED_GRACE_DAYS

    @property
    def database(self) -> str:
        """What the store opens: ``DATABASE_URL`` (PostgreSQL) if set, else the SQLite file."""
        return self.database_url or self.database_path

    def __repr__(self) -> str:
        # The token never reaches a log line, even through repr().
        names = [n for n in self.__dataclass_fields__ if n not in ("token", "database_url")]
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in names)
        return f"Settings(token=<hidden>, {shown})"


def _optional(env: Mapping[str, str | None], key: str) -> str | None:
    value = env.get(key)
    return value.strip() if value and value.strip() else None


def _snowflake(env: Mapping[str, str | None], key: str) -> int | None:
    value = _optional(env, key)
    if value is None:
        return None
    if not value.isdigit() or not 17 <= len(value) <= 20:
        raise SettingsError(f"{key} must be a Discord server ID (17-20 digits), got {value!r}")
    return int(value)


def _days(env: Mapping[str, str | None], key: str, default: int, maximum: int) -> int:
    value = _optional(env, key)
    if value is None:
        return default
    if not value.isascii() or not value.isdigit() or int(value) > maximum:
        raise SettingsError(
            f"{key} must be a whole number of days from 0 to {maximum}, got {value!r}"
        )
    return int(value)


def _url(env: Mapping[str, str | None], key: str, schemes: tuple[str, ...]) -> str | None:
    value = _optional(env, key)
    if value is None:
        return None
    if not value.startswith(tuple(f"{s}://" for s in schemes)):
        raise SettingsError(f"{key} must start with {' or '.join(f'{s}://' for s in schemes)}")
    return value.rstrip("/")


def read_environment(env_file: str | Path | None = ".env") -> dict[str, str | None]:
    """The ``.env`` file's values overlaid by the real environment (which wins)."""
    values: dict[str, str | None] = {}
    if env_file is not None and Path(env_file).is_file():
        values.update(dotenv_values(env_file))
    values.update(os.environ)
    return values


def load_settings(
    env: Mapping[str, str | None] | None = None, *, require_token: bool = True
) -> Settings:
    """Validate the configuration once; raise :class:`SettingsError` naming the bad key."""
    env = read_environment() if env is None else env
    token = _optional(env, "DISCORD_TOKEN") or ""
    if require_token:
        if not token:
            where = (
                "paste your bot's token after DISCORD_TOKEN= in .env"
                if Path(".env").is_file()
                else "copy .env.example to .env and paste your bot's token"
            )
            raise SettingsError(
                f"DISCORD_TOKEN is not set: {where} "
                "(Developer Portal → your application → Bot → Reset Token)"
            )
        if token.lower().startswith("bot "):
            raise SettingsError("DISCORD_TOKEN must be the bare token, without the 'Bot ' prefix")
        if not _TOKEN_SHAPE.match(token):
            parts = token.split(".")
            why = (
                f"a bot token has three dot-separated parts, this has {len(parts)}"
                if len(parts) != 3
                else "its parts are too short or hold characters a token never has"
            )
            raise SettingsError(
                f"DISCORD_TOKEN does not look like a bot token ({why}); "
                "copy it again from the Developer Portal → Bot → Reset Token"
            )
    level = (_optional(env, "LOG_LEVEL") or "INFO").upper()
    if level not in _LOG_LEVELS:
        raise SettingsError(f"LOG_LEVEL must be one of {', '.join(_LOG_LEVELS)}, got {level!r}")
    return Settings(
        token=token,
        database_path=_optional(env, "DATABASE_PATH") or DEFAULT_DATABASE_PATH,
        database_url=_url(env, "DATABASE_URL", ("postgresql", "postgres")),
        log_level=level,
        log_file=_optional(env, "LOG_FILE"),
        dev_guild_id=_snowflake(env, "DEV_GUILD_ID"),
        api_base_url=_url(env, "DISCORD_API_BASE_URL", ("http", "https")),
        gateway_url=_url(env, "DISCORD_GATEWAY_URL", ("ws", "wss")),
        departed_grace_days=_days(
            env, "DEPARTED_GRACE_DAYS", DEFAULT_DEPARTED_GRACE_DAYS, MAX_DEPARTED_GRACE_DAYS
        ),
    )


class _RedactToken(logging.Filter):
    """Replaces the token wherever it would appear in a log record."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self._token = token

    def filter(self, record: logging.LogRecord) -> bool:
        if self._token:
            message = record.getMessage()
            if self._token in message:
                record.msg = message.replace(self._token, "<token>")
                record.args = None
        return True


def setup_logging(settings: Settings, *, stream: TextIO | None = None) -> None:
    """One logging setup: a stream (stdout by default) plus an optional rotating file.

    Raises :class:`SettingsError` (one line naming LOG_FILE) when the file cannot be opened.

    The token is redacted from every record. CLI commands whose stdout is data (an
    export) pass ``sys.stderr``.
    """
    from logging.handlers import RotatingFileHandler

    fmt = logging.Formatter("%(asctime)s %(levelname)-8s %(name)s: %(message)s")
    handlers: list[logging.Handler] = [logging.StreamHandler(stream or sys.stdout)]
    if settings.log_file:
        folder = Path(settings.log_file).parent
        if not folder.is_dir():
            raise SettingsError(
                f"LOG_FILE {settings.log_file}: no folder {folder}; create it first"
            )
        try:
            handlers.append(
                RotatingFileHandler(
                    settings.log_file, maxBytes=5_000_000, backupCount=3, encoding="utf-8"
                )
            )
        except OSError as exc:
            raise SettingsError(
                f"LOG_FILE {settings.log_file} cannot be opened: {exc.strerror}"
            ) from exc
    root = logging.getLogger()
    root.setLevel(settings.log_level)
    # Calling this again (tests, the sandbox) replaces our handlers instead of stacking them.
    for old in [h for h in root.handlers if getattr(h, "_kdrama", False)]:
        root.removeHandler(old)
        old.close()
    for handler in handlers:
        handler._kdrama = True  # type: ignore[attr-defined]
        handler.setFormatter(fmt)
        handler.addFilter(_RedactToken(settings.token))
        root.addHandler(handler)
    # discord.http logs every request at DEBUG/INFO; it drowns our own lines.
    logging.getLogger("discord.http").setLevel(logging.WARNING)
