"""The spoiler encoder: whatever a synopsis contains, none of it shows outside the bars.

``rendered`` is a small model of the Discord markdown rules that decide what a spoiler
covers (the same three rules, in the same precedence, as Discord's simple-markdown):
a backslash before punctuation makes it literal; a run of backticks opens a code span
that its matching run closes; ``||…||`` hides what is between.
"""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from bot.domain.card import Card, Field, fit
from bot.domain.spoilers import balanced, gate, spoiler, spoiler_body

_ESCAPE = re.compile(r"\\([^0-9A-Za-z\s])")
_CODE = re.compile(r"(`+)([\s\S]*?[^`])\1(?!`)")


def rendered(text: str) -> list[tuple[str, bool]]:
    """What Discord shows: (visible character, hidden behind a spoiler) pairs."""
    out: list[tuple[str, bool]] = []
    hidden = False
    index = 0
    while index < len(text):
        if escape := _ESCAPE.match(text, index):
            out.append((escape.group(1), hidden))
            index = escape.end()
        elif text.startswith("`", index) and (code := _CODE.match(text, index)):
            out.extend((c, hidden) for c in code.group(2))
            index = code.end()
        elif text.startswith("||", index) and (hidden or "||" in text[index + 2 :]):
            hidden = not hidden
            index += 2
        else:
            out.append((text[index], hidden))
            index += 1
    return out


def visible(text: str) -> str:
    return "".join(c for c, hidden in rendered(text) if not hidden)


def shown_hidden(text: str) -> str:
    return "".join(c for c, hidden in rendered(text) if hidden)


SYNOPSES = st.text(st.sampled_from("|`\\*_~>#\n a가"), max_size=60) | st.text(max_size=200)
AROUND = st.text(st.characters(exclude_characters="|`\\"), max_size=20)


@given(SYNOPSES, AROUND, AROUND)
def test_nothing_of_a_synopsis_shows_outside_the_bars(synopsis, before, after):
    text = before + spoiler(synopsis) + after
    assert visible(text) == before + after
    assert shown_hidden(text) == synopsis


@given(SYNOPSES, st.integers(min_value=5, max_value=80))
def test_a_bounded_spoiler_fits_and_still_hides_everything(synopsis, limit):
    text = spoiler(synopsis, limit)
    assert len(text) <= limit
    assert visible(text) == ""
    assert synopsis.startswith(shown_hidden(text).removesuffix("…"))


@given(st.lists(SYNOPSES, min_size=1, max_size=30), st.integers(min_value=1, max_value=2))
def test_a_card_cut_to_discord_limits_never_uncovers_a_spoiler(synopses, copies):
    fields = tuple(
        Field(f"Episode {i}", gate(s * 40 * copies, i, 0)) for i, s in enumerate(synopses, 1)
    )
    card = fit(Card(title="Plot", description=gate("x|" * 3000, 1, 0), fields=fields))
    for value in (card.description, *(f.value for f in card.fields)):
        assert visible(value) in ("", "—"), value


def test_triple_bars_in_a_synopsis_stay_inside():
    assert visible("Synopsis: " + spoiler("a|||b")) == "Synopsis: "
    assert visible("Synopsis: " + spoiler("ends in \\")) == "Synopsis: "
    assert visible(spoiler("`open") + " later ` text") == " later ` text"


def test_balanced_closes_what_a_cut_left_open():
    assert balanced("||abc…") == "||abc…||"
    assert balanced("||abc||") == "||abc||"
    assert balanced("||ab\\") == "||ab||"


def test_a_watched_episode_is_plain():
    assert gate("a|||b", 1, 1) == "a|||b"


def test_a_bounded_spoiler_uses_all_the_room_it_has_and_no_more():
    # Killed mutants (docs/mutation.md): a cut one character early, an ellipsis dropped
    # or added, the bars counted three times.
    assert spoiler_body("abcde", 5) == "abcde"  # exactly at the limit: not cut
    assert spoiler_body("abcdefghij", 6) == "abcde…"  # cut to the limit, "…" included
    assert spoiler_body("a|cdefghij", 6) == "a\\|cd…"  # an escape counts its backslash
    assert spoiler_body("abcdef", 1) == "…"
    assert spoiler_body("abcdef", 0) == ""
    assert spoiler("abcdefgh", 8) == "||abc…||"
    assert spoiler("abcd", 8) == "||abcd||"


def test_an_unwatched_episode_keeps_its_limit_behind_the_bars():
    assert gate("abcdefgh", episode=3, progress=1, limit=8) == "||abc…||"
    assert gate("abcdefgh", episode=1, progress=1, limit=8) == "abcdefgh"
