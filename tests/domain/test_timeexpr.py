"""The time-expression parser: forms, refusals, and properties."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.release import Precision, Release
from bot.domain.timeexpr import TimeExprError, check_window, parse_when

NOW = int(datetime(2022, 3, 1, 0, 0, tzinfo=UTC).timestamp())
KST_1800 = int(datetime(2022, 3, 23, 9, 0, tzinfo=UTC).timestamp())
DAY_PREMIERE = Release.parse("2022-03-23", "day")
MINUTE_PREMIERE = Release.parse("2022-03-23T18:00", "minute")


@pytest.mark.parametrize(
    "text",
    [
        "2022-03-23T18:00+09:00",
        "2022-03-23T09:00Z",
        "2022-03-23 18:00 KST",
        "2022-03-23 18:00 Asia/Seoul",
        "2022-03-23 18:00",  # the guild zone (Asia/Seoul here)
        "2022-03-23 09:00 UTC",
    ],
)
def test_absolute_forms_name_the_same_instant(text):
    assert parse_when(text, now=NOW, guild_tz="Asia/Seoul") == KST_1800


def test_relative_and_premiere_offsets():
    assert parse_when("in 3h", now=NOW) == NOW + 3 * 3600
    assert parse_when("in 2d 4h", now=NOW) == NOW + 2 * 86400 + 4 * 3600
    assert parse_when("D-3", now=NOW, premiere=DAY_PREMIERE) == DAY_PREMIERE.at - 3 * 86400
    assert parse_when("H-1", now=NOW, premiere=MINUTE_PREMIERE) == MINUTE_PREMIERE.at - 3600


@pytest.mark.parametrize(
    ("text", "premiere", "says"),
    [
        ("2022-02-30 18:00", None, "not a real date"),
        ("2022-03-23 18:00 Mars/Olympus", None, "nknown time zone"),
        ("H-1", DAY_PREMIERE, "needs an exact time"),
        ("D-1", None, "no premiere"),
        ("next tuesday", None, "could not read"),
        ("", None, "Say when"),
    ],
)
def test_refusals_say_why(text, premiere, says):
    with pytest.raises(TimeExprError, match=says):
        parse_when(text, now=NOW, premiere=premiere)


def test_window_refuses_past_and_more_than_a_year_ahead():
    with pytest.raises(TimeExprError, match="past"):
        check_window(NOW - 1, now=NOW)
    with pytest.raises(TimeExprError, match="more than a year"):
        check_window(NOW + 400 * 86400, now=NOW)
    check_window(NOW + 60, now=NOW)


@given(st.text(max_size=120))
def test_parser_raises_nothing_but_its_own_error(text):
    try:
        result = parse_when(text, now=NOW, guild_tz="Asia/Seoul", premiere=MINUTE_PREMIERE)
    except TimeExprError as exc:
        assert str(exc)  # noqa: PT017 - the property is "its own error, with a message"
    else:
        assert isinstance(result, int)


@given(
    st.datetimes(
        min_value=datetime(1971, 1, 2),
        max_value=datetime(9998, 12, 30),
        timezones=st.builds(
            lambda m: timezone(timedelta(minutes=m)), st.integers(-14 * 60, 14 * 60)
        ),
    ).map(lambda d: d.replace(microsecond=0))
)
def test_iso_instants_round_trip(moment):
    assert parse_when(moment.isoformat(), now=NOW) == int(moment.timestamp())


@given(st.integers(0, 9999), st.integers(0, 99), st.sampled_from(["D", "H", "d", "h"]))
def test_premiere_offsets_never_crash(amount, spaces, unit):
    text = f"{unit}{' ' * (spaces % 3)}-{amount}"
    assert parse_when(text, now=NOW, premiere=MINUTE_PREMIERE) <= MINUTE_PREMIERE.at


def test_precision_rank_is_what_offsets_rely_on():
    assert MINUTE_PREMIERE.at_least(Precision.DAY)


# --- the one time module: zones, durations, partial dates ---------------------------

from datetime import UTC as _UTC  # noqa: E402
from datetime import datetime as _dt  # noqa: E402

from bot.domain.timeexpr import (  # noqa: E402
    DEFAULT_ZONE,
    parse_duration,
    parse_partial,
    zone,
    zone_name,
)


@pytest.mark.parametrize(
    ("typed", "stored", "offset_hours"),
    [("KST", "Asia/Seoul", 9), ("jst", "Asia/Tokyo", 9), ("UTC", "UTC", 0), ("Z", "UTC", 0),
     ("+09:00", "+09:00", 9), ("-0530", "-05:30", -5.5), ("Asia/Seoul", "Asia/Seoul", 9),
     ("America/New_York", "America/New_York", -5)],
)  # fmt: skip
def test_one_zone_lookup_takes_abbreviations_offsets_and_iana_names(typed, stored, offset_hours):
    assert zone_name(typed) == stored
    winter = _dt(2022, 1, 10, 12, 0, tzinfo=zone(typed))
    assert winter.utcoffset().total_seconds() == offset_hours * 3600


@pytest.mark.parametrize("typed", ["Mars/Olympus", "", "+25:00", "../../etc/passwd", "x" * 300])
def test_unknown_zones_are_a_time_error(typed):
    with pytest.raises(TimeExprError, match="unknown time zone"):
        zone(typed)


def test_one_duration_grammar_has_weeks_to_seconds():
    assert parse_duration("1w 2d 3h 4m 5s") == 604800 + 2 * 86400 + 3 * 3600 + 4 * 60 + 5
    assert parse_duration("90m") == 5400
    for bad in ("", "soon", "3 hours", "0m", "1y"):
        with pytest.raises(TimeExprError):
            parse_duration(bad)
    # /announce add's relative times use the same grammar, seconds included.
    assert parse_when("in 1h 30s", now=NOW) == NOW + 3630


@pytest.mark.parametrize(
    ("typed", "precision", "local"),
    [("2022", "year", (2022, 1, 1, 0, 0)), ("2022-03", "month", (2022, 3, 1, 0, 0)),
     ("2022-03-23", "day", (2022, 3, 23, 0, 0)),
     ("2022-03-23 18:00", "minute", (2022, 3, 23, 18, 0)),
     ("2022-03-23T18:00", "minute", (2022, 3, 23, 18, 0))],
)  # fmt: skip
def test_partial_dates_infer_their_precision_in_the_default_zone(typed, precision, local):
    found = parse_partial(typed)
    assert (found.precision.value, found.tz) == (precision, DEFAULT_ZONE)
    assert found.at == int(_dt(*local, tzinfo=zone(DEFAULT_ZONE)).timestamp())


def test_a_partial_date_may_name_its_zone():
    found = parse_partial("2022-03-23 09:00 UTC", tz="Asia/Tokyo")
    assert (found.at, found.tz) == (int(_dt(2022, 3, 23, 9, 0, tzinfo=_UTC).timestamp()), "UTC")
    assert parse_partial("2022-03-23T18:00+09:00").at == parse_partial("2022-03-23 09:00 Z").at
