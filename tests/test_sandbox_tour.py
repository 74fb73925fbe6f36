"""The README's sandbox tour, played exactly as written, and what the page counts as failure."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path

import pytest

from bot.sandbox.prompt import execute
from bot.sandbox.world import DEFAULT_START, sandbox_world

README = Path(__file__).resolve().parents[1] / "README.md"


def tour_steps() -> list[tuple[str, list[str]]]:
    """Each numbered step of the README's "A short tour": (its text, its `code` spans)."""
    text = README.read_text("utf-8")
    tour = text[text.index("A short tour:") :]
    tour = tour[: tour.index("\n\n", tour.index("1. "))]
    steps = re.split(r"\n(?=\d\. )", tour[tour.index("1. ") :])
    return [(step, re.findall(r"`([^`]+)`", step)) for step in steps]


def slash_call(span: str) -> tuple[str, dict[str, str]]:
    """``/announce add show:x when:2022-03-23 17:00 KST text:…`` → ("announce add", {...})."""
    head, _, rest = span[1:].partition(" ")
    parts = re.split(r"(?:^|\s)([a-z_]+):", " " + rest if rest else "")
    name_words = [head]
    if parts and parts[0].strip():  # a subcommand before the first option
        name_words.append(parts[0].strip())
    options = {parts[i]: parts[i + 1].strip() for i in range(1, len(parts) - 1, 2)}
    return " ".join(name_words), options


@pytest.fixture
def terminal() -> list[str]:
    return []


@pytest.fixture
async def sandbox(tmp_path: Path, terminal: list[str]):
    async with sandbox_world(database=tmp_path / "tour.sqlite3", write=terminal.append) as sb:
        yield sb


def text_of(message) -> str:
    return (message.content or "") + "".join(
        f"{e.title} {e.description} " + " ".join(f"{f.name} {f.value}" for f in e.fields)
        for e in message.embeds
    )


ACTORS = {"minji": "member", "mod_hana": "moderator", "admin_joon": "admin"}


async def play_commands(sandbox, steps) -> None:
    """Every step that runs slash commands, as written: who runs them, then Confirm."""
    for text, spans in steps:
        who = re.match(r"\d\. As (\w+),", text)
        if who is None:
            continue
        actor = getattr(sandbox, ACTORS[who[1]])
        for span in (s for s in spans if s.startswith("/")):
            name, options = slash_call(span)
            result = await actor.slash(sandbox.general, name, **options)
            assert "went wrong" not in text_of(result.response), span
            assert not sandbox.env.errors, span
        if "press Confirm" in text:
            await actor.click(result.response, label="Confirm")


def terminal_step(steps) -> tuple[str, list[str]]:
    return next((text, spans) for text, spans in steps if "In the terminal" in text)


async def test_the_readme_tour_works_exactly_as_written(sandbox, terminal):
    steps = tour_steps()
    first = steps[0][1]
    assert first[:3] == ["/show", "/cast", "/character name:Han Seon-woo"]
    await play_commands(sandbox, steps)
    text, spans = terminal_step(steps)
    assert sandbox.announcements.last_message is None
    await execute(sandbox, next(span for span in spans if span.startswith("advance-to")))
    # Everything due at the very instant of the jump has posted: no extra `advance 1s`.
    posted = [text_of(m) for m in sandbox.announcements.history()]
    assert any("…" in p for p in posted), posted  # the announcement of step 2
    threads = [t.name for t in sandbox.discussion.threads]
    assert "[Spoilers] Soundtrack #1 — Episode 1 discussion" in threads
    assert any("posted in #announcements" in line for line in terminal)
    assert any("opened thread" in line and "Episode 1 discussion" in line for line in terminal)
    more = re.search(r"`(advance [^`]+)` three times more", text)
    if more:
        for _ in range(3):
            await execute(sandbox, more[1])
        threads = " | ".join(t.name for t in sandbox.discussion.threads)
        for n in (2, 3, 4):
            assert f"[Spoilers] Soundtrack #1 — Episode {n} discussion" in threads
        releases = [text_of(m) for m in sandbox.announcements.history()]
        for n in (1, 2, 3, 4):  # "each announced once"
            assert sum(f"Episode {n} is out" in p for p in releases) == 1, releases


async def test_the_tours_page_variant_sandbox_time_to_fires_the_announcement_too(sandbox):
    steps = tour_steps()
    await play_commands(sandbox, steps)
    _, spans = terminal_step(steps)
    assert "/sandbox-time to" in spans
    result = await sandbox.member.slash(
        sandbox.general, "sandbox-time to", when="2022-03-23 17:00 KST"
    )
    assert result.ephemeral
    await execute(sandbox, sandbox.requests.get_nowait())
    assert any("…" in text_of(m) for m in sandbox.announcements.history())


