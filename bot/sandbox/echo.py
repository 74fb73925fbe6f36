"""The terminal's view of what the one-channel page cannot show.

The page presents a single channel. Everything else the bot does in the demo guild
(an announcement in #announcements, a discussion thread in the forum, a note in
#mod-log, a scheduled event) is written to the terminal as it happens.

It listens to SimCord's backend rather than to the bot's gateway events: the bot keeps
its production intents (no message events), and the echo also sees what the sandbox's
people post, exactly as a member scrolling the other channels would.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from bot.domain.timeexpr import DEFAULT_ZONE, zone

KST = zone(DEFAULT_ZONE)
_PREVIEW_LENGTH = 120


def _one_line(text: str, limit: int = _PREVIEW_LENGTH) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def summarize_message(payload: Mapping[str, Any]) -> str:
    """Content (one line, trimmed) plus the titles of any embeds and the buttons' labels."""
    parts: list[str] = []
    if payload.get("content"):
        parts.append(_one_line(str(payload["content"])))
    for embed in payload.get("embeds") or ():
        title = embed.get("title") or embed.get("description") or "(embed)"
        parts.append(f"[embed: {_one_line(str(title), 80)}]")
    labels = [
        str(item.get("label"))
        for row in payload.get("components") or ()
        for item in row.get("components") or ()
        if item.get("label")
    ]
    if labels:
        parts.append("[buttons: " + ", ".join(labels) + "]")
    return " ".join(parts) or "(no text)"


class Echo:
    """A SimCord backend subscriber that prints other-channel activity as one line each.

    ``shown_channel_id`` is the channel the page presents (not echoed); ``clock``
    gives the bot's "now" for the time stamp; ``write`` prints (tests collect instead).
    """

    def __init__(
        self,
        *,
        names: Callable[[int], str | None],
        clock: Callable[[], datetime],
        write: Callable[[str], None] = print,
        shown_channel_id: int | None = None,
    ) -> None:
        self.lines: list[str] = []
        self.shown_channel_id = shown_channel_id
        self._names = names
        self._clock = clock
        self.write = write
        self._threads: dict[int, tuple[str, int | None]] = {}

    def _channel(self, channel_id: int) -> str:
        if channel_id in self._threads:
            name, parent = self._threads[channel_id]
            return f"{self._channel(parent)} › {name}" if parent else name
        label = self._names(channel_id)
        return f"#{label}" if label else f"channel {channel_id}"

    def _emit(self, text: str) -> None:
        stamp = self._clock().astimezone(KST).strftime("%Y-%m-%d %H:%M KST")
        line = f"[{stamp}] {text}"
        self.lines.append(line)
        self.write(line)

    def __call__(self, event: str, payload: Mapping[str, Any]) -> None:
        """Called synchronously by SimCord for every event it emits."""
        try:
            self._handle(event, payload)
        except Exception as exc:  # the echo must never break the simulated Discord
            self.write(f"(sandbox echo could not describe {event}: {exc!r})")

    def _handle(self, event: str, payload: Mapping[str, Any]) -> None:
        if event == "THREAD_CREATE":
            parent = int(payload["parent_id"]) if payload.get("parent_id") else None
            self._threads[int(payload["id"])] = (str(payload.get("name")), parent)
            where = f" in {self._channel(parent)}" if parent else ""
            self._emit(f"opened thread “{payload.get('name')}”{where}")
        elif event == "MESSAGE_CREATE":
            channel_id = int(payload["channel_id"])
            if channel_id == self.shown_channel_id or payload.get("type") == 18:
                return  # on the page already / the "started a thread" notice
            author = (payload.get("author") or {}).get("username", "someone")
            self._emit(
                f"{author} posted in {self._channel(channel_id)}: {summarize_message(payload)}"
            )
        elif event == "GUILD_SCHEDULED_EVENT_CREATE":
            self._emit(f"created the server event “{payload.get('name')}”")
        elif event == "GUILD_SCHEDULED_EVENT_UPDATE":
            self._emit(f"updated the server event “{payload.get('name')}”")
