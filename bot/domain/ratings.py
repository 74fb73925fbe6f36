"""Episode ratings: when an episode may be rated and when an average is worth showing.

Pure: no discord, no SQL.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.release import Precision, Release

STARS = range(1, 6)
# An average of one or two ratings says more about those members than about the episode.
MIN_RATINGS = 3


@dataclass(frozen=True, slots=True)
class RatingSummary:
    """An episode's ratings: their sum and count (the average is computed, not stored)."""

    total: int
    count: int

    @property
    def average(self) -> float:
        """The mean stars (0 with no ratings)."""
        return self.total / self.count if self.count else 0.0

    @property
    def shown(self) -> bool:
        """Whether enough members rated for the average to be shown."""
        return self.count >= MIN_RATINGS


def released(release: Release | None, now: int) -> bool:
    """Whether the episode is surely out by ``now``.

    To the day or minute: from its start. Known only to the month or year: once that
    period is over, since it may come out on its last day.
    """
    if release is None:
        return False
    start = release.at if release.at_least(Precision.DAY) else release.end()
    return now >= start


def stars_text(summary: RatingSummary) -> str:
    """``★ 4.3 (5)``: the average to one decimal and how many rated."""
    return f"★ {summary.average:.1f} ({summary.count})"
