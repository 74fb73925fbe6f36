"""Show files: the bundled one validates; every malformed case names its key path."""

from __future__ import annotations

import json
import tomllib

import pytest

from bot.domain.showfile import ShowFileError, load_show_file, parse_show_file
from tests.support.paths import BUNDLED


def _problems(text: str, fmt: str = "toml") -> list[str]:
    with pytest.raises(ShowFileError) as caught:
        parse_show_file(text, fmt=fmt)  # type: ignore[arg-type]
    return [f"{p.path}: {p.message}" for p in caught.value.problems]


def _mutate(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def test_bundled_file_validates() -> None:
    show = load_show_file(BUNDLED)
    assert show.show.slug == "soundtrack-1"
    assert [e.number for e in show.episodes] == [1, 2, 3, 4]
    assert show.show.premiere is not None
    assert show.show.premiere.text() == "2022-03-23"
    # The sources' disagreements are kept, each spelling with its own source.
    aliases = {a.name: a.sources for a in show.characters["lee-eun-soo"].aliases}
    assert aliases == {"Seo Eun-soo": ("nme",), "Lee Eun-so": ("trailer-article",)}
    assert show.show.release_reports[0].release.text() == "2022-03"


def test_json_with_the_same_structure_is_accepted(bundled_text: str) -> None:
    as_json = json.dumps(tomllib.loads(bundled_text))
    assert parse_show_file(as_json, fmt="json") == parse_show_file(bundled_text)


CASES = [
    ("episode_count = 4", 'episode_count = "4"', "show.episode_count: must be an integer"),
    ('publisher = "NME Asia"\n', "", "sources.nme.publisher: is required"),
    ("[show]\n", "[show]\ncolour = 1\n", "show.colour: unknown key"),
    (
        'kind = "ost"\nartist = "Davichi"',
        'kind = "ost"\nbpm = 1\nartist = "Davichi"',
        "media.ost-davichi.bpm: unknown key",
    ),
    (
        '{ work = "Happiness", sources',
        '{ work = "Happiness", rating = 5, sources',
        "people.park-hyung-sik.known_for[0].rating: unknown key",
    ),
    ('date = "2022-03-30"', 'date = "2022-02-30"', "episodes[1].release.date: “2022-02-30” is not"),
    (
        'precision = "day"\ntz',
        'precision = "week"\ntz',
        "show.premiere.precision: unknown precision",
    ),
    (
        'date = "2022-03-23"\nprecision',
        'date = "2022-03"\nprecision',
        "show.premiere.date: “2022-03” is a date to the month, not to the day",
    ),
    (
        'tz = "Asia/Seoul"\nsources',
        'tz = "Mars/Olympus"\nsources',
        "show.premiere.tz: unknown time zone “Mars/Olympus”",
    ),
    ("number = 3", "number = 2", "episodes[2].number: duplicate number 2"),
    (
        '{ name = "Han Seon-woo", sources = ["kbizoom"] }',
        '{ name = "Han Seon-woo" }',
        "characters.han-sun-woo.aliases[0].sources: is required",
    ),
    (
        '{ name = "Han Seon-woo", sources = ["kbizoom"] }',
        '{ name = "Han Seon-woo", sources = [] }',
        "characters.han-sun-woo.aliases[0].sources: must name at least one source",
    ),
    (
        'name = "Ahn Sae-bom"\nsources = ["nme", "kbizoom"]',
        'name = "Ahn Sae-bom"',
        "people.ahn-sae-bom.sources: is required",
    ),
    (
        'sources = ["nme"]\n\n[quotes.allure-ost]',
        'sources = ["nope"]\n\n[quotes.allure-ost]',
        "quotes.allure-first-love.sources: names unknown source “nope”",
    ),
    (
        'synopsis = ["nme"]',
        'synopsis = ["nope"]',
        "show.field_sources.synopsis: names unknown source",
    ),
    (
        'person = "ahn-sae-bom"',
        'person = "nobody"',
        "credits[3].person: names unknown person “nobody”",
    ),
    ('character = "han-sun-woo"', 'character = "nobody"', "credits[1].character: names unknown"),
    (
        'media = "first-trailer"',
        'media = "second-trailer"',
        "quotes.trailer-friends-for-life.media: names unknown media “second-trailer”",
    ),
    ("format = 1", "format = 2", "format: unsupported format 2"),
    ("format = 1", "format = 1.0", "format: unsupported format 1.0"),
    ("episode_count = 4", "episode_count = 99999999999999999999999", "show.episode_count: must be"),
    ('title = "Soundtrack #1"', f'title = "{"x" * 201}"', "show.title: is 201 characters long"),
    (
        'speaker = "Han So-hee"\ntext = "A one',
        f'speaker = "Han So-hee"\ntext = "{"y" * 2001}',
        "quotes.allure-first-love.text: is 2062 characters long; the limit is 2000",
    ),
    (
        'url = "http://www.koreaherald',
        'url = "ftp://www.koreaherald',
        "sources.koreaherald.url: “ftp://www",
    ),
    ('slug = "soundtrack-1"', 'slug = "Soundtrack_1"', "show.slug: “Soundtrack\\_1” is not a slug"),
    ("[media.first-poster]", "[media.First-Poster]", "media.First-Poster: key must be a slug"),
    # "$" in a regex would let a trailing newline through.
    ('person = "kim-hee-won"', 'person = "kim-hee-won\\n"', "credits[2].person: “kim-hee-won ”"),
    ('kind = "poster"', 'kind = "gif"', "media.first-poster.kind: “gif” is not one of"),
    ('published = "2022-02-17"', 'published = "2022-13-01"', "sources.nme.published: “2022-13-01”"),
    ("episode_count = 4", "episode_count = 3", "episodes[3].number: episode 4 is past"),
    (
        'synopsis = ["nme"]',
        'synopsis = ["nme"]\nposter_url = ["nme"]',
        "show.field_sources.poster_url: names “poster\\_url”, which is not set",
    ),
]


@pytest.mark.parametrize(("old", "new", "expected"), CASES, ids=[c[2][:40] for c in CASES])
def test_malformed_file_is_rejected_with_its_key_path(
    bundled_text: str, old: str, new: str, expected: str
) -> None:
    problems = _problems(_mutate(bundled_text, old, new))
    assert any(p.startswith(expected) for p in problems), problems


def test_every_problem_is_reported_not_just_the_first(bundled_text: str) -> None:
    text = _mutate(bundled_text, "format = 1", "format = 9")
    text = _mutate(text, 'kind = "poster"', 'kind = "gif"')
    text = _mutate(text, "number = 3", "number = 2")
    text += "\n[extra]\nx = 1\n"
    problems = _problems(text)
    assert len(problems) == 4, problems


def test_semantic_problem_carries_the_line_of_its_key(bundled_text: str) -> None:
    text = _mutate(bundled_text, 'kind = "poster"', 'kind = "gif"')
    with pytest.raises(ShowFileError) as caught:
        parse_show_file(text)
    [problem] = caught.value.problems
    assert problem.line is not None
    assert text.splitlines()[problem.line - 1] == 'kind = "gif"'


def test_toml_syntax_error_gives_tomllib_line() -> None:
    with pytest.raises(ShowFileError) as caught:
        parse_show_file("format = 1\n\n[show\n")
    [problem] = caught.value.problems
    assert problem.line == 3
    assert "not valid TOML" in problem.message


def test_json_syntax_error_gives_line() -> None:
    with pytest.raises(ShowFileError) as caught:
        parse_show_file('{\n"format": 1,\n}', fmt="json")
    assert caught.value.problems[0].line == 3


def test_document_that_is_not_a_table_is_rejected() -> None:
    assert _problems("[1, 2]", fmt="json") == [": must be a table, not an array"]


def test_missing_file_is_a_problem_not_a_crash(tmp_path) -> None:
    with pytest.raises(ShowFileError, match="cannot read"):
        load_show_file(tmp_path / "nope.toml")


def test_a_release_without_precision_takes_the_one_its_date_shows(bundled_text):
    text = bundled_text.replace(
        'date = "2022-03-23"\nprecision = "day"\ntz = "Asia/Seoul"',
        'date = "2022-03-23 20:00 KST"',
        1,
    )
    assert text != bundled_text
    premiere = parse_show_file(text).show.premiere
    assert premiere.precision.value == "minute"
    assert (premiere.text(), premiere.tz) == ("2022-03-23T20:00", "Asia/Seoul")
