"""The command line: ``kdrama-bot run | sync | db | data | invite`` (or ``python -m bot``)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import sqlite3
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from bot.settings import Settings, SettingsError, load_settings, setup_logging

if TYPE_CHECKING:
    from bot.app import KdramaBot

log = logging.getLogger("bot")


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kdrama-bot", description="A Discord bot for a K-drama fan community."
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    run = sub.add_parser("run", help="connect to Discord and run the bot")
    run.add_argument(
        "--shard-count",
        type=int,
        metavar="N",
        help="the bot's total shard count (default: Discord's recommendation)",
    )
    run.add_argument(
        "--shard-ids",
        metavar="IDS",
        help="run only these shards, e.g. 0,1 or 0-3 (needs --shard-count)",
    )
    sync = sub.add_parser("sync", help="register the slash commands with Discord")
    sync.add_argument(
        "--guild", type=int, help="sync to this server only (instant); default DEV_GUILD_ID"
    )
    sync.add_argument(
        "--global",
        dest="everywhere",
        action="store_true",
        help="sync globally even if DEV_GUILD_ID is set",
    )
    db = sub.add_parser("db", help="database maintenance")
    db_sub = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    db_sub.add_parser("migrate", help="apply pending schema migrations")
    backup = db_sub.add_parser("backup", help="copy the database safely, even while the bot runs")
    backup.add_argument("path", help="where to write the copy")
    restore = db_sub.add_parser(
        "restore", help="replace the database with a backup (the bot must be stopped)"
    )
    restore.add_argument("path", help="the backup to restore")
    copy = db_sub.add_parser(
        "copy", help="copy the SQLite database (DATABASE_PATH) into an empty PostgreSQL one"
    )
    copy.add_argument("--to", required=True, metavar="URL", help="postgresql://… (empty)")
    purge = db_sub.add_parser(
        "purge", help="delete everything stored for one server at once, its timers included"
    )
    # Read as text and checked in _purge: a bad id gets one line, not argparse's usage.
    purge.add_argument("--guild", metavar="ID", help="the server's id")
    invite = sub.add_parser("invite", help="print the URL that adds the bot to a server")
    invite.add_argument(
        "--application-id",
        type=int,
        help="use this application ID instead of the one in DISCORD_TOKEN (no token needed)",
    )
    from bot.cli import data as cli_data

    cli_data.add_parser(sub)
    sandbox = sub.add_parser(
        "sandbox", help="try every command in a local browser page: no token, no network"
    )
    sandbox.add_argument(
        "--database", metavar="PATH", help="keep the sandbox's SQLite file (default: temporary)"
    )
    sandbox.add_argument("--open", action="store_true", help="open the page in a web browser")
    sandbox.add_argument("--port", type=int, default=0, help="serve the page on this port")
    return parser


def _apply_endpoints(settings: Settings) -> None:
    """Point discord.py at a REST proxy or test stand-in when configured."""
    if settings.api_base_url:
        import discord.http

        discord.http.Route.BASE = settings.api_base_url
    if settings.gateway_url:
        import yarl
        from discord.gateway import DiscordWebSocket

        DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.gateway_url)


def _make_bot(
    settings: Settings, shard_count: int | None = 1, shard_ids: Sequence[int] | None = None
) -> KdramaBot:
    # Imported here so `kdrama-bot data ...` does not pay for discord.py's import.
    from bot.app import KdramaBot
    from bot.store import open_store

    return KdramaBot(
        database=open_store(settings.database),
        dev_guild_id=settings.dev_guild_id,
        shard_count=shard_count,
        shard_ids=shard_ids,
        departed_grace_days=settings.departed_grace_days,
    )


def _shards(args: argparse.Namespace) -> tuple[int | None, tuple[int, ...] | None]:
    """``run``'s shard options: (None, None) lets Discord recommend the count."""
    from bot.domain.shards import ShardSpecError, parse_shard_ids

    if args.shard_count is None:
        if args.shard_ids is not None:
            raise ShardSpecError("--shard-ids needs --shard-count (the bot's total shards)")
        return None, None
    if args.shard_ids is None:
        return args.shard_count, parse_shard_ids(f"0-{args.shard_count - 1}", args.shard_count)
    return args.shard_count, parse_shard_ids(args.shard_ids, args.shard_count)


# Waits between login attempts while Discord cannot be reached: doubled each time, capped.
RETRY_FIRST = 2.0
RETRY_CAP = 60.0


