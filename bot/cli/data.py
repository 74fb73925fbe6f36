"""``kdrama-bot data check|schema|import|export``: show files from the command line.

These commands need only the database path, never DISCORD_TOKEN. Bad input gets one
clear line per problem and exit status 1, never a traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sqlite3
import sys
from pathlib import Path
from typing import TextIO

from bot.domain.echo import plain
from bot.domain.showfile import ShowFile, ShowFileError, load_show_file
from bot.domain.toml_writer import dumps
from bot.services.lookup import choose_show
from bot.store.catalog_io import (
    ShowNotFound,
    export_show,
    import_show,
    list_show_slugs,
)
from bot.store.db import Database, open_store
from bot.ui.errors import UserFacingError
from bot.ui.tree import say

log = logging.getLogger(__name__)


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Register the ``data`` command and its subcommands on ``subparsers``."""
    parser = subparsers.add_parser("data", help="check, import and export show files")
    sub = parser.add_subparsers(dest="data_command", required=True, metavar="COMMAND")
    check = sub.add_parser("check", help="validate a show file without touching the database")
    check.add_argument("file", metavar="FILE")
    schema = sub.add_parser(
        "schema", help="print the show file's JSON Schema (what `data check` enforces)"
    )
    schema.add_argument(
        "--markdown", action="store_true", help="print the reference page (docs/) instead"
    )
    imp = sub.add_parser("import", help="import a show file into one guild's catalog")
    imp.add_argument("file", metavar="FILE")
    imp.add_argument("--guild", type=int, required=True, metavar="ID")
    imp.add_argument("--dry-run", action="store_true", help="report the changes, write nothing")
    exp = sub.add_parser("export", help="write one guild's show as a TOML show file")
    exp.add_argument("--guild", type=int, required=True, metavar="ID")
    exp.add_argument(
        "--show", metavar="SHOW", help="slug, title or alias (default: the guild's default show)"
    )
    exp.add_argument("-o", "--output", metavar="FILE", help="default: standard output")
    return parser


async def run(args: argparse.Namespace, database_path: str) -> int:
    """Run the parsed ``data`` subcommand; returns the process exit status."""
    if args.data_command == "check":
        return _check(args.file)
    if args.data_command == "schema":
        return _schema(markdown=args.markdown)
    db = open_store(database_path)
    try:
        await db.open()
        await db.migrate()
        if args.data_command == "import":
            return await _import(db, args.file, args.guild, dry_run=args.dry_run)
        return await _export(db, args.guild, args.show, args.output)
    except (sqlite3.Error, OSError, RuntimeError) as exc:
        # A locked, unreadable or too-new database: one line, not a traceback.
        print(f"{database_path}: database error: {exc}", file=sys.stderr)
        return 1
    finally:
        await db.close()


def _problem_lines(file: str, error: ShowFileError) -> list[str]:
    lines = []
    for p in error.problems:
        where = f"{file}:{p.line}" if p.line else file
        # The problems are worded for Discord too (their quotes escaped): print plain text.
        lines.append(f"{where}: {plain(str(p))}")
    return lines


def _load(file: str, out: TextIO) -> ShowFile | None:
    try:
        return load_show_file(file)
    except ShowFileError as exc:
        print("\n".join(_problem_lines(file, exc)), file=out)
        return None


def _summary(show: ShowFile) -> str:
    counts = [
        (len(show.episodes), "episodes"), (len(show.people), "people"),
        (len(show.characters), "characters"), (len(show.media), "media"),
        (len(show.quotes), "quotes"), (len(show.sources), "sources"),
    ]  # fmt: skip
    return ", ".join([f"show {show.show.slug}"] + [f"{n} {what}" for n, what in counts])


def _schema(*, markdown: bool) -> int:
    import json

    from bot.domain.showfile_reference import json_schema, reference_markdown

    if markdown:
        sys.stdout.write(reference_markdown())
    else:
        print(json.dumps(json_schema(), indent=2, ensure_ascii=False))
    return 0


def _check(file: str) -> int:
    show = _load(file, sys.stdout)
    if show is None:
        return 1
    print(f"ok: {file} ({_summary(show)})")
    return 0


async def _import(db: Database, file: str, guild_id: int, *, dry_run: bool) -> int:
    show = _load(file, sys.stderr)
    if show is None:
        return 1
    report = await import_show(db, guild_id, show, dry_run=dry_run)
    prefix = "would change (dry run): " if dry_run and report.changed else ""
    print(f"{prefix}{file} → guild {guild_id}, show {report.slug}")
    print("\n".join(report.lines()))
    return 0


async def _export(db: Database, guild_id: int, show: str | None, output: str | None) -> int:
    slugs = await list_show_slugs(db, guild_id)
    if not slugs:
        print(f"guild {guild_id} has no shows to export", file=sys.stderr)
        return 1
    try:  # the bot's own resolver: a slug, title or alias; none means the default show
        slug = (await choose_show(db, guild_id, show, "en")).slug
    except UserFacingError as exc:
        if show is None:
            found = ", ".join(slugs)
            print(f"guild {guild_id}: say which show with --show (shows: {found})", file=sys.stderr)
        else:
            said = plain(say(exc.key, "en", **exc.fields)).strip()
            print(f"guild {guild_id}: {said}", file=sys.stderr)
        return 1
    try:
        data = await export_show(db, guild_id, slug)
    except ShowNotFound as exc:
        print(str(exc), file=sys.stderr)
        return 1
    text = dumps(data)
    if output is None:
        sys.stdout.write(text)
        return 0
    try:
        await asyncio.to_thread(Path(output).write_text, text, "utf-8")
    except OSError as exc:
        print(f"{output}: cannot write: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {output} (show {slug})")
    return 0
