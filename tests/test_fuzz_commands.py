"""Fuzz every registered command with hostile values, as a member, a moderator and an admin.

The test walks the command tree the bot registers (every command, group, option and
autocomplete) and sends values generated from each option's own schema through the real
bot and SimCord: the longest strings Discord allows, zero-width and right-to-left
characters, Hangul, emoji, markdown and code fences, ``@everyone``, role mentions,
SQL-like and format-string text, numbers at their bounds, hostile attachments. Every
button and modal a reply offers is pressed (twice, and by someone else) and submitted
with hostile text; buttons are pressed again after their views expired.

It asserts what a user would notice: every interaction is answered, no reply pings
anyone, no traceback is logged, nothing a member or moderator sends changes data they
may not change, and the database passes ``PRAGMA integrity_check`` afterwards; and what
Discord would refuse: every JSON body the bot sent is valid against Discord's OpenAPI
description (the wire stand-in's validator, ``../shared/discord-api-spec``; without it
the test skips after its other checks, saying so).

The seed is fixed, so a failure replays exactly. ``FUZZ_ROUNDS`` rounds per command and
actor run in CI; ten times as many under ``-m slow``. The summary line printed at the
end (``fuzz: …``) is what the README quotes.
"""

from __future__ import annotations

import json
import logging
import random
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pytest
from discord import app_commands
from simcord.backend.errors import BackendError, SetupError

from bot.domain.errors import InputError
from bot.ui.errors import NotAdmin, NotModerator, UserFacingError
from tests.conftest import BUNDLED
from tests.support.discord import open_to_everyone
from tests.wire.standin.spec import load_validator

SEED = 13
FUZZ_ROUNDS = 3
SLOW_ROUNDS = FUZZ_ROUNDS * 10
DISCORD_STRING_MAX = 6000
DISCORD_INT = 2**53

# Pieces hostile text is built from (see the module docstring).
PIECES = [
    "\u200b", "\u200d", "\u200f", "\u202e", "\u2066", "\ufeff", "사운드트랙", "한소희", "😀",
    "👩‍👩‍👧", "**bold**", "__u__", "~~s~~", "```py\nprint(1)\n```", "`", "||", "|||", "> q",
    "# h", "-# small", "@everyone", "@here", "<@&1>", "<@1>", "<#1>", "</ping:1>", "<t:0:R>",
    "[x](https://evil.example)", "'; DROP TABLE shows; --", "\" OR 1=1 --", "{0.__class__}",
    "{}", "%s%n", "${x}", "\\", "\x00", "\x1b[31m", "\n", "\r\n", "\t",
    "soundtrack-1", "han-so-hee", "2022-03-23 18:00 KST", "2022-03-23T18:00+09:00", "D-1",
    "H-1", "in 3h", "in 999999w", "Asia/Seoul", "0001", "9999-12-31", "1" * 25, "²", "①",
    "-1", "0", "1", "9223372036854775808", "nme", "trailer",
]  # fmt: skip
# Show files an admin might attach, from fine to hostile.
ATTACHMENTS = [
    ("show.toml", BUNDLED.read_bytes()),
    ("show.toml", "\ufeff".encode() + BUNDLED.read_bytes()),
    ("deep.json", b'{"a": ' + b"[" * 3000 + b"]" * 3000 + b"}"),
    ("big.toml", b"format = " + b"9" * 5000),
    ("keys.toml", "\n".join(f"k{i} = 1" for i in range(3000)).encode()),
    ("bad.toml", bytes(range(256)) * 4),
    ("nul.json", json.dumps({"format": 1, "show": "\x00" * 100}).encode()),
]
# What a refusal may look like: each of these is answered with a clear message.
REFUSALS = (
    UserFacingError, InputError, NotAdmin, NotModerator, app_commands.CheckFailure,
    app_commands.CommandOnCooldown, app_commands.TransformerError,
)  # fmt: skip
# Tables each kind of user may change; derived search tables change on any read.
# /notify show:… makes the show's follower role once (show_roles, discord_creates), with
# picked_by NULL; a role an admin picks carries the admin's id (checked below).
DERIVED = {"search_dirty", "search_entries", "search_keys", "show_roles", "discord_creates"}
MAY_CHANGE = {
    "member": DERIVED | {"member_progress", "episode_ratings"},
    "moderator": DERIVED
    | {"member_progress", "episode_ratings", "timers", "announce_plans", "discussions",
       "discussion_indexes", "discussion_warnings", "show_events", "release_announcements",
       "discord_creates"},
}  # fmt: skip


