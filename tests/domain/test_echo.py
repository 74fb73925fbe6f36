"""The one bound on echoed text: short, inert, and still recognisable."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from bot.domain.echo import CONTENT, Markup, echo, fit_content, plain, quote

HOSTILE = st.text(
    st.sampled_from("ab 가한@<>`|[]()*_~\\#->:\n\r\t\x00\x1b\u202e\u2066\u200b\u2028😀")
    | st.characters(),
    max_size=300,
)


def _unescaped_markup(text: str) -> bool:
    """Whether any markdown character in ``text`` is not preceded by its own backslash."""
    index = 0
    while index < len(text):
        char = text[index]
        if char == "\\":
            index += 2  # an escape pair: the next character is shown as typed
            continue
        if char in "<`|[*_~":
            return True
        index += 1
    return False


@given(HOSTILE, st.integers(min_value=0, max_value=400))
def test_an_echo_never_exceeds_its_limit(value: str, limit: int):
    assert len(echo(value, limit)) <= limit


@given(HOSTILE)
def test_an_echo_carries_no_live_markup_mention_or_control_character(value: str):
    text = echo(value, limit=None)
    assert not _unescaped_markup(text)
    assert "@everyone" not in text
    assert "@here" not in text
    assert not any(unicodedata.category(c) in ("Cc", "Cs", "Zl", "Zp") for c in text)
    assert not any(c in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069" for c in text)


@given(st.text(st.characters(categories=("L", "N")), max_size=99))
def test_plain_words_come_back_unchanged(value: str):
    assert echo(value) == value


def test_a_long_value_is_cut_with_an_ellipsis_and_keeps_its_start():
    text = echo("Soundtrack " * 1000)
    assert text.startswith("Soundtrack Soundtrack")
    assert text.endswith("…")
    assert len(text) <= 100


def test_a_cut_never_leaves_half_an_escape():
    text = echo("*" * 300, limit=10)
    assert text == "\\*\\*\\*\\*…"


def test_mentions_timestamps_links_and_spoilers_show_as_typed():
    text = echo("@everyone <@&1> <t:0:R> [x](https://e.example) ||s|| `c`")
    assert text == (
        "@\u200beveryone \\<@&1> \\<t:0:R> \\[x\\](https://e.example) \\|\\|s\\|\\| \\`c\\`"
    )


def test_a_line_start_cannot_become_a_heading_quote_or_list():
    for start in ("# big", "> quoted", "- item"):
        assert echo(start).startswith("\u200b")


def test_markup_the_bot_composed_is_left_alone():
    assert echo(Markup("<#123> <t:5:R>")) == "<#123> <t:5:R>"


def test_quote_keeps_numbers_bare_and_fences_text():
    assert quote(5) == "5"
    assert quote("a\nb") == "“a b”"


def test_fit_content_bounds_a_whole_message():
    assert len(fit_content("word " * 1000)) <= CONTENT


@given(st.text(max_size=50_000))
def test_echo_of_a_huge_value_is_still_bounded(value: str):
    # Linear in the limit: a 50,000-character value costs the same as a 100-character one.
    assert len(echo(value)) <= 100


# What echo keeps as typed (no control, bidi or lone surrogate characters to replace,
# and no zero-width space: echo's own mention and line-start breaks are made of it).
PRINTABLE = st.text(
    st.sampled_from("ab 가한@<>`|[]()*_~\\#->:😀") | st.characters(categories=("L", "N", "P", "S")),
    max_size=300,
)


@given(PRINTABLE)
def test_plain_undoes_exactly_what_echo_escaped(value: str):
    assert plain(echo(value, limit=None)) == value


def test_plain_text_for_a_terminal_carries_no_escape_sequence():
    shown = plain(echo("\x1b[31mred\x1b[0m *x_y*\u202e", limit=None))
    assert shown == " [31mred [0m *x_y*"
    assert plain("line one\nline two") == "line one\nline two"