@pytest.mark.parametrize("due", ["2022-03-23 01:00 KST", "2022-03-24 17:00 KST"])
async def test_a_jump_fires_a_timer_due_exactly_at_its_target_after_others_fired(sandbox, due):
    shown = await sandbox.moderator.slash(
        sandbox.general, "announce add", show="soundtrack-1", when=due, text="on the dot"
    )
    await sandbox.moderator.click(shown.response, label="Confirm")
    await execute(sandbox, f"advance-to {due}")
    assert sandbox.announcements.last_message is not None
    assert "on the dot" in sandbox.announcements.last_message.content


async def test_a_jump_fires_what_is_due_on_the_way_in_order(sandbox):
    for when, text in [("2022-03-10 12:00 KST", "first"), ("2022-03-05 12:00 KST", "second")]:
        shown = await sandbox.moderator.slash(
            sandbox.general, "announce add", show="soundtrack-1", when=when, text=text
        )
        await sandbox.moderator.click(shown.response, label="Confirm")
    await execute(sandbox, "advance-to 2022-03-10 12:00 KST")
    posted = [m.content for m in sandbox.announcements.history()]
    assert [("second" in p, "first" in p) for p in posted] == [(True, False), (False, True)]


# --- an answered refusal is an answered interaction --------------------------------------


@pytest.mark.parametrize(
    ("who", "command", "options", "says"),
    [
        (
            "moderator",
            "announce add",
            {"show": "soundtrack-1", "when": "yesterday", "text": "x"},
            "yesterday",
        ),
        ("member", "character", {"name": "Nobody At All"}, ""),
        ("member", "show", {"show": "no-such-show"}, ""),
        ("member", "cast", {"show": "soundtrack-1", "person": "Zzyzx Qwerty"}, ""),
    ],
)
async def test_a_refused_command_is_answered_without_counting_as_a_bot_failure(
    sandbox, who, command, options, says
):
    # SimCord's preview page marks an action failed ("Action outcome uncertain", the red
    # "The bot action failed" badge) exactly when Env.errors grew during it
    # (simcord/preview/_actions.py, _finish_action). A refusal must not grow it.
    before = sandbox.env.error_cursor
    result = await getattr(sandbox, who).slash(sandbox.general, command, **options)
    assert result.ephemeral
    assert says.lower() in result.response.content.lower()
    assert "went wrong" not in result.response.content
    assert sandbox.env.errors_since(before) == ()


async def test_a_refusal_from_a_button_is_answered_without_counting_as_a_bot_failure(sandbox):
    # The same rule for a press: Confirm after the preview's time has passed is refused
    # (answered privately), and the page must not mark the press as a failed action.
    shown = await sandbox.moderator.slash(
        sandbox.general, "announce add", show="soundtrack-1", when="in 2m", text="soon"
    )
    await execute(sandbox, "advance 3m")
    before = sandbox.env.error_cursor
    pressed = await sandbox.moderator.click(shown.response, label="Confirm")
    told = (pressed.followups or [pressed.response])[-1]
    assert told.content.startswith("That time has passed")
    assert sandbox.env.errors_since(before) == ()


async def test_a_real_bug_still_counts_as_a_failure(sandbox):
    import discord
    from discord import app_commands

    async def broken(interaction: discord.Interaction) -> None:
        raise ZeroDivisionError("a bug")

    command = app_commands.Command(name="broken", description="x", callback=broken)
    sandbox.bot.tree.add_command(command)
    await sandbox.bot.tree.sync()
    before = sandbox.env.error_cursor
    result = await sandbox.member.slash(sandbox.general, "broken")
    assert result.response.content.startswith("Something went wrong")
    assert len(sandbox.env.errors_since(before)) == 1


# --- viewers the README promises -----------------------------------------------------------


async def test_the_korean_viewer_gets_korean_replies(sandbox):
    korean = await sandbox.korean_member.slash(sandbox.general, "ping")
    english = await sandbox.member.slash(sandbox.general, "ping")
    assert korean.response.content != english.response.content
    assert any("\uac00" <= ch <= "\ud7a3" for ch in korean.response.content)  # Hangul


async def test_the_page_shows_a_viewers_own_time_in_a_zone_other_than_koreas(sandbox):
    pytest.importorskip("aiohttp")
    preview = await sandbox.open_preview()
    profile = (await preview.snapshot())["profile"]
    assert profile["timezone"] not in ("Asia/Seoul", "UTC")
    snapshot = await preview.snapshot()
    assert {"jiwoo", "sam_london", "minji"} <= set(json.dumps(snapshot["viewers"]).split('"'))


async def test_a_kept_database_resumes_at_its_stored_time(tmp_path: Path):
    path = tmp_path / "kept.sqlite3"
    async with sandbox_world(database=path, write=lambda _: None) as first:
        await execute(first, "advance-to 2022-03-10 12:00 KST")
        stopped_at = first.now()
    async with sandbox_world(database=path, write=lambda _: None) as again:
        assert again.now() >= stopped_at
        assert again.now() - stopped_at < timedelta(minutes=1)
    async with sandbox_world(database=tmp_path / "new.sqlite3", write=lambda _: None) as fresh:
        assert fresh.now() == DEFAULT_START
