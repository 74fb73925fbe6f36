"""``kdrama-bot sandbox``: the real bot in SimCord, its time prompt and its terminal echo."""

from __future__ import annotations

import asyncio
import io
import logging
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import discord
import pytest
from discord import app_commands
from hypothesis import given
from hypothesis import strategies as st

from bot.cli.main import main
from bot.sandbox.echo import Echo
from bot.sandbox.prompt import (
    MAX_ADVANCE,
    Advance,
    PromptError,
    Quit,
    Show,
    execute,
    parse_command,
)
from bot.sandbox.world import DEFAULT_START, PAGE_TIMEZONE, sandbox_world
from bot.store.guilds import get_settings

KST = ZoneInfo("Asia/Seoul")
NOW = datetime(2022, 3, 1, 9, 0, tzinfo=KST)


@pytest.fixture
def terminal() -> list[str]:
    """Every line the sandbox writes to the terminal (echo and prompt answers)."""
    return []


@pytest.fixture
async def sandbox(tmp_path: Path, terminal: list[str]):
    """A running sandbox on a temporary database, writing to ``terminal``."""
    async with sandbox_world(database=tmp_path / "sandbox.sqlite3", write=terminal.append) as sb:
        yield sb


# --- the world ---------------------------------------------------------------------


async def test_sandbox_starts_three_weeks_before_the_premiere_in_korea_time(sandbox):
    assert sandbox.now() == DEFAULT_START
    assert sandbox.bot.clock.now() == datetime(2022, 3, 1, 0, 0, tzinfo=UTC)


async def test_member_runs_a_slash_command_in_the_sandbox(sandbox):
    result = await sandbox.member.slash(sandbox.general, "ping")
    assert result.ephemeral
    assert "Pong" in result.response.content


async def test_member_sees_the_bundled_show(sandbox):
    assert "show" in sandbox.member.available_commands(sandbox.general)
    result = await sandbox.member.slash(sandbox.general, "show")
    (card,) = result.response.embeds
    assert card.title == "Soundtrack #1"
    assert card.description.startswith("A music drama about two best friends")


async def test_a_bot_error_is_logged_with_its_traceback_and_the_user_gets_the_bots_message(
    sandbox, caplog
):
    async def broken(interaction: discord.Interaction) -> None:
        raise ZeroDivisionError("a bug in a command")

    sandbox.bot.tree.add_command(
        app_commands.Command(name="broken", description="x", callback=broken)
    )
    await sandbox.bot.tree.sync()
    result = await sandbox.member.slash(sandbox.general, "broken")
    assert result.ephemeral
    assert result.response.content.startswith("Something went wrong on my side")
    assert "ZeroDivisionError" not in result.response.content
    logged = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert logged[-1].exc_info[0] is ZeroDivisionError  # the terminal shows the traceback


async def test_every_feature_setting_is_filled_in_for_the_demo_guild(sandbox):
    settings = await get_settings(sandbox.bot.db, sandbox.guild.id)
    assert settings.announce_channel_id == sandbox.announcements.id
    assert settings.discussion_channel_id == sandbox.discussion.id
    assert settings.log_channel_id == sandbox.log.id
    assert settings.notify_role_id == sandbox.notify_role.id
    assert settings.moderator_role_id == sandbox.moderator_role.id
    assert settings.admin_role_id == sandbox.admin_role.id
    assert settings.default_show == "soundtrack-1"  # the bundled show, seeded at start-up


async def test_the_page_is_served_on_loopback_only(sandbox):
    aiohttp = pytest.importorskip("aiohttp")
    preview = await sandbox.open_preview()
    assert preview.url.startswith("http://127.0.0.1:")
    async with aiohttp.ClientSession() as http, http.get(preview.url.split("#")[0]) as page:
        assert page.status == 200
        assert "<html" in (await page.text()).lower()


async def test_the_page_renders_times_against_the_sandbox_clock_after_advancing(sandbox):
    pytest.importorskip("aiohttp")
    preview = await sandbox.open_preview()
    await execute(sandbox, "advance 7d")
    profile = (await preview.snapshot())["profile"]
    assert datetime.fromisoformat(profile["presentationTime"]) == DEFAULT_START + timedelta(days=7)
    assert profile["timezone"] == PAGE_TIMEZONE  # a viewer's own zone, not the server's


