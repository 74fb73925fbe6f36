"""The small TOML writer: whatever it writes, tomllib reads back equal."""

from __future__ import annotations

import tomllib

from hypothesis import given
from hypothesis import strategies as st

from bot.domain.showfile import load_show_file, parse_show_file
from bot.domain.showfile_dict import show_file_to_dict
from bot.domain.toml_writer import dumps
from tests.support.paths import BUNDLED


def test_bundled_show_round_trips_through_the_writer() -> None:
    data = show_file_to_dict(load_show_file(BUNDLED))
    text = dumps(data)
    assert tomllib.loads(text) == data
    assert show_file_to_dict(parse_show_file(text)) == data


@given(st.text())
def test_any_string_round_trips(value: str) -> None:
    data = {"show": {"title": value, "aliases": [{"name": value}, {"name": "x"}]}, "k": value}
    assert tomllib.loads(dumps(data)) == data


@given(st.dictionaries(st.text(min_size=1, max_size=8), st.integers() | st.booleans()))
def test_any_key_round_trips(table: dict) -> None:
    data = {"people": {"a-b": table}}
    assert tomllib.loads(dumps(data)) == data
