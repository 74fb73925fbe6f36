"""Episode-discussion threads: opened on release, exactly once, indexed and moderated.

Public interface (cogs and other services use only these):

- :func:`open_episodes`, :func:`close_episode`, :func:`reopen_episode`
- :func:`plan_discussions` (schedule openings; check permissions ahead), :func:`plan_all`
- :func:`channel_problems` (what the bot would lack in a candidate channel)
- :func:`refresh_after_rating` (the index shows members' average ratings)
- :func:`reopen_after_downtime` (start-up), :data:`TIMER_KIND`, :func:`timer_key`
- :class:`DiscussionError` (a :class:`~bot.ui.errors.UserFacingError`; permanent for a timer)
"""

from ._channel import DiscussionError, archive_duration
from ._index import refresh_after_forget, refresh_after_rating
from ._opener import (
    Opened,
    close_episode,
    load_show,
    open_episodes,
    recorded,
    reopen_episode,
    require_episode,
)
from ._plan import (
    TIMER_KIND,
    channel_problems,
    check_ahead,
    describe,
    plan_all,
    plan_discussions,
    reopen_after_downtime,
    timer_key,
)

__all__ = [
    "TIMER_KIND",
    "DiscussionError",
    "Opened",
    "archive_duration",
    "channel_problems",
    "check_ahead",
    "close_episode",
    "describe",
    "load_show",
    "open_episodes",
    "plan_all",
    "plan_discussions",
    "recorded",
    "refresh_after_forget",
    "refresh_after_rating",
    "reopen_after_downtime",
    "reopen_episode",
    "require_episode",
    "timer_key",
]