async def test_leaving_the_sandbox_unloads_cogs_and_closes_the_store(tmp_path: Path):
    async with sandbox_world(database=tmp_path / "kept.sqlite3", write=lambda _: None) as sb:
        assert sb.bot.extensions
    assert not sb.bot.extensions
    with pytest.raises(RuntimeError, match="store is not open"):
        await sb.bot.db.fetchval("SELECT 1")
    assert (tmp_path / "kept.sqlite3").exists()  # --database keeps the file


# --- the echo ----------------------------------------------------------------------


async def test_a_post_in_another_channel_is_echoed_in_the_terminal(sandbox):
    await sandbox.moderator.send(sandbox.announcements, "Watch party on Friday!")
    await sandbox.member.send(sandbox.general, "hi all")  # on the page: not echoed
    assert sandbox.echo.lines == [
        "[2022-03-01 09:00 KST] mod_hana posted in #announcements: Watch party on Friday!"
    ]


async def test_echo_stamps_lines_with_the_sandbox_time_after_advancing(sandbox):
    await execute(sandbox, "advance 2h")
    await sandbox.moderator.send(sandbox.log, "checked the schedule")
    assert sandbox.echo.lines[-1].startswith("[2022-03-01 11:00 KST] mod_hana posted in #mod-log")


async def test_a_scheduled_announcement_fires_while_advancing_and_is_echoed(sandbox):
    shown = await sandbox.moderator.slash(
        sandbox.general,
        "announce add",
        show="soundtrack-1",
        when="2022-03-01 12:00 KST",
        text="Three weeks to go: rewatch the trailer!",
    )
    await sandbox.moderator.click(shown.response, label="Confirm")
    assert sandbox.announcements.last_message is None
    await execute(sandbox, "advance-to 2022-03-01 12:05 KST")
    assert "Three weeks to go" in sandbox.announcements.last_message.content
    assert any(
        "posted in #announcements: " in line and "Three weeks to go" in line
        for line in sandbox.echo.lines
    )


async def test_the_first_episode_discussion_opens_when_the_premiere_passes(sandbox):
    await execute(sandbox, "advance-to 2022-03-23 00:05 KST")
    threads = [t.name for t in sandbox.discussion.threads]
    assert "[Spoilers] Soundtrack #1 — Episode 1 discussion" in threads
    assert any("Episode 1 discussion" in line for line in sandbox.echo.lines)
    assert not any("Could not open" in line for line in sandbox.echo.lines)


async def test_four_weeks_of_the_sandbox_announce_each_episode_once_linked_with_its_poll(sandbox):
    shown = await sandbox.moderator.slash(sandbox.general, "announce plan", show="soundtrack-1")
    await sandbox.moderator.click(shown.response, label="Confirm")
    await execute(sandbox, "advance-to 2022-04-13 00:05 KST")
    for number in range(1, 5):
        echoed = [line for line in sandbox.echo.lines if f"Episode {number} is out on" in line]
        assert len(echoed) == 1, number
        assert "posted in #announcements" in echoed[0]
    posts = [m for m in sandbox.announcements.history() if "is out on Disney+" in m.content]
    assert len(posts) == 4
    threads = {t.name: t for t in sandbox.discussion.threads}
    for number, post in enumerate(posts, start=1):
        name = f"[Spoilers] Soundtrack #1 — Episode {number} discussion"
        thread = threads[name + (" — Finale" if number == 4 else "")]
        assert str(thread.id) in post.content
        polls = [m.poll for m in thread.history() if m.poll is not None]
        assert [p.question for p in polls] == [f"How was episode {number}?"]


# --- the prompt, against a live sandbox ------------------------------------------------


async def test_advance_moves_the_bots_clock_and_says_the_new_time(sandbox, terminal):
    command = await execute(sandbox, "advance 7d")
    assert command == Advance(7 * 86400)
    assert sandbox.now() == DEFAULT_START + timedelta(days=7)
    assert terminal[-1] == "now: 2022-03-08 09:00 KST (Tue) = 2022-03-08 00:00 UTC"


async def test_advance_to_lands_on_the_korean_instant(sandbox):
    await execute(sandbox, "advance-to 2022-03-23 17:00 KST")
    assert sandbox.now() == datetime(2022, 3, 23, 17, 0, tzinfo=KST)