async def _login_until_reachable(bot: KdramaBot, token: str, stopping: asyncio.Event) -> bool:
    """Log in, retrying with backoff while the network or Discord is down.

    A service started before the network is up (or during a Discord outage) should wait,
    not exit: each failed attempt logs one line with the reason and the next wait.
    A rejected token is not retried. Returns False if asked to stop while waiting.
    """
    import discord
    from discord.utils import MISSING

    delay, attempt = RETRY_FIRST, 1
    while True:
        try:
            await bot.login(token)
            return True
        except (OSError, TimeoutError, discord.DiscordServerError) as exc:
            reason = str(exc) or type(exc).__name__
        log.warning(
            "could not reach Discord (attempt %d: %s); retrying in %.0f s", attempt, reason, delay
        )
        # The failed login opened an HTTP session; a new one (and connector) comes next time.
        await bot.http.close()
        bot.http.connector = MISSING
        try:
            await asyncio.wait_for(stopping.wait(), timeout=delay)
            return False
        except TimeoutError:
            pass
        delay, attempt = min(RETRY_CAP, delay * 2), attempt + 1


async def _run(
    settings: Settings, shard_count: int | None, shard_ids: tuple[int, ...] | None
) -> int:
    """Run until Discord closes us or SIGTERM / SIGINT (Ctrl-C) asks us to stop.

    A stop signal stops taking work and closes the bot the one way (close(): the
    scheduler and background work stop, then the store closes), and exits 0: a timer
    interrupted mid-send stays ``running`` and is re-run, once, at the next start.
    """
    import signal

    _apply_endpoints(settings)
    bot = _make_bot(settings, shard_count, shard_ids)
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()

    def stop(name: str) -> None:
        if not stopping.is_set():
            log.info("%s received: stopping", name)
        stopping.set()

    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError):  # Windows: Ctrl-C only
            loop.add_signal_handler(sig, stop, sig.name)
    from bot.store.backup import run_lock

    if settings.database_url:  # several processes share a PostgreSQL; no file to guard
        return await _serve(bot, settings, stopping)
    with run_lock(settings.database_path):  # `db restore` refuses while this is held
        return await _serve(bot, settings, stopping)


async def _serve(bot: KdramaBot, settings: Settings, stopping: asyncio.Event) -> int:
    async with bot:
        if not await _login_until_reachable(bot, settings.token, stopping):
            log.info("stopped before connecting")
            return 0
        running = asyncio.create_task(bot.connect(), name="gateway")
        asked = asyncio.create_task(stopping.wait(), name="stop-signal")
        await asyncio.wait({running, asked}, return_when=asyncio.FIRST_COMPLETED)
        if asked.done():
            await bot.close()
        asked.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await running  # re-raises what ended the gateway, if it was not our stop
    log.info("stopped")
    return 0


async def _sync(settings: Settings, guild_id: int | None) -> int:
    _apply_endpoints(settings)
    import discord

    bot = _make_bot(settings)
    async with bot:
        await bot.login(settings.token)
        if guild_id:
            guild = discord.Object(guild_id)
            bot.tree.copy_global_to(guild=guild)
            synced = await bot.tree.sync(guild=guild)
            print(f"synced {len(synced)} commands to server {guild_id}")
        else:
            synced = await bot.tree.sync()
            print(f"synced {len(synced)} global commands (Discord may take a while to show them)")
    return 0


async def _restore(settings: Settings, path: str) -> int:
    from bot.store import bundled_migrations
    from bot.store.backup import BotRunning, RestoreError, restore

    try:
        version = await restore(
            path, settings.database_path, latest=bundled_migrations()[-1].version
        )
    except (BotRunning, RestoreError, OSError, sqlite3.Error) as exc:
        print(f"kdrama-bot: {exc}", file=sys.stderr)
        return 1
    print(
        f"restored {settings.database_path} from {path} (schema version {version}; "
        "the next start or `kdrama-bot db migrate` brings it up to date)"
    )
    return 0


def _guild_id(text: str | None) -> int | None:
    """A Discord server id typed on the command line, or None when it is not one."""
    if text is None or not text.isascii() or not text.isdigit() or not 17 <= len(text) <= 20:
        return None
    value = int(text)
    return value if value < 2**63 else None


async def _purge(settings: Settings, guild: str | None) -> int:
    """``db purge --guild ID``: the same purge as a server's grace period ending, now."""
    from bot.store import open_store, privacy
    from bot.store._pg import is_postgres_url
    from bot.store.backup import BotRunning, run_lock

    guild_id = _guild_id(guild)
    if guild_id is None:
        shown = "nothing" if guild is None else repr(guild)
        print(
            "kdrama-bot: db purge needs --guild ID, a Discord server id (17-20 digits); "
            f"got {shown}",
            file=sys.stderr,
        )
        return 2
    async with open_store(settings.database) as db:
        await db.migrate()
        # `kdrama-bot run` holds a lock beside an SQLite file; a PostgreSQL store has none.
        on_file = not is_postgres_url(settings.database)
        if on_file and await privacy.departed(db, guild_id) is None:
            # A running bot still in the server would go on using what it thinks is there.
            try:
                with run_lock(settings.database_path):
                    pass
            except BotRunning:
                print(
                    f"kdrama-bot: the bot is running and still in server {guild_id}; remove it "
                    "from the server first, or stop the bot",
                    file=sys.stderr,
                )
                return 1
        counts = await privacy.purge_guild(db, guild_id)
    if not counts:
        print(f"nothing was stored for server {guild_id}")
        return 0
    detail = ", ".join(f"{table} {count}" for table, count in sorted(counts.items()))
    print(f"purged server {guild_id}: {sum(counts.values())} rows ({detail})")
    return 0


