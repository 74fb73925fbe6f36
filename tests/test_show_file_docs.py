"""The show file's JSON Schema, reference page and guide: generated from the checks, and true."""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
import tomllib
from pathlib import Path

import jsonschema
import pytest

from bot.cli.main import main
from bot.domain._showfile_schema import check_document
from bot.domain.showfile import ShowFile, parse_show_file
from bot.domain.showfile_reference import DESCRIPTIONS, _walk, json_schema, reference_markdown
from bot.services.catalog import BUNDLED_SHOWS
from bot.store.catalog_io import export_show, import_show
from tests.support.paths import BUNDLED

ROOT = Path(__file__).resolve().parents[1]
BUNDLED_FILES = sorted(Path(str(BUNDLED_SHOWS)).glob("*.toml"))


def as_json(value):
    """What a JSON show file holds where TOML has a bare date."""
    if isinstance(value, dict):
        return {k: as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    return value.isoformat() if isinstance(value, dt.date) else value


def bundled() -> dict:
    return as_json(tomllib.loads(BUNDLED.read_text("utf-8")))


def valid(document: dict) -> bool:
    return not list(jsonschema.Draft202012Validator(json_schema()).iter_errors(document))


def test_the_schema_is_a_valid_json_schema_that_takes_the_bundled_file():
    jsonschema.Draft202012Validator.check_schema(json_schema())
    assert valid(bundled())


def _set(doc: dict, path: str, value) -> dict:
    doc = copy.deepcopy(doc)
    *parents, last = path.split(".")
    node = doc
    for key in parents:
        node = node[int(key)] if key.isdigit() else node[key]
    if value is KeyError:
        del node[last]
    else:
        node[last] = value
    return doc


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("show.plot", "an unknown key"),
        ("show.title", KeyError),
        ("show.slug", "Soundtrack One"),
        ("show.sources", []),
        ("show.premiere.precision", "hour"),
        ("show.logline", "x" * 1001),
        ("show.title", "   "),
        ("episodes.0.number", 0),
        ("format", 2),
        ("sources.nme.published", "March 2022"),
        ("show.poster_url", "ftp://example.com/p.jpg"),
        ("people.han-so-hee.known_for.0.year", 202),
    ],
)
def test_what_the_checker_refuses_the_schema_refuses(path, value):
    document = _set(bundled(), path, value)
    assert not isinstance(check_document(document), ShowFile), "the checker takes it"
    assert not valid(document), "the schema takes it"


def test_every_description_names_a_key_the_schema_has():
    paths: set[str] = set()
    _walk(json_schema(), "", lambda path, _schema: paths.add(path))
    assert set(DESCRIPTIONS) - paths == set()


def test_data_schema_prints_the_schema_and_the_reference_page(capsys):
    assert main(["data", "schema"]) == 0
    assert json.loads(capsys.readouterr().out) == json_schema()
    assert main(["data", "schema", "--markdown"]) == 0
    assert capsys.readouterr().out == reference_markdown()


def test_the_reference_page_in_docs_is_the_generated_one():
    page = (ROOT / "docs" / "show-file-reference.md").read_text("utf-8")
    assert page == reference_markdown(), (
        "run: kdrama-bot data schema --markdown > docs/show-file-reference.md"
    )
    for key in ("show.premiere.date", "people.*.known_for[].work", "episodes[].number"):
        assert f"| `{key}` |" in page


def test_the_guides_example_passes_data_check(tmp_path, capsys):
    guide = (ROOT / "docs" / "show-files.md").read_text("utf-8")
    (block,) = re.findall(r"```toml\n(.*?)```", guide, re.S)
    text = "\n".join(line.removeprefix("   ") for line in block.splitlines())
    (tmp_path / "my-show.toml").write_text(text, "utf-8")
    assert main(["data", "check", str(tmp_path / "my-show.toml")]) == 0
    assert "ok: " in capsys.readouterr().out
    assert valid(as_json(tomllib.loads(text)))


def test_the_readme_links_the_guide_and_the_reference():
    readme = (ROOT / "README.md").read_text("utf-8")
    assert "(docs/show-files.md)" in readme
    assert "(docs/show-file-reference.md)" in readme


@pytest.mark.parametrize("path", BUNDLED_FILES, ids=lambda p: p.name)
async def test_every_bundled_show_file_checks_imports_and_round_trips(db, path):
    show = parse_show_file(path.read_text("utf-8"))
    assert show.show.slug == path.stem
    await import_show(db, 1, show)
    exported = await export_show(db, 1, show.show.slug)
    await import_show(db, 2, parse_show_file(_toml(exported)))
    assert await export_show(db, 2, show.show.slug) == exported


def _toml(data: dict) -> str:
    from bot.domain.toml_writer import dumps

    return dumps(data)
