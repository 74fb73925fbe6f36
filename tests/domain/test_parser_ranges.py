"""Every parser states its range and fails with its own error, whatever it is given.

Hypothesis feeds each parser arbitrary text (and the shapes it nearly accepts); the only
exception allowed out is the parser's own input error, which the error path turns into
a clear message.
"""

from __future__ import annotations

import contextlib
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.catalog_fields import FIELDS, ROW_ID_MAX, FieldError, clean, parse_row_id
from bot.domain.release import YEARS, Precision, Release, ReleaseError, zone
from bot.domain.showfile import MAX_PROBLEMS, ShowFileError, parse_show_file
from bot.domain.timeexpr import TimeExprError, parse_when

NOW = 1_646_092_800  # 2022-03-01 09:00 KST
PREMIERE = Release.parse("2022-03-23T17:00", "minute")
DIGITS = st.text("0123456789²①٣", min_size=1, max_size=30)
NEAR_DATES = st.builds(
    lambda y, m, d, h, mi, sep: f"{y}-{m}-{d}{sep}{h}:{mi}",
    st.integers(-1, 99999).map(lambda n: f"{n:04d}"),
    st.integers(0, 99).map(lambda n: f"{n:02d}"),
    st.integers(0, 99).map(lambda n: f"{n:02d}"),
    st.integers(0, 99).map(lambda n: f"{n:02d}"),
    st.integers(0, 99).map(lambda n: f"{n:02d}"),
    st.sampled_from(["T", " "]),
)
ZONE_TEXT = st.text(max_size=400) | st.sampled_from(
    ["x" * 300, "America", "Asia/", "../etc/passwd", "/etc/localtime", "\x00", "\udc00", ""]
)
WHEN_TEXT = (
    st.text(max_size=120)
    | NEAR_DATES
    | NEAR_DATES.map(lambda s: s + "+09:00")
    | NEAR_DATES.map(lambda s: s + " " + "x" * 80)
    | st.builds(lambda n, u: f"in {n}{u}", DIGITS, st.sampled_from("wdhmWx"))
    | st.builds(lambda u, n: f"{u}-{n}", st.sampled_from("DHdhX"), DIGITS)
)


@given(ZONE_TEXT)
def test_any_zone_text_is_a_zone_or_a_release_error(name: str):
    with contextlib.suppress(ReleaseError):
        zone(name)


@given(
    st.text(max_size=40)
    | NEAR_DATES
    | NEAR_DATES.map(lambda s: s[:10])
    | NEAR_DATES.map(lambda s: s[:4]),
    st.sampled_from([*Precision, "week", ""]),
    ZONE_TEXT | st.sampled_from(["Asia/Seoul", "UTC", "Pacific/Kiritimati"]),
)
def test_a_release_is_within_1900_to_2100_or_a_release_error(text, precision, tz):
    try:
        release = Release.parse(text, precision, tz)
    except ReleaseError:
        return
    assert release.local.year in YEARS
    # Everything the show card and /countdown later compute from it must work too.
    release.text()
    release.end()
    release.day()


@given(WHEN_TEXT, ZONE_TEXT | st.just("Asia/Seoul"), st.sampled_from([None, PREMIERE]))
def test_any_time_expression_is_an_instant_or_a_time_expr_error(text, tz, premiere):
    try:
        at = parse_when(text, now=NOW, guild_tz=tz, premiere=premiere)
    except TimeExprError:
        return
    assert isinstance(at, int)


@given(st.text(max_size=40) | DIGITS)
def test_a_row_id_is_ascii_digits_within_sqlite_range_or_none(text: str):
    row_id = parse_row_id(text)
    if row_id is not None:
        assert 1 <= row_id <= ROW_ID_MAX
        assert text.strip().isascii()


def test_row_ids_at_and_past_their_bounds():
    assert parse_row_id("1") == 1
    assert parse_row_id(str(ROW_ID_MAX)) == ROW_ID_MAX
    for bad in ("0", str(ROW_ID_MAX + 1), "²", "①", "1" * 25, "-3", "", "1e3"):
        assert parse_row_id(bad) is None, bad


@given(
    st.sampled_from([(k, f) for k, fields in FIELDS.items() for f in fields]),
    st.text(max_size=300) | NEAR_DATES.map(lambda s: s[:10]) | DIGITS,
)
def test_any_field_value_is_stored_or_a_field_error(kind_field, value):
    kind, field = kind_field
    with contextlib.suppress(FieldError):
        clean(kind, field, value)


def test_year_bounds_hold_for_premieres_in_every_shape():
    assert Release.parse("1900", "year").local.year == 1900
    assert Release.parse("2100-12-31", "day").end() > 0
    for text, precision in (("0001", "year"), ("1899-12", "month"), ("9999-12-31", "day")):
        with pytest.raises(ReleaseError, match="between 1900 and 2100"):
            Release.parse(text, precision)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=30,
)


def _problems(text: str, fmt: str) -> list:
    """The problems parse_show_file reports ([] for a valid show); any other error fails."""
    try:
        parse_show_file(text, fmt=fmt)
    except ShowFileError as exc:
        return exc.problems
    return []


@given(
    st.text(max_size=300)
    | st.builds(lambda n: "a = " + "[" * n + "]" * n, st.integers(0, 3000))
    | st.builds(lambda n: '{"format": ' + "9" * n + "}", st.integers(0, 6000))
    | st.builds(lambda s: "\ufeff" + s, st.text(max_size=50)),
    st.sampled_from(["toml", "json"]),
)
def test_any_show_file_text_is_a_show_or_a_show_file_error(text, fmt):
    assert 1 <= len(_problems(text, fmt)) <= MAX_PROBLEMS


@given(JSON_VALUES)
def test_any_json_document_is_a_show_or_a_show_file_error(value):
    assert len(_problems(json.dumps(value), "json")) <= MAX_PROBLEMS
