"""Every member command, as a member sees it, on SQLite and on PostgreSQL.

The command tests run on SQLite; the store tests run on both, but below the commands.
A statement one dialect rejects shows only when a command runs it: `/character` without
a show failed on PostgreSQL 15 alone, and only a benchmark found it. Here each member
command (and its autocomplete) runs once per backend and must show the same stated
words on each, with no error. Dropping the one PostgreSQL spelling of the cards' JSON
(``postgres_json``) fails the PostgreSQL half.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

SHOW = "soundtrack-1"

# (command, options, what the member must see); the same on both backends.
COMMANDS: list[tuple[str, dict[str, object], str]] = [
    ("show", {}, "Soundtrack #1"),
    ("show", {"show": "Soundtrack #1"}, "Disney+"),
    ("cast", {}, "**Park Hyung-sik** as Han Sun-woo"),
    ("cast", {"person": "Han So-hee"}, "Lee Eun-soo"),
    ("character", {"name": "Han Sun-woo"}, "Park Hyung-sik"),
    ("character", {"name": "Lee Eun-soo", "show": SHOW}, "Han So-hee"),
    ("crew", {}, "Kim Hee-won"),
    ("plot", {}, "Two longtime friends and music lovers"),
    ("episodes", {}, "Episode 4"),
    ("trailer", {}, "Trailer"),
    ("search", {"query": "sun-woo"}, "Han Sun-woo"),
    ("countdown", {}, "Soundtrack #1"),
    ("watched", {"show": SHOW, "episode": 2}, "2"),
    ("plot", {"episode": 3}, "No synopsis of this episode has been reported yet."),
    ("rate", {"show": SHOW, "episode": 1, "stars": 5}, "episode 1 ★★★★★"),
    ("privacy show", {}, "watched up to episode 2"),
    ("notify", {"show": SHOW}, "Soundtrack #1"),
    ("discussion link", {}, "No discussion of Soundtrack #1 has opened yet."),
]


@pytest.fixture
def start_time() -> datetime:
    """After the last episode: everything can be rated and discussed."""
    return datetime(2022, 5, 2, 12, 0, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "postgresql"])
def store_target(request: pytest.FixtureRequest, db_path: Path) -> str:
    """The member's bot on SQLite, then on PostgreSQL (skipped without its binaries)."""
    if request.param == "sqlite":
        return str(db_path)
    return str(request.getfixturevalue("pg_url"))


def _seen(result) -> str:
    """Everything the member sees in the answer: its text and every embed's words."""
    message = result.followups[-1] if result.followups else result.response
    parts = [message.content or ""]
    for embed in message.embeds:
        parts += [embed.title or "", embed.description or ""]
        parts += [f"{field.name}\n{field.value}" for field in embed.fields]
        parts.append(embed.footer.text or "")
    return "\n".join(parts)


async def test_every_member_command_answers_alike_on_each_backend(world) -> None:
    for command, options, expected in COMMANDS:
        result = await world.member.slash(world.general, command, **options)
        text = _seen(result)
        assert "went wrong" not in text, (command, options, text)
        assert expected in text, (command, options, text)
    assert world.env.errors == []
    # The one refusal is the answer expected: no discussion has opened in this server.
    assert [refusal.key for refusal in world.refusals] == ["discussion.reply.none_yet"]


@pytest.mark.parametrize(
    ("command", "option", "typed", "expected"),
    [
        ("character", "name", "Seon", "Han Sun-woo (Han Seon-woo)"),
        ("cast", "person", "so-h", "Han So-hee"),
        ("show", "show", "sound", "Soundtrack #1"),
    ],
)
async def test_autocomplete_suggests_alike_on_each_backend(
    world, command, option, typed, expected
) -> None:
    choices = await world.member.autocomplete(world.general, command, option, typed)
    assert expected in [choice["name"] for choice in choices]
    assert world.env.errors == []
