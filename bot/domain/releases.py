"""When each episode's release is announced: pure, no discord, no SQL.

An episode is announced when it becomes watchable: its release plus the server's
watchable delay. A day-precision release starts at local midnight of its day, so its
announcement goes out at the watchable time of that local day and never names an hour.
Coarser releases (a month, a year) have no instant to announce at.

Double drops (episodes released at the same instant) are one announcement naming both
when the server combines them, else one each.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from bot.domain.release import Precision, Release


@dataclass(frozen=True, slots=True)
class PlannedRelease:
    """One release announcement: the episodes it names, when, or why it is skipped."""

    episodes: tuple[int, ...]
    due: int
    skipped: str | None = None  # "precision" (no day known) or "past" (beyond catch-up)

    @property
    def key_part(self) -> str:
        """``3`` or ``3+4``: how the announcement is told apart from the show's others."""
        return "+".join(str(n) for n in self.episodes)


def plan_releases(
    episodes: Iterable[tuple[int, Release | None]],
    *,
    delay: int,
    combine: bool,
    now: int,
    catchup: int,
    done: Collection[int] = (),
) -> list[PlannedRelease]:
    """Every episode's announcement, by due instant then episode.

    ``done`` are the episodes already announced (or being announced): they are left
    out, so toggling *combine double drops* after one half of a double drop went out
    never announces that half twice. An announcement due longer ago than ``catchup``
    is skipped as "past": the scheduler would only mark it missed.
    """
    skipped: list[PlannedRelease] = []
    by_due: dict[int, list[int]] = {}
    for number, release in sorted(episodes, key=lambda e: e[0]):
        if number in done:
            continue
        if release is None or not release.at_least(Precision.DAY):
            skipped.append(
                PlannedRelease((number,), 0 if release is None else release.at, "precision")
            )
            continue
        by_due.setdefault(release.at + delay, []).append(number)
    planned: list[PlannedRelease] = []
    for due, numbers in by_due.items():
        groups = [tuple(numbers)] if combine else [(n,) for n in numbers]
        reason = "past" if due < now - catchup else None
        planned.extend(PlannedRelease(group, due, reason) for group in groups)
    planned.sort(key=lambda p: (p.due, p.episodes))
    return planned + skipped


def episodes_text(numbers: Sequence[int], joiner: str = " & ") -> str:
    """``3`` or ``3 & 4``: the episode numbers one announcement names."""
    ordered = sorted(numbers)
    if len(ordered) <= 1:
        return "".join(str(n) for n in ordered)
    return ", ".join(str(n) for n in ordered[:-1]) + joiner + str(ordered[-1])
