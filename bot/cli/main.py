"""The command line: ``kdrama-bot run | sync | db | data | invite`` (or ``python -m bot``)."""

from __future__ import annotations

import argparse
import asyncio
import logging
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
    sub.add_parser("run", help="connect to Discord and run the bot")
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
    invite = sub.add_parser("invite", help="print the URL that adds the bot to a server")
    invite.add_argument(
        "--application-id", type=int, help="skip logging in; use this application ID"
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


def _make_bot(settings: Settings) -> KdramaBot:
    # Imported here so `kdrama-bot data ...` does not pay for discord.py's import.
    from bot.app import KdramaBot
    from bot.store import Database

    # read_beside: a write waiting on another process's lock never holds up the reads.
    database = Database(settings.database_path, read_beside=True)
    return KdramaBot(database=database, dev_guild_id=settings.dev_guild_id)


async def _run(settings: Settings) -> int:
    _apply_endpoints(settings)
    bot = _make_bot(settings)
    async with bot:
        await bot.start(settings.token)
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


async def _db(settings: Settings, args: argparse.Namespace) -> int:
    from bot.store import Database
    from bot.store.backup import backup

    if args.db_command == "migrate":
        async with Database(settings.database_path) as db:
            applied = await db.migrate()
            version = await db.user_version()
        print(f"applied {applied or 'nothing'}; schema version {version}")
        return 0
    try:
        await backup(settings.database_path, args.path)
    except (FileNotFoundError, FileExistsError) as exc:
        print(f"kdrama-bot: {exc}", file=sys.stderr)
        return 1
    print(f"backed up {settings.database_path} to {args.path}")
    return 0


async def _invite(settings: Settings, application_id: int | None) -> int:
    from bot.ui.permissions import REQUIRED, invite_url, required_permissions

    if application_id is None:
        _apply_endpoints(settings)
        import discord

        client = discord.Client(intents=discord.Intents.none())
        async with client:
            await client.login(settings.token)
            info = await client.application_info()
            application_id = info.id
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
    setup_logging(settings, stream=sys.stdout if args.command == "run" else sys.stderr)
    if args.command == "sandbox":
        from bot import sandbox

        return sandbox.main(args)
    try:
        if args.command == "run":
            return asyncio.run(_run(settings))
        if args.command == "sync":
            guild = None if args.everywhere else (args.guild or settings.dev_guild_id)
            return asyncio.run(_sync(settings, guild))
        if args.command == "db":
            return asyncio.run(_db(settings, args))
        if args.command == "invite":
            return asyncio.run(_invite(settings, args.application_id))
        from bot.cli import data as cli_data

        return asyncio.run(cli_data.run(args, settings.database_path))
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