async def test_going_back_in_time_is_refused_with_one_line_and_time_stays(sandbox, terminal):
    await execute(sandbox, "advance 1d")
    assert await execute(sandbox, "advance-to 2022-03-01 10:00 KST") is None
    assert sandbox.now() == DEFAULT_START + timedelta(days=1)
    refusal = terminal[-1]
    assert refusal.startswith("! can't go back")
    assert "\n" not in refusal


async def test_bad_input_gets_one_clear_line_and_changes_nothing(sandbox, terminal):
    assert await execute(sandbox, "advance soon") is None
    assert terminal == ["! can't read 'soon' as a duration; try 7d, 2d 4h or 90m"]
    assert sandbox.now() == DEFAULT_START


async def test_page_time_command_queues_the_advance_for_the_terminal_loop(sandbox):
    result = await sandbox.member.slash(sandbox.general, "sandbox-time advance", by="7d")
    assert result.ephemeral
    assert "2022-03-08 09:00 KST" in result.response.content
    assert sandbox.now() == DEFAULT_START  # moving time is the loop's job, not the bot's
    await execute(sandbox, sandbox.requests.get_nowait())
    assert sandbox.now() == DEFAULT_START + timedelta(days=7)


async def test_page_time_command_refuses_bad_input_and_queues_nothing(sandbox):
    result = await sandbox.member.slash(sandbox.general, "sandbox-time to", when="2021-01-01")
    assert result.ephemeral
    assert result.response.content.startswith("can't go back")
    assert sandbox.requests.empty()


# --- the prompt's parser -----------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "seconds"),
    [
        ("advance 7d", 7 * 86400),
        ("advance 2d 4h", 2 * 86400 + 4 * 3600),
        ("advance 90m", 90 * 60),
        ("ADVANCE 1w", 7 * 86400),
        ("advance 1h30m", 5400),
        ("advance-to 2022-03-23 17:00 KST", 22 * 86400 + 8 * 3600),
        ("advance-to 2022-03-23 17:00 Asia/Seoul", 22 * 86400 + 8 * 3600),
        ("advance-to 2022-03-23 17:00", 22 * 86400 + 8 * 3600),  # no zone: Korea time
        ("advance-to 2022-03-23T17:00+09:00", 22 * 86400 + 8 * 3600),
        ("advance-to 2022-03-23 08:00 UTC", 22 * 86400 + 8 * 3600),
        ("advance-to 2022-03-23 17:00 +09:00", 22 * 86400 + 8 * 3600),
        ("advance-to 2022-03-02", 15 * 3600),  # a date alone: midnight in Korea
        # The one time grammar (bot.domain.timeexpr), as /announce add reads it:
        ("advance-to in 2d 4h", 2 * 86400 + 4 * 3600),
        ("advance-to 2022-03-01 10:00:30 kst", 3630),
        ("advance-to 2022-03-01T01:00Z", 3600),
        ("advance-to 2022-03-01 11:00 JST", 2 * 3600),
    ],
)
def test_prompt_reads_durations_and_instants(line: str, seconds: int):
    assert parse_command(line, NOW) == Advance(seconds)


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ("advance", "can't read"),
        ("advance 0m", "above zero"),
        ("advance 3 days", "can't read"),
        ("advance 400d", "more than 366 days"),
        ("advance-to", "needs an instant"),
        ("advance-to tomorrow", "can't read"),
        ("advance-to 2022-02-30 10:00 KST", "can't read"),
        ("advance-to 2022-03-23 17:00 Mars/Olympus", "unknown time zone"),
        ("advance-to 2022-03-23T17:00+09:00 KST", "zone once"),
        ("advance-to 2022-03-01 09:00 KST", "can't go back"),  # now is not the future
        ("advance-to 2021-12-25 12:00 KST", "can't go back"),
        ("warp 5", "unknown command"),
    ],
)
def test_prompt_refuses_bad_lines_with_a_clear_reason(line: str, says: str):
    with pytest.raises(PromptError, match=says) as raised:
        parse_command(line, NOW)
    assert "\n" not in str(raised.value)