async def _db(settings: Settings, args: argparse.Namespace) -> int:
    from bot.store import open_store
    from bot.store._pg import is_postgres_url
    from bot.store.backup import backup

    if args.db_command == "migrate":
        async with open_store(settings.database) as db:
            applied = await db.migrate()
            version = await db.user_version()
        print(f"applied {applied or 'nothing'}; schema version {version}")
        return 0
    if args.db_command == "restore":
        if settings.database_url:
            print(
                "kdrama-bot: db restore replaces the SQLite file (DATABASE_PATH); "
                "restore a PostgreSQL backup with pg_restore",
                file=sys.stderr,
            )
            return 2
        return await _restore(settings, args.path)
    if args.db_command == "purge":
        return await _purge(settings, args.guild)
    if args.db_command == "copy":
        from bot.cli.copy import copy_to_postgres

        return await copy_to_postgres(settings.database_path, args.to)
    # Never echo DATABASE_URL: it may carry a password.
    name = "the PostgreSQL database" if is_postgres_url(settings.database) else settings.database
    try:
        await backup(settings.database, args.path)
    except (OSError, sqlite3.Error, RuntimeError) as exc:  # each names the path or the cause
        print(f"kdrama-bot: {exc}", file=sys.stderr)
        return 1
    print(f"backed up {name} to {args.path}")
    return 0


def application_id_from_token(token: str) -> int | None:
    """The bot's id, read from its token: the first part is that id, base64-encoded.

    A bot's user id is its application's id, so ``invite`` needs no call to Discord.
    None when the first part does not decode to an id.
    """
    import base64
    import binascii

    first = token.split(".", 1)[0]
    try:
        text = base64.urlsafe_b64decode(first + "=" * (-len(first) % 4)).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    return int(text) if text.isdigit() and 15 <= len(text) <= 21 else None


async def _invite(settings: Settings, application_id: int | None) -> int:
    from bot.ui.permissions import REQUIRED, invite_url, required_permissions

    if application_id is None:
        application_id = application_id_from_token(settings.token)
        if application_id is None:
            print(
                "kdrama-bot: DISCORD_TOKEN's first part is not a bot id; copy the token "
                "again, or pass --application-id (Developer Portal → General Information)",
                file=sys.stderr,
            )
            return 2
    print(invite_url(application_id))
    print(f"permissions integer: {required_permissions().value}")
    for name, why in REQUIRED:
        print(f"  {name}: {why}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the command line, validate settings once, and run the chosen command."""
    args = _build_parser().parse_args(argv)
    needs_token = args.command in ("run", "sync") or (
        args.command == "invite" and args.application_id is None
    )
    try:
        settings = load_settings(require_token=needs_token)
    except SettingsError as exc:
        print(f"kdrama-bot: {exc}", file=sys.stderr)
        return 2
    # Only the bot itself logs to stdout; the maintenance commands keep stdout for output.
    try:
        setup_logging(settings, stream=sys.stdout if args.command == "run" else sys.stderr)
    except SettingsError as exc:
        print(f"kdrama-bot: {exc}", file=sys.stderr)
        return 2
    if args.command == "sandbox":
        from bot import sandbox

        return sandbox.main(args)
    try:
        if args.command == "run":
            from bot.domain.shards import ShardSpecError

            try:
                shard_count, shard_ids = _shards(args)
            except ShardSpecError as exc:
                print(f"kdrama-bot: {exc}", file=sys.stderr)
                return 2
            return asyncio.run(_run(settings, shard_count, shard_ids))
        if args.command == "sync":
            guild = None if args.everywhere else (args.guild or settings.dev_guild_id)
            return asyncio.run(_sync(settings, guild))
        if args.command == "db":
            return asyncio.run(_db(settings, args))
        if args.command == "invite":
            return asyncio.run(_invite(settings, args.application_id))
        from bot.cli import data as cli_data

        return asyncio.run(cli_data.run(args, settings.database))
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # the last line of defence: one line, no traceback
        import discord

        if isinstance(exc, discord.LoginFailure):
            print(
                "kdrama-bot: Discord rejected DISCORD_TOKEN; reset it in the Developer Portal",
                file=sys.stderr,
            )
            return 2
        if isinstance(exc, discord.PrivilegedIntentsRequired):
            print("kdrama-bot: Discord refused the requested intents", file=sys.stderr)
            return 2
        # The traceback goes to the log at DEBUG; the person at the terminal gets one line.
        log.debug("kdrama-bot %s failed", args.command, exc_info=True)
        print(
            f"kdrama-bot: {args.command} failed: {exc} (LOG_LEVEL=DEBUG shows why)", file=sys.stderr
        )
        return 1


if __name__ == "__main__":
    sys.exit(main())
