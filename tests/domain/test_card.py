"""Cards always fit Discord's embed limits, shortened with "…" rather than failing."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.domain.card import Card, Field, fit, shorten
from bot.domain.spoilers import gate

# Discord's embed limits, as its documentation states them (not read from bot.domain.card,
# so a wrong constant there fails here).
TITLE = 256
DESCRIPTION = 4096
FIELD_NAME = 256
FIELD_VALUE = 1024
FIELDS = 25
FOOTER = 2048
TOTAL = 6000


def test_short_text_is_left_alone():
    assert shorten("Soundtrack #1", 20) == "Soundtrack #1"


def test_long_text_is_cut_at_a_word_break_with_an_ellipsis():
    text = "Two longtime friends and music lovers end up living together"
    short = shorten(text, 30)
    assert len(short) <= 30
    assert short == "Two longtime friends and…"


def test_an_over_long_card_fits_every_limit():
    card = Card(
        title="T" * 300,
        description="word " * 2000,
        fields=tuple(Field("n" * 300, "v " * 800) for _ in range(30)),
        footer="f" * 3000,
    )
    fitted = fit(card)
    assert len(fitted.title) <= TITLE
    assert len(fitted.description) <= DESCRIPTION
    assert len(fitted.fields) <= FIELDS
    assert all(len(f.name) <= FIELD_NAME and len(f.value) <= FIELD_VALUE for f in fitted.fields)
    assert len(fitted.footer) <= FOOTER
    assert fitted.size() <= TOTAL
    assert fitted.description.endswith("…")


@given(
    st.text(max_size=400),
    st.text(max_size=6000),
    st.lists(st.tuples(st.text(max_size=300), st.text(max_size=1500)), max_size=30),
)
def test_any_card_fits(title, description, fields):
    fitted = fit(Card(title, description, tuple(Field(n, v) for n, v in fields)))
    assert fitted.size() <= TOTAL
    assert len(fitted.fields) <= FIELDS
    assert all(f.name.strip() and f.value.strip() for f in fitted.fields)


def test_spoilers_hide_only_episodes_past_the_members_progress():
    assert gate("A kiss.", episode=3, progress=2) == "||A kiss.||"
    assert gate("A kiss.", episode=2, progress=2) == "A kiss."
    assert gate("a || b", episode=1, progress=0) == "||a \\|\\| b||"