def test_prompt_knows_now_help_and_quit():
    now = parse_command("now", NOW)
    assert now == Show("now: 2022-03-01 09:00 KST (Tue) = 2022-03-01 00:00 UTC")
    assert "advance-to" in parse_command("help", NOW).text
    assert parse_command("quit", NOW) == Quit()
    assert parse_command("   ", NOW) == Show("")


@given(st.text(max_size=60))
def test_prompt_parser_fails_only_with_its_own_clear_error(line: str):
    try:
        command = parse_command(line, NOW)
    except PromptError as exc:
        message = str(exc)
    else:
        message = "ok"
        if isinstance(command, Advance):
            assert 0 < command.seconds <= MAX_ADVANCE.total_seconds()
    assert message
    assert "\n" not in message


# --- the command -------------------------------------------------------------------


@pytest.fixture
def restore_logging():
    """main() sets up logging for a process; put the test process's back afterwards."""
    root, dpy = logging.getLogger(), logging.getLogger("discord")
    saved = (root.level, list(root.handlers), dpy.level)
    yield
    root.setLevel(saved[0])
    root.handlers[:] = saved[1]
    dpy.setLevel(saved[2])


@pytest.fixture
def run_sandbox(monkeypatch, capsys, restore_logging):
    """Run ``kdrama-bot sandbox`` with no token, ``stdin`` as the terminal; returns its output."""
    pytest.importorskip("aiohttp")
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)

    def run(stdin) -> str:
        monkeypatch.setattr("sys.stdin", stdin)
        assert main(["sandbox"]) == 0
        return capsys.readouterr().out

    return run


def test_sandbox_command_runs_without_a_token_and_stops_at_quit(run_sandbox):
    out = run_sandbox(io.StringIO("now\nadvance 1d\nquit\n"))
    assert "http://127.0.0.1:" in out
    assert "now: 2022-03-02 09:00 KST" in out
    assert out.rstrip().endswith("sandbox stopped")


def test_sandbox_command_stops_at_end_of_input(run_sandbox):
    assert run_sandbox(io.StringIO("")).rstrip().endswith("sandbox stopped")


def test_time_asked_for_on_the_page_moves_and_ending_the_session_stops(monkeypatch, run_sandbox):
    from bot.sandbox.world import Sandbox

    opened = Sandbox.open_preview

    async def open_then_end_soon(self, **kwargs):
        preview = await opened(self, **kwargs)
        self.requests.put_nowait("advance 1d")  # what /sandbox-time advance by:1d queues
        # What the page's "End preview session" button runs: Preview.close().
        asyncio.get_running_loop().call_later(0.2, lambda: asyncio.ensure_future(preview.close()))
        return preview

    monkeypatch.setattr(Sandbox, "open_preview", open_then_end_soon)
    read_end, write_end = os.pipe()  # a terminal nobody types into
    try:
        out = run_sandbox(os.fdopen(read_end))
    finally:
        os.close(write_end)  # lets the reader thread see the end of input and finish
    assert "(from the page) advance 1d" in out
    assert "now: 2022-03-02 09:00 KST" in out
    assert "the page ended the session" in out
    assert out.rstrip().endswith("sandbox stopped")


def test_echo_names_a_new_forum_thread_and_the_posts_inside_it():
    lines: list[str] = []
    echo = Echo(
        names={1: "discussion"}.get,
        clock=lambda: datetime(2022, 3, 23, 0, 0, tzinfo=KST),
        write=lines.append,
        shown_channel_id=9,
    )
    echo("THREAD_CREATE", {"id": "7", "parent_id": "1", "name": "Episode 1 discussion"})
    echo(
        "MESSAGE_CREATE",
        {
            "channel_id": "7",
            "author": {"username": "kdrama-bot"},
            "content": "Episode 1 is out.\nSpoilers stay in here.",
            "embeds": [{"title": "Soundtrack #1 — Episode 1"}],
        },
    )
    echo("MESSAGE_CREATE", {"channel_id": "9", "author": {"username": "minji"}, "content": "hi"})
    assert lines == [
        "[2022-03-23 00:00 KST] opened thread “Episode 1 discussion” in #discussion",
        "[2022-03-23 00:00 KST] kdrama-bot posted in #discussion › Episode 1 discussion: "
        "Episode 1 is out. Spoilers stay in here. [embed: Soundtrack #1 — Episode 1]",
    ]
