"""Text for previews, the ledger and /countdown (embeds kept inside Discord's limits)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord

from bot.domain.countdown import Milestones, PlannedStage
from bot.domain.echo import echo
from bot.domain.release import Precision, Release
from bot.domain.releases import PlannedRelease, episodes_text
from bot.domain.timeexpr import korea_text, relative_text
from bot.i18n import t
from bot.services.scheduler import Timer
from bot.ui.tree import say

if TYPE_CHECKING:
    from bot.app import Interaction

MAX_LINES = 25


def instant(at: int) -> str:
    """An instant three ways: each viewer's zone, relative, and Korea time."""
    return f"<t:{at}:F> (<t:{at}:R>) · {korea_text(at)}"


def plan_lines(interaction: Interaction, stages: list[PlannedStage]) -> list[str]:
    """One line per stage: when, or why it is skipped."""
    lines = []
    for stage in stages:
        if stage.skipped == "precision":
            lines.append(t("announce.plan.skip_precision", interaction, stage=stage.name))
        elif stage.skipped == "past":
            lines.append(t("announce.plan.skip_past", interaction, stage=stage.name))
        else:
            silent = " 🔕" if stage.minor else ""
            lines.append(f"**{stage.name}**{silent} — {instant(stage.due)}")
    return lines


def release_lines(interaction: Interaction, planned: list[PlannedRelease]) -> list[str]:
    """One line per release announcement: when it goes out, or why it will not."""
    lines = []
    for item in planned:
        name = t("announce.plan.release_name", interaction, numbers=episodes_text(item.episodes))
        if item.skipped == "precision":
            lines.append(t("announce.plan.release_skip_precision", interaction, name=name))
        elif item.skipped == "past":
            lines.append(t("announce.plan.skip_past", interaction, stage=name))
        else:
            lines.append(f"**{name}** — {instant(item.due)}")
    return lines


def what(timer: Timer) -> str:
    """The ledger's short name of a timer."""
    show = timer.payload.get("show", "?")
    if "episodes" in timer.payload:
        return f"{show} · E{'+'.join(str(n) for n in timer.payload['episodes'])}"
    if "stage" in timer.payload:
        return f"{show} · {timer.payload['stage']}"
    text = str(timer.payload.get("text", "")).replace("\n", " ")
    return f"{show} · “{discord.utils.escape_markdown(text[:60])}”"


def ledger_line(interaction: Interaction, timer: Timer) -> str:
    """One ledger line: id, what, when and how it went."""
    head = f"`#{timer.id}` {what(timer)} — <t:{timer.due}:f>"
    if timer.status == "sent" and timer.result and interaction.guild_id:
        channel_id, _, message_id = timer.result.partition("/")
        link = f"https://discord.com/channels/{interaction.guild_id}/{channel_id}/{message_id}"
        late = timer.lateness or 0
        tail = t("announce.log.sent", interaction, link=link)
        if late > 60:
            tail += " " + t("announce.log.late", interaction, late=relative_text(late))
        return f"✅ {head} · {tail}"
    if timer.status == "failed":
        return (
            f"❌ {head} · {say('announce.log.failed', interaction, reason=timer.last_error or '?')}"
        )
    if timer.status == "missed":
        return f"⏭️ {head} · {t('announce.log.missed', interaction)}"
    if timer.status == "cancelled":
        return f"🚫 {head} · {t('announce.log.cancelled', interaction)}"
    return f"⏳ {head} (<t:{timer.due}:R>)"


def ledger_embed(title: str, lines: list[str], empty: str) -> discord.Embed:
    """An embed of ledger lines, trimmed to stay under the description limit."""
    shown: list[str] = []
    size = 0
    for line in lines[:MAX_LINES]:
        if size + len(line) + 1 > 3900:
            break
        shown.append(line)
        size += len(line) + 1
    more = len(lines) - len(shown)
    body = "\n".join(shown) if shown else empty
    if more > 0:
        body += f"\n… +{more}"
    return discord.Embed(title=title[:256], description=body)


def countdown_text(
    interaction: Interaction, title: str, premiere: Release, found: Milestones, now: int
) -> str:
    """What is out today (a day-precision release, for its whole day), then the next
    milestone as live timestamps, honest about precision."""
    title = echo(title)  # the show's stored title, quoted: bounded and inert

    def label(number: int) -> str:
        if number == 0:
            return t("announce.countdown.premiere", interaction)
        return t("announce.countdown.episode", interaction, n=number)

    lines = []
    if found.today is not None:
        number, release = found.today
        key = "announce.countdown.today_premiere" if number == 0 else "announce.countdown.today"
        lines.append(t(key, interaction, title=title, n=number, day=release.text()))
    if found.ahead is not None:
        number, release = found.ahead
        lines.append(_milestone_text(interaction, title, label(number), release))
    elif found.today is None:
        if premiere.end() > now:  # a vague premiere whose period holds now
            lines.append(_milestone_text(interaction, title, label(0), premiere))
        else:
            rel = f"<t:{premiere.at}:R>"
            lines.append(
                t("announce.countdown.past", interaction, title=title, what=label(0), rel=rel)
            )
    return "\n".join(lines)


def _milestone_text(interaction: Interaction, title: str, label: str, release: Release) -> str:
    if release.precision in (Precision.YEAR, Precision.MONTH):
        period = release.text()
        return t("announce.countdown.vague", interaction, title=title, what=label, period=period)
    style = "D" if release.precision is Precision.DAY else "F"
    at = release.at
    return t(
        "announce.countdown.next",
        interaction,
        title=title,
        what=label,
        full=f"<t:{at}:{style}>",
        rel=f"<t:{at}:R>",
    )
