"""``kdrama-bot data …`` driven through its parser and run(), as __main__ will call it."""

from __future__ import annotations

import argparse
import tomllib
from pathlib import Path

import pytest

from bot.cli import data as cli_data
from bot.store.db import Database
from tests.support.paths import BUNDLED


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="kdrama-bot")
    cli_data.add_parser(parser.add_subparsers(dest="command"))
    return parser.parse_args(["data", *argv])


@pytest.fixture
def db_path(tmp_path: Path) -> str:
    return str(tmp_path / "cli.db")


@pytest.fixture
def bad_file(tmp_path: Path) -> Path:
    text = BUNDLED.read_text("utf-8").replace('kind = "poster"', 'kind = "gif"')
    path = tmp_path / "bad.toml"
    path.write_text(text + "\n[extra]\n", "utf-8")
    return path


async def count_shows(db_path: str) -> int:
    async with Database(db_path) as db:
        await db.migrate()
        return await db.fetchval("SELECT count(*) FROM shows")


async def test_check_accepts_the_bundled_file(db_path: str, capsys) -> None:
    assert await cli_data.run(parse("check", str(BUNDLED)), db_path) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"ok: {BUNDLED} (show soundtrack-1, 4 episodes")


async def test_check_lists_each_problem_with_file_and_line(
    db_path: str, bad_file: Path, capsys
) -> None:
    assert await cli_data.run(parse("check", str(bad_file)), db_path) == 1
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"{bad_file}:")
    assert any(": media.first-poster.kind: “gif” is not one of" in line for line in lines)
    assert any(": extra: unknown key" in line for line in lines)
    # check never touches the database (a stat in a test is fine to block on)
    assert not Path(db_path).exists()  # noqa: ASYNC240


async def test_check_prints_quoted_values_as_plain_text(
    db_path: str, tmp_path: Path, capsys
) -> None:
    text = BUNDLED.read_text("utf-8").replace('kind = "poster"', 'kind = "*gif_1* <@1>"')
    path = tmp_path / "markdown.toml"
    path.write_text(text, "utf-8")
    assert await cli_data.run(parse("check", str(path)), db_path) == 1
    out = capsys.readouterr().out
    # Discord needs the escapes; a terminal shows them as stray backslashes.
    assert ": media.first-poster.kind: “*gif_1* <@1>” is not one of" in out, out
    assert "\\" not in out


async def test_import_reports_changes_then_no_changes(db_path: str, capsys) -> None:
    assert await cli_data.run(parse("import", str(BUNDLED), "--guild", "1"), db_path) == 0
    assert "+ episode 4" in capsys.readouterr().out
    assert await cli_data.run(parse("import", str(BUNDLED), "--guild", "1"), db_path) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "no changes"


async def test_import_dry_run_writes_nothing(db_path: str, capsys) -> None:
    args = parse("import", str(BUNDLED), "--guild", "1", "--dry-run")
    assert await cli_data.run(args, db_path) == 0
    assert "+ show soundtrack-1" in capsys.readouterr().out
    assert await count_shows(db_path) == 0


async def test_import_of_a_bad_file_writes_nothing(db_path: str, bad_file: Path, capsys) -> None:
    assert await cli_data.run(parse("import", str(bad_file), "--guild", "1"), db_path) == 1
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 2
    assert "Traceback" not in err
    assert await count_shows(db_path) == 0


async def test_export_writes_toml_that_imports_back_unchanged(
    db_path: str, tmp_path: Path, capsys
) -> None:
    await cli_data.run(parse("import", str(BUNDLED), "--guild", "1"), db_path)
    capsys.readouterr()
    assert await cli_data.run(parse("export", "--guild", "1"), db_path) == 0
    stdout = capsys.readouterr().out
    assert tomllib.loads(stdout)["show"]["slug"] == "soundtrack-1"
    out_file = tmp_path / "out.toml"
    args = parse("export", "--guild", "1", "--show", "soundtrack-1", "-o", str(out_file))
    assert await cli_data.run(args, db_path) == 0
    assert out_file.read_text("utf-8") == stdout
    capsys.readouterr()
    assert await cli_data.run(parse("import", str(out_file), "--guild", "1"), db_path) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "no changes"


@pytest.mark.parametrize("extra", [(), ("--show", "nope")])
async def test_export_of_unknown_guild_or_show_is_one_line(
    db_path: str, capsys, extra: tuple[str, ...]
) -> None:
    assert await cli_data.run(parse("export", "--guild", "99", *extra), db_path) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert len(captured.err.splitlines()) == 1


async def test_database_newer_than_the_bot_is_one_line_not_a_traceback(
    db_path: str, capsys
) -> None:
    async with Database(db_path) as db:
        await db.conn.execute("PRAGMA user_version = 99")
    assert await cli_data.run(parse("export", "--guild", "1"), db_path) == 1
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1
    assert "newer than this bot knows" in err


async def test_export_takes_the_show_by_title_like_the_bot_and_suggests_on_a_typo(
    db_path: str, capsys
) -> None:
    await cli_data.run(parse("import", str(BUNDLED), "--guild", "1"), db_path)
    capsys.readouterr()
    assert (
        await cli_data.run(parse("export", "--guild", "1", "--show", "Soundtrack #1"), db_path) == 0
    )
    assert tomllib.loads(capsys.readouterr().out)["show"]["slug"] == "soundtrack-1"
    assert (
        await cli_data.run(parse("export", "--guild", "1", "--show", "Soundtrak #1"), db_path) == 1
    )
    err = capsys.readouterr().err.strip()
    assert err.startswith("guild 1: I couldn't find a show called “Soundtrak #1”.")
    assert err.endswith("Did you mean: Soundtrack #1?")
