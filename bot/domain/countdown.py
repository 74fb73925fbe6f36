"""The default countdown plan: which announcements a premiere gets, and when.

Pure: no discord, no SQL. A stage needs the premiere known at least as precisely as
its own offset (no "1 hour to go" for a day-precision date); a month-precision
premiere only gets a "coming this month" notice.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.release import Precision, Release

DAY = 86400
HOUR = 3600


@dataclass(frozen=True, slots=True)
class StageSpec:
    """One stage of the default plan."""

    name: str
    before: int  # seconds before the premiere
    needs: Precision
    minor: bool  # sent silently (SUPPRESS_NOTIFICATIONS)


DEFAULT_PLAN: tuple[StageSpec, ...] = (
    StageSpec("D-30", 30 * DAY, Precision.DAY, minor=True),
    StageSpec("D-7", 7 * DAY, Precision.DAY, minor=False),
    StageSpec("D-3", 3 * DAY, Precision.DAY, minor=True),
    StageSpec("D-1", 1 * DAY, Precision.DAY, minor=False),
    StageSpec("H-1", 1 * HOUR, Precision.MINUTE, minor=False),
    StageSpec("premiere", 0, Precision.DAY, minor=False),
)
MONTH_NOTICE = StageSpec("month", 0, Precision.MONTH, minor=False)
STAGE_NAMES = (*tuple(s.name for s in DEFAULT_PLAN), MONTH_NOTICE.name)


@dataclass(frozen=True, slots=True)
class PlannedStage:
    """A stage with its instant, or the reason it will not be sent."""

    name: str
    due: int
    minor: bool
    skipped: str | None = None  # "precision" or "past"


def plan_stages(premiere: Release, now: int) -> list[PlannedStage]:
    """Every stage of the default plan for ``premiere``, each due or skipped with a reason."""
    if premiere.precision is Precision.YEAR:
        return [
            PlannedStage(s.name, premiere.at - s.before, s.minor, "precision") for s in DEFAULT_PLAN
        ]
    if premiere.precision is Precision.MONTH:
        skipped = [
            PlannedStage(s.name, premiere.at - s.before, s.minor, "precision") for s in DEFAULT_PLAN
        ]
        notice = PlannedStage(
            MONTH_NOTICE.name, premiere.at, False, "past" if premiere.at <= now else None
        )
        return [notice, *skipped]
    stages: list[PlannedStage] = []
    for spec in DEFAULT_PLAN:
        due = premiere.at - spec.before
        if not premiere.at_least(spec.needs):
            reason: str | None = "precision"
        elif due <= now:
            reason = "past"
        else:
            reason = None
        stages.append(PlannedStage(spec.name, due, spec.minor, reason))
    return stages


@dataclass(frozen=True, slots=True)
class Milestones:
    """What ``/countdown`` says: a release whose day is today, then the next one ahead.

    ``today`` and ``ahead`` name a release by episode number, 0 standing for the premiere.
    """

    today: tuple[int, Release] | None
    ahead: tuple[int, Release] | None


def milestones(premiere: Release, episodes: list[tuple[int, Release]], now: int) -> Milestones:
    """The release "out today" (a day-precision release whose local day holds ``now``) and
    the first release still ahead, episode 1 being the premiere itself.

    A day-precision release counts as "today" for its whole day rather than as passed at
    midnight: "premiered March 23 (17 hours ago)" on the premiere's own day was wrong.
    """
    # Episode 1's release is the premiere's (perhaps known more precisely): one milestone.
    releases = [(0, premiere)] + [
        (n, r) for n, r in episodes if n != 1 or not _overlap(r, premiere)
    ]
    releases.sort(key=lambda item: (item[1].at, item[0]))
    today = next(
        (
            item
            for item in releases
            if item[1].precision is Precision.DAY and item[1].at <= now < item[1].end()
        ),
        None,
    )
    ahead = next((item for item in releases if item[1].at > now), None)
    return Milestones(today, ahead)


def _overlap(a: Release, b: Release) -> bool:
    return a.at < b.end() and b.at < a.end()
