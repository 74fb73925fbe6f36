"""Every parse or validation error a user can trigger says itself in Korean too.

Each refusal the domain raises carries an i18n key; the cases below trigger each one a
user can reach (a slash option, an admin's edit, a show file) and render it the way the
tree does, in ko: Korean text, every field filled, not the English sentence. The AST
check fails if a new refusal or show-file problem in bot/domain is made without a key
(it would reach a Korean admin in English).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.domain import catalog_fields, timeexpr
from bot.domain.errors import InputError
from bot.domain.release import Release
from bot.ui.tree import say, terms

DOMAIN = Path(__file__).resolve().parents[2] / "bot" / "domain"
HANGUL = re.compile(r"[\uac00-\ud7a3]")
NOW = 1_640_000_000  # 2021-12-20
DAY_PREMIERE = Release.parse("2022-03-23")
MONTH_PREMIERE = Release.parse("2022-03")


def _when(text: str, premiere: Release | None = None) -> Callable[[], object]:
    return lambda: timeexpr.parse_when(text, now=NOW, premiere=premiere)


CASES: list[tuple[str, Callable[[], object]]] = [
    ("time.unknown_zone", lambda: timeexpr.zone("Mars/Olympus")),
    ("time.bad_duration", lambda: timeexpr.parse_duration("soon")),
    ("time.duration_zero", lambda: timeexpr.parse_duration("0m")),
    ("time.unknown_precision", lambda: timeexpr.precision_of("week")),
    ("time.unknown_precision", lambda: Release(0, "week")),  # type: ignore[arg-type]
    ("time.bad_date", lambda: timeexpr.parse_partial("March")),
    ("time.precision_mismatch", lambda: timeexpr.parse_partial("2022-03", "day")),
    ("time.year_range", lambda: timeexpr.parse_partial("1800")),
    ("time.not_real_date", lambda: timeexpr.parse_partial("2022-02-30")),
    ("time.unknown_zone", lambda: timeexpr.parse_partial("2022-03-23 18:00 Mars/Olympus")),
    ("time.say_when", _when(" ")),
    ("time.too_long", _when("x" * 101)),
    ("time.not_real_datetime", _when("2022-02-30 10:00 KST")),
    ("time.bad_iso", _when("2022-13-01T10:00+09:00")),
    ("time.bad_relative", _when("in soon")),
    ("time.duration_zero", _when("in 0h")),
    ("time.no_premiere", _when("D-1")),
    ("time.premiere_needs_day", _when("D-1", MONTH_PREMIERE)),
    ("time.premiere_needs_minute", _when("H-1", DAY_PREMIERE)),
    ("time.bad_when", _when("tomorrow")),
    ("time.zone_twice", _when("2022-03-23T17:00+09:00 KST")),
    ("time.past", lambda: timeexpr.check_window(NOW - 1, now=NOW)),
    ("time.too_far", lambda: timeexpr.check_window(NOW + 400 * 86400, now=NOW)),
    ("field.not_editable", lambda: catalog_fields.clean("show", "budget", "1")),
    ("check.too_long", lambda: catalog_fields.clean("show", "title", "x" * 201)),
    ("check.not_whole_number", lambda: catalog_fields.clean("show", "episode_count", "abc")),
    ("check.range", lambda: catalog_fields.clean("show", "episode_count", "5000")),
    ("check.not_url", lambda: catalog_fields.clean("show", "poster_url", "ftp://x")),
    ("check.not_date", lambda: catalog_fields.clean("media", "released", "2022/03")),
    ("check.year_range", lambda: catalog_fields.clean("media", "released", "1800")),
    ("check.not_real_date", lambda: catalog_fields.clean("media", "released", "2022-02-30")),
    ("check.not_one_of", lambda: catalog_fields.clean("media", "kind", "gif")),
    ("check.not_slug", lambda: catalog_fields.clean_slug("Bad Slug")),
    ("check.empty", lambda: catalog_fields.clean_slug(" ")),
    ("time.precision_mismatch", lambda: catalog_fields.parse_release("2022-03", "day", "KST")),
]


@pytest.mark.parametrize(
    ("key", "refuse"), CASES, ids=[f"{k}-{i}" for i, (k, _) in enumerate(CASES)]
)
def test_each_refusal_a_user_can_trigger_is_said_in_korean(key: str, refuse) -> None:
    with pytest.raises(InputError) as raised:
        refuse()
    error = raised.value
    assert error.key == key, str(error)
    korean = say(error.key, "ko", **terms(error.fields, "ko"))
    english = say(error.key, "en", **terms(error.fields, "en"))
    assert HANGUL.search(korean), korean
    assert korean != english
    assert not re.search(r"\{\w+\}", korean + english), (korean, english)  # every field filled
    assert korean != error.key  # a missing key would be shown as itself


def test_a_precision_is_named_in_the_readers_language() -> None:
    with pytest.raises(InputError) as raised:
        timeexpr.parse_partial("2022-03", "day")
    korean = say(raised.value.key, "ko", **terms(raised.value.fields, "ko"))
    assert "월 단위까지" in korean, korean
    assert "일 단위 정밀도" in korean, korean
    english = say(raised.value.key, "en", **terms(raised.value.fields, "en"))
    assert "is a date to the month, not to the day" in english, english


def _raises_without_a_key(path: Path) -> list[str]:
    """``raise SomethingError("…")`` calls in ``path`` that pass no ``key=``, checker
    ``.add(path, message)`` calls with no key (the third argument), and show-file
    ``Problem(…)`` made with no key (an /admin import line a Korean admin reads)."""
    tree = ast.parse(path.read_text("utf-8"))
    refusals = {"InputError", "TimeExprError", "FieldError", "ReleaseError"}
    missing = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
            func = node.exc.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            if name in refusals and not any(k.arg in ("key", None) for k in node.exc.keywords):
                missing.append(f"line {node.lineno}: raise {name}(…) without key=")
        is_add = isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "add"
        checked = path.name in ("_showfile_check.py", "_showfile_schema.py", "catalog_fields.py")
        if is_add and checked and len(node.args) < 3:
            missing.append(f"line {node.lineno}: .add(…) without a message key")
        is_problem = isinstance(node, ast.Call) and getattr(node.func, "id", "") == "Problem"
        if is_problem and len(node.args) < 4 and not any(k.arg == "key" for k in node.keywords):
            missing.append(f"line {node.lineno}: a show-file Problem(…) without a message key")
    return missing


@pytest.mark.parametrize("path", sorted(DOMAIN.glob("*.py")), ids=lambda p: p.name)
def test_every_refusal_in_the_domain_carries_a_message_key(path: Path) -> None:
    assert _raises_without_a_key(path) == []


def _named_keys(path: Path) -> set[str]:
    """The message keys ``path`` names as literals: ``key="…"``, a checker problem's third
    argument, a show-file Problem's fourth."""
    keys = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        named = [k.value for k in node.keywords if k.arg == "key"]
        if getattr(node.func, "attr", "") == "add" and len(node.args) >= 3:
            named.append(node.args[2])
        if getattr(node.func, "id", "") == "Problem" and len(node.args) >= 4:
            named.append(node.args[3])
        keys |= {n.value for n in named if isinstance(n, ast.Constant) and isinstance(n.value, str)}
    return keys


def test_every_key_the_domain_names_has_an_english_and_a_korean_message() -> None:
    from bot.i18n import _catalog

    named = set().union(*(_named_keys(p) for p in DOMAIN.glob("*.py")))
    assert len(named) >= 50, sorted(named)  # the parsers, the field checks, the show files
    for locale in ("en", "ko"):
        missing = sorted(k for k in named if k not in _catalog(locale)[0])
        assert missing == [], (locale, missing)
