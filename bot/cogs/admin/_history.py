"""/admin history, revert, import and export."""

from __future__ import annotations

import asyncio
import io
import math
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal

import discord
from discord import app_commands

from bot.cogs.admin._base import (
    AdminGroup,
    actor,
    done,
    editing,
    premiere_changed,
    short,
)
from bot.domain.echo import Markup, echo, plain
from bot.domain.showfile import MAX_PROBLEMS, ShowFileError, parse_show_file
from bot.domain.toml_writer import dumps
from bot.i18n import counted, t
from bot.mentions import NO_MENTIONS
from bot.store import history
from bot.store.catalog_edit import import_with_history
from bot.store.catalog_io import ShowNotFound, export_show
from bot.ui.checks import guild_of
from bot.ui.errors import UserFacingError
from bot.ui.options import ShowOption, chosen_slug
from bot.ui.tree import say, terms
from bot.ui.views import View

if TYPE_CHECKING:
    from bot.app import Interaction

MAX_IMPORT_BYTES = 256 * 1024


def _line(c: history.Change) -> str:
    when = discord.utils.format_dt(datetime.fromtimestamp(c.at, UTC), "f")
    what = f"{c.label}.{c.field}" if c.field else c.label
    if c.action == "import":
        body = f"import: {short(c.new, 200)}"
    elif c.action in ("set", "revert") and c.field:
        body = f"{c.action} {what}: {short(c.old)} → {short(c.new)}"
    else:
        body = f"{c.action} {what}"
    extra = f" [{c.source_key}]" if c.source_key else ""
    extra += f" (reverts #{c.reverts})" if c.reverts else ""
    return f"`#{c.id}` {when} <@{c.actor_id}> {body}{extra}"


async def history_page(
    interaction: Interaction, show: str | None, entity: str | None, page_no: int
) -> tuple[discord.Embed, int]:
    """One page of the guild's history as an embed, and the number of pages."""
    changes, total = await history.page(
        interaction.client.db,
        guild_of(interaction),
        show=show,
        entity=entity,
        page_no=page_no,
    )
    pages = max(1, math.ceil(total / history.PAGE_SIZE))
    lines = [_line(c) for c in changes] or [t("admin.history.empty", interaction)]
    embed = discord.Embed(
        title=t("admin.history.title", interaction), description="\n".join(lines)[:4096]
    )
    embed.set_footer(
        text=t(
            counted("admin.history.footer", total),
            interaction,
            page=page_no + 1,
            pages=pages,
            total=total,
        )
    )
    return embed, pages


def _problem_lines(interaction: Interaction, error: ShowFileError) -> str:
    """One bullet per problem, each naming its line where it is known, echoed safely."""
    lines = []
    for problem in error.problems[:MAX_PROBLEMS]:
        if problem.key is None:
            # A problem's quotes are already escaped (for every reader): unescaped first, so
            # the one echo escapes each character once and bounds the line.
            text = echo(plain(str(problem)), 200)
        else:  # said in the admin's language, its values echoed once
            text = say(problem.key, interaction, **terms(dict(problem.fields), interaction))
            if problem.path and not problem.key.startswith("check."):
                # A time's own message (a bad zone, a bad date) does not name its key.
                text = f"{echo(problem.path)}: {text}"
        if problem.line is not None:
            text = t("admin.import.at_line", interaction, line=problem.line, problem=text)
        lines.append(f"- {text}")
    if len(error.problems) >= MAX_PROBLEMS:
        lines.append(t("admin.import.stopped", interaction, count=MAX_PROBLEMS))
    return "\n".join(lines)


class HistoryPager(View):
    """Older/newer buttons over the history, for the admin who asked."""

    def __init__(self, owner: int, show: str | None, entity: str | None, pages: int) -> None:
        super().__init__(timeout=600)
        self.owner, self.show, self.entity, self.pages, self.page_no = owner, show, entity, pages, 0
        self._sync()

    def _sync(self) -> None:
        self.newer.disabled = self.page_no == 0
        self.older.disabled = self.page_no >= self.pages - 1

    async def interaction_check(self, interaction: discord.Interaction[Any], /) -> bool:
        """Only the admin who opened the history pages it."""
        if interaction.user.id != self.owner:
            raise UserFacingError("admin.history.not_yours")
        return True

    async def _turn(self, interaction: Interaction, step: int) -> None:
        self.page_no = max(0, min(self.pages - 1, self.page_no + step))
        embed, self.pages = await history_page(interaction, self.show, self.entity, self.page_no)
        self._sync()
        await interaction.response.edit_message(
            embed=embed, view=self, allowed_mentions=NO_MENTIONS
        )

    @discord.ui.button(label="◀ Newer", custom_id="admin:history:newer")
    async def newer(self, interaction: Interaction, button: discord.ui.Button) -> None:
        """Show the previous (newer) page."""
        await self._turn(interaction, -1)

    @discord.ui.button(label="Older ▶", custom_id="admin:history:older")
    async def older(self, interaction: Interaction, button: discord.ui.Button) -> None:
        """Show the next (older) page."""
        await self._turn(interaction, +1)


