"""One "Notify me" button: announcements send it, the cog's persistent item takes presses.

The look and custom_id are defined once (``announcer.notify_button``); the cog's
``NotifyMe`` wraps that same button and takes every custom_id an announcement can carry.
If either side grows its own copy again, these fail.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.cogs.announce._cog import NotifyMe
from bot.services import announcer

REPO = Path(__file__).resolve().parents[2]
MARKERS = [None, "0", "abc.123", "9z" * 20]
SHOWS = [None, "soundtrack-1", "a", "x" * 64, "x" * 99]


@pytest.mark.parametrize("marker", MARKERS)
@pytest.mark.parametrize("show", SHOWS)
async def test_every_custom_id_an_announcement_carries_is_a_press_the_cog_takes(marker, show):
    sent = announcer.notify_button("ko", marker=marker, show=show)
    match = NotifyMe.__discord_ui_compiled_template__.fullmatch(sent.custom_id)
    assert match is not None, sent.custom_id
    rebuilt = await NotifyMe.from_custom_id(None, sent, match)
    # The show rides along when it fits Discord's 100 characters, else the notify role.
    assert rebuilt.show == (show if show and "/" in sent.custom_id else None)
    again = rebuilt.item
    assert (again.emoji, again.style) == (sent.emoji, sent.style)
    assert again.custom_id == announcer.notify_custom_id(None, rebuilt.show)


def test_the_button_is_built_in_one_place():
    built = []
    for path in sorted((REPO / "bot").rglob("*.py")):
        text = path.read_text("utf-8")
        if re.search(r"kdrama:notify|announce\.notify_button|label=\"Notify", text):
            built.append(str(path.relative_to(REPO)))
    assert built == ["bot/services/announcer.py"]


def test_the_show_rides_along_only_within_discords_100_characters():
    """A press on an announcement follows its show only if the show fits the custom_id
    (Discord refuses a longer one); the marker is the sending timer's, or none."""
    marker = "kb1.abc"  # "kdrama:notify:kb1.abc" is 21 characters
    assert announcer.notify_custom_id(marker, "s" * 78) == f"kdrama:notify:kb1.abc/{'s' * 78}"
    assert len(announcer.notify_custom_id(marker, "s" * 78)) == 100
    assert announcer.notify_custom_id(marker, "s" * 79) == "kdrama:notify:kb1.abc"
    assert announcer.notify_custom_id(marker, None) == "kdrama:notify:kb1.abc"
    assert announcer.notify_custom_id(None, "soundtrack-1") == "kdrama:notify/soundtrack-1"
    assert announcer.notify_custom_id() == "kdrama:notify"
    # Two timers' buttons for one show never read the same.
    assert announcer.notify_custom_id("kb1.abc", "x") != announcer.notify_custom_id("kb2.abc", "x")
