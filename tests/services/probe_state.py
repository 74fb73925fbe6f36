"""What the test-only timer probe extension records (a plain module: discord.py loads
extensions as fresh module objects, so state shared with tests cannot live in one)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Probe:
    """What the handler saw, and how it should fail."""

    calls: list[tuple[str, bool, int]] = field(default_factory=list)
    failures: list[tuple[str, str]] = field(default_factory=list)
    fail: Callable[[object], Exception | None] | None = None
    # Keys whose handler hangs for a (virtual) year: mid-send when the bot goes down.
    hold: set[str] = field(default_factory=set)
    # Keys whose handler takes this many (virtual) seconds before it succeeds.
    slow: dict[str, float] = field(default_factory=dict)
    # What the handler returns for these keys (default: "result-<key>").
    results: dict[str, str | None] = field(default_factory=dict)


PROBE = Probe()