@dataclass
class Tally:
    """What the run did and found."""

    sent: Counter = field(default_factory=Counter)
    refused_by_discord: int = 0
    unanswered: list[str] = field(default_factory=list)
    pings: list[str] = field(default_factory=list)
    bugs: list[str] = field(default_factory=list)
    bodies: int = 0  # JSON bodies checked against Discord's OpenAPI description
    off_spec: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.sent.values())


def hostile_text(rng: random.Random, limit: int) -> str:
    """A string of at most ``limit`` characters built from hostile pieces."""
    roll = rng.random()
    if roll < 0.15:
        return (rng.choice(["x", "가", "😀", "|", "@everyone "]) * limit)[:limit]
    if roll < 0.3:
        return rng.choice(PIECES)[:limit]
    text = "".join(rng.choice(PIECES) for _ in range(rng.randint(1, 12)))
    if rng.random() < 0.2:
        text = text * (limit // max(1, len(text)) + 1)
    return text[:limit] or "x"


def leaves(payload: dict[str, Any], path: str = "") -> list[tuple[str, list[dict[str, Any]]]]:
    """(qualified name, options) for every invocable command under ``payload``."""
    name = f"{path} {payload['name']}".strip()
    options = payload.get("options") or []
    nested = [o for o in options if o["type"] in (1, 2)]
    if not nested:
        return [(name, options)]
    return [leaf for option in nested for leaf in leaves(option, name)]


class Fuzzer:
    """Sends generated interactions and checks each answer."""

    def __init__(self, world, rng: random.Random, tally: Tally) -> None:
        self.world, self.rng, self.tally = world, rng, tally
        self.env = world.env
        self.channels = [world.general, world.announcements, world.discussion, world.log]
        self.roles = [world.moderator_role, world.admin_role, world.notify_role]
        self.members = [world.member, world.moderator, world.admin]
        self.pressed: list[tuple[Any, Any]] = []  # (actor, message) with buttons, for later

    async def value(self, actor, name: str, option: dict[str, Any]) -> Any:
        """A value for ``option`` generated from its schema, or None to leave it out."""
        kind, rng = option["type"], self.rng
        if option.get("choices"):
            return rng.choice(option["choices"])["value"]
        if kind == 3:
            limit = min(option.get("max_length", DISCORD_STRING_MAX), DISCORD_STRING_MAX)
            if option.get("autocomplete") and rng.random() < 0.4:
                offered = await self.autocomplete(actor, name, option["name"], "")
                if offered:
                    return rng.choice(offered)["value"]
            text = hostile_text(rng, limit)
            minimum = option.get("min_length", 1)
            return text if len(text) >= minimum else (text + "x" * minimum)[:limit]
        if kind in (4, 10):
            low = option.get("min_value", -DISCORD_INT)
            high = option.get("max_value", DISCORD_INT)
            picks = [low, high, low + 1, high - 1, 0, 1, rng.randint(int(low), int(high))]
            number = rng.choice([p for p in picks if low <= p <= high])
            return int(number) if kind == 4 else float(number) + rng.choice([0, 0.5])
        if kind == 5:
            return rng.random() < 0.5
        if kind == 6:
            return rng.choice(self.members)
        if kind == 7:
            allowed = option.get("channel_types")
            fits = [c for c in self.channels if not allowed or self._channel_type(c) in allowed]
            return rng.choice(fits) if fits else None
        if kind == 8:
            return rng.choice(self.roles)
        if kind == 9:
            return rng.choice(self.roles + self.members)
        if kind == 11:
            return rng.choice(ATTACHMENTS)
        return None

    def _channel_type(self, channel) -> int:
        return 15 if channel is self.world.discussion else 0

    async def autocomplete(self, actor, name: str, option: str, typed: str) -> list[dict]:
        """Type into an autocomplete option; the offer must fit Discord's limits."""
        self.tally.sent["autocomplete"] += 1
        try:
            offered = await actor.autocomplete(self.world.general, name, option, typed)
        except SetupError:
            # A command this user cannot see: Discord would not even offer the option.
            self.tally.refused_by_discord += 1
            return []
        if len(offered) > 25 or any(len(c["name"]) > 100 for c in offered):
            self.tally.bugs.append(f"autocomplete /{name} {option}: offer exceeds limits")
        return offered

    async def command(self, actor, name: str, options: list[dict[str, Any]]) -> None:
        """One invocation of ``name`` with generated values, its answer checked."""
        values: dict[str, Any] = {}
        for option in options:
            if not option.get("required") and self.rng.random() < 0.4:
                continue
            value = await self.value(actor, name, option)
            if value is None:
                if option.get("required"):
                    return
                continue
            values[option["name"]] = value
        for option in options:
            if option.get("autocomplete") and self.rng.random() < 0.3:
                await self.autocomplete(actor, name, option["name"], hostile_text(self.rng, 100))
        shown = {k: (v if isinstance(v, int | bool) else str(v)[:40]) for k, v in values.items()}
        label = f"/{name} {shown}"
        result = await self.send(label, actor.slash(self.world.general, name, **values))
        if result is not None:
            await self.follow_up(actor, result, label)

    async def send(self, label: str, interaction) -> Any:
        """Send one interaction; record whether it was answered and whether it pinged."""
        self.tally.sent["interaction"] += 1
        try:
            result = await interaction
        except (SetupError, BackendError) as exc:
            # A value Discord itself would refuse before the bot sees it.
            self.tally.refused_by_discord += 1
            logging.getLogger(__name__).debug("not sent %s: %s", label, exc)
            return None
        deferred_only = result.deferred and result.response is None and not result.followups
        if not result.acknowledged or deferred_only:
            self.tally.unanswered.append(label)
        for message in [result.response, *result.followups]:
            if message is None:
                continue
            stored = message._message
            if stored.ping_user_ids or stored.ping_role_ids or stored.mention_everyone:
                self.tally.pings.append(label)
        return result

    async def follow_up(self, actor, result, label: str) -> None:
        """Submit a modal with hostile text; press every button twice, and as someone else."""
        if result.modal is not None:
            values = {}
            for row in result.modal.get("components", []):
                # An action row holds its inputs; a label (type 18) holds one.
                items = row.get("components") or [row.get("component") or {}]
                for item in items:
                    if item.get("custom_id"):
                        limit = item.get("max_length", 4000)
                        values[item["custom_id"]] = hostile_text(self.rng, limit)
            await self.send(f"{label} → modal", actor.submit_modal(result, values))
        message = result.response
        if message is None or not message.components:
            return
        buttons = [
            c
            for row in message.components
            for c in row.get("components", [])
            if c.get("type") == 2 and c.get("custom_id")
        ]
        for button in buttons:
            stranger = self.rng.choice([m for m in self.members if m is not actor])
            for presser in (actor, actor, stranger):
                if message.ephemeral and presser is not actor:
                    continue  # nobody else can see an ephemeral message to press it
                pressed = await self.send(
                    f"{label} → press {button['custom_id'][:30]}",
                    presser.click(message.message, custom_id=button["custom_id"]),
                )
                if pressed is not None and pressed.modal is not None:
                    await self.follow_up(presser, pressed, label)
            self.pressed.append((actor, message, button["custom_id"]))

    async def press_expired(self) -> None:
        """Press buttons again after their views have timed out."""
        for actor, message, custom_id in self.pressed:
            await self.send(
                f"expired press {custom_id[:30]}", actor.click(message.message, custom_id=custom_id)
            )


async def _snapshot(db) -> dict[str, list[tuple]]:
    tables = await db.fetchall("SELECT name FROM sqlite_master WHERE type = 'table'")
    snap = {}
    for (name,) in tables:
        if name.startswith("sqlite_") or ("search" in name and name.endswith(("_data", "_idx"))):
            continue
        rows = await db.fetchall(f'SELECT * FROM "{name}"')  # names from sqlite_master
        snap[name] = sorted(tuple(r) for r in rows)
    return snap


async def fuzz(world, rounds: int, caplog) -> Tally:
    """Run the fuzz at ``rounds`` rounds per command and actor; return the tally."""
    env, bot = world.env, world.env.bot
    rng = random.Random(SEED)
    tally = Tally()
    payloads = [c.to_dict(bot.tree) for c in bot.tree.get_commands()]
    await open_to_everyone(world, *(p["name"] for p in payloads))
    commands = [leaf for p in payloads if p.get("type", 1) == 1 for leaf in leaves(p)]
    assert len(commands) > 30, "the walk found too few commands"
    fuzzer = Fuzzer(world, rng, tally)
    await bot.ensure_guild(world.guild.id)
    caplog.set_level(logging.WARNING)
    for who, actor in (("member", world.member), ("moderator", world.moderator),
                       ("admin", world.admin)):  # fmt: skip
        before = await _snapshot(bot.db)
        for _ in range(rounds):
            for name, options in commands:
                await fuzzer.command(actor, name, options)
        if who in MAY_CHANGE:
            after = await _snapshot(bot.db)
            changed = {t for t in after if after[t] != before.get(t)} - MAY_CHANGE[who]
            assert not changed, f"a {who} changed {sorted(changed)}"
            pickers = await bot.db.fetchall("SELECT picked_by FROM show_roles")
            assert all(p[0] in (None, world.admin.id) for p in pickers), pickers
    await env.advance_time(3 * 3600)  # every view has timed out by now
    await fuzzer.press_expired()
    for error in env.errors:
        original = getattr(error, "original", error)
        if not isinstance(original, REFUSALS):
            tally.bugs.append(f"{type(original).__name__}: {str(original)[:200]}")
    for record in caplog.records:
        if record.levelno >= logging.ERROR or record.exc_info:
            cause = record.exc_info[1] if record.exc_info else None
            cause = getattr(cause, "original", None) or cause
            why = f" ({type(cause).__name__}: {str(cause)[:150]})" if cause else ""
            tally.bugs.append(f"logged {record.name}: {record.getMessage()[:120]}{why}")
    check = await bot.db.fetchval("PRAGMA integrity_check")
    assert check == "ok"
    validator, _ = load_validator()
    if validator is not None:
        for entry in env.backend.http_requests:
            if entry.method in ("POST", "PUT", "PATCH") and entry.json is not None:
                tally.bodies += 1
                tally.off_spec += validator.problems(entry.method, entry.path, entry.json)
    print(
        f"\nfuzz: {tally.total} interactions and autocompletes sent "
        f"({tally.sent['interaction']} interactions, {tally.sent['autocomplete']} autocompletes, "
        f"{len(commands)} commands × 3 actors × {rounds} rounds, seed {SEED}); "
        f"{tally.refused_by_discord} refused by Discord's own schema; "
        f"unanswered {len(tally.unanswered)}, pings {len(tally.pings)}, "
        f"tracebacks {len(tally.bugs)}; {tally.bodies} bodies checked against Discord's "
        f"OpenAPI description, {len(tally.off_spec)} off it"
    )
    return tally


def _assert_clean(tally: Tally) -> None:
    assert not tally.unanswered, "unanswered:\n" + "\n".join(tally.unanswered[:30])
    assert not tally.pings, "pinged someone:\n" + "\n".join(tally.pings[:30])
    bugs = sorted(set(tally.bugs))
    summary = f"{len(tally.bugs)} tracebacks ({len(bugs)} distinct):\n"
    assert not bugs, summary + "\n".join(bugs[:40])
    off = sorted(set(tally.off_spec))
    assert not off, f"{len(tally.off_spec)} bodies off Discord's spec:\n" + "\n".join(off[:30])
    _, skipped = load_validator()
    if skipped:
        pytest.skip(f"everything else held; {skipped}")


async def test_hostile_values_to_every_command_are_answered_safely(world, caplog):
    _assert_clean(await fuzz(world, FUZZ_ROUNDS, caplog))


@pytest.mark.slow
async def test_hostile_values_to_every_command_at_ten_times_the_size(world, caplog):
    _assert_clean(await fuzz(world, SLOW_ROUNDS, caplog))