class AdminRoot(
    AdminGroup,
    name="admin",
    description="Keep the show catalog true: edit, history, revert, import, export",
    guild_only=True,
    default_permissions=discord.Permissions(manage_guild=True),
):
    """/admin: guild-only, shown by default to Manage Server, and checked in our code."""

    @app_commands.command(name="history", description="Page through every change to the catalog")
    @app_commands.describe(
        show="Only changes to this show", entity="episode, character, ... or e.g. 'episode 2'"
    )
    async def history_command(
        self, interaction: Interaction, show: ShowOption | None = None, entity: str | None = None
    ) -> None:
        """The newest changes first, ten a page, with buttons."""
        slug = show.slug if show else None  # no show: changes to every show
        embed, pages = await history_page(interaction, slug, entity, 0)
        view = HistoryPager(interaction.user.id, slug, entity, pages)
        await interaction.response.send_message(
            embed=embed, view=view, ephemeral=True, allowed_mentions=NO_MENTIONS
        )

    @app_commands.command(name="revert", description="Undo one change from the history")
    @app_commands.describe(change_id="The change's number, from /admin history")
    async def revert_command(
        self, interaction: Interaction, change_id: app_commands.Range[int, 1]
    ) -> None:
        """Undo the change (recorded as a change itself), unless something changed it since."""
        async with editing(interaction) as ed:
            revert_id = await ed.revert(change_id)
            change = await history.get_change(ed.conn, guild_of(interaction), revert_id)
        if (
            change
            and change.entity_kind in ("show", "episode")
            and change.field in ("premiere", "release", "")
        ):
            premiere_changed(interaction, change.show_slug)
        await done(interaction, "admin.reverted", change_id=change_id, revert_id=revert_id)

    @app_commands.command(name="import", description="Import a show file (TOML or JSON)")
    @app_commands.describe(
        file="The show file, as in bot/data/shows", dry_run="Only show what would change"
    )
    async def import_command(
        self, interaction: Interaction, file: discord.Attachment, dry_run: bool = True
    ) -> None:
        """Check the file, then import it atomically (or just report, on a dry run)."""
        if file.size > MAX_IMPORT_BYTES:
            raise UserFacingError("admin.import.too_big", size=file.size, limit=MAX_IMPORT_BYTES)
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            # utf-8-sig: Notepad starts a UTF-8 file with a byte order mark.
            text = (await file.read()).decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise UserFacingError("admin.import.not_text") from exc
        fmt: Literal["json", "toml"] = "json" if file.filename.lower().endswith(".json") else "toml"
        try:
            # In a thread: checking a 256 KiB file takes long enough to stall every other
            # server's interactions if it ran on the event loop.
            show = await asyncio.to_thread(parse_show_file, text, fmt=fmt)
        except ShowFileError as exc:
            raise UserFacingError(
                "admin.import.invalid", problems=Markup(_problem_lines(interaction, exc))
            ) from exc
        report = await import_with_history(
            interaction.client.db, actor(interaction), show, dry_run=dry_run
        )
        if not dry_run and report.changed:
            premiere_changed(interaction, report.slug)
        lines = report.lines()
        shown = "\n".join(f"- {echo(line, 150)}" for line in lines[:20])
        more = t("admin.import.more", interaction, count=len(lines) - 20) if len(lines) > 20 else ""
        key = counted(
            "admin.import.dry_run" if dry_run else "admin.import.done", len(report.changes)
        )
        await done(
            interaction,
            key,
            slug=report.slug,
            count=len(report.changes),
            lines=Markup(shown + more),
        )

    @app_commands.command(name="export", description="Download a show as a TOML file")
    @app_commands.describe(show="The show (default: the server's default show)")
    async def export_command(
        self, interaction: Interaction, show: ShowOption | None = None
    ) -> None:
        """Reply with the show file, ready to edit and import again."""
        slug = await chosen_slug(interaction, show)
        try:
            data = await export_show(interaction.client.db, guild_of(interaction), slug)
        except ShowNotFound as exc:
            raise UserFacingError("admin.not_found", what=f"show {slug}") from exc
        payload = discord.File(io.BytesIO(dumps(data).encode("utf-8")), filename=f"{slug}.toml")
        await interaction.response.send_message(
            t("admin.export.done", interaction, slug=slug), file=payload, ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )  # fmt: skip
