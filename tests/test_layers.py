"""The house's layering rules, checked over the source so a slip fails CI."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SQL = re.compile(r"^\s*(SELECT|INSERT|UPDATE|DELETE|CREATE|ALTER|DROP|PRAGMA)\b", re.I | re.M)


def _python_files(*folders: str) -> list[Path]:
    return sorted(p for folder in folders for p in (ROOT / folder).rglob("*.py"))


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def _string_constants(path: Path) -> list[str]:
    tree = ast.parse(path.read_text("utf-8"))
    return [
        n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)
    ]


@pytest.mark.parametrize("path", _python_files("bot/domain"), ids=lambda p: p.name)
def test_domain_never_imports_discord_or_the_store(path):
    bad = {m for m in _imports(path) if m.split(".")[0] in {"discord", "aiosqlite", "sqlite3"}}
    bad |= {m for m in _imports(path) if m.startswith(("bot.store", "bot.services", "bot.cogs"))}
    assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)}"


@pytest.mark.parametrize(
    "path",
    [p for p in _python_files("bot") if "store" not in p.relative_to(ROOT).parts],
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_no_sql_outside_the_store(path):
    statements = [s for s in _string_constants(path) if SQL.search(s) and " " in s.strip()]
    # Prose that happens to start with "Select ..." is not SQL; SQL names a table.
    statements = [s for s in statements if re.search(r"\b(FROM|INTO|TABLE|SET|WHERE)\b", s)]
    assert not statements, f"SQL in {path.relative_to(ROOT)}: {statements[0][:80]!r}"


@pytest.mark.parametrize("path", _python_files("bot/cogs"), ids=lambda p: p.name)
def test_no_cog_imports_another_cog(path):
    own = path.relative_to(ROOT).with_suffix("").parts
    others = {
        m
        for m in _imports(path)
        if m.startswith("bot.cogs.") and tuple(m.split("."))[:3] != own[:3]
    }
    assert not others, f"{path.relative_to(ROOT)} imports {sorted(others)}"


def test_the_cli_exits_promptly_and_closes_the_store(tmp_path):
    # aiosqlite's worker thread keeps a process alive if a connection is left open.
    result = subprocess.run(
        [sys.executable, "-m", "bot", "db", "migrate"],
        cwd=ROOT,
        env={"DATABASE_PATH": str(tmp_path / "x.sqlite3"), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "schema version" in result.stdout


@pytest.mark.parametrize(
    "path",
    _python_files("bot/services", "bot/store", "bot/domain"),
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_services_never_reach_into_the_command_tree(path):
    # The tree is the Discord-facing error path; what services share with it (who a
    # message may ping) lives below both, in bot/mentions.py.
    bad = {m for m in _imports(path) if m.startswith(("bot.ui.tree", "bot.ui.views", "bot.cogs"))}
    assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)}"


def test_who_a_message_may_ping_is_built_in_one_module():
    built = [
        str(p.relative_to(ROOT))
        for p in _python_files("bot")
        if re.search(
            r"AllowedMentions\s*\(|AllowedMentions\.none\(|^NO_MENTIONS\s*=",
            p.read_text("utf-8"),
            re.M,
        )
    ]
    assert built == ["bot/mentions.py"]


@pytest.mark.parametrize(
    "path",
    [p for p in _python_files("bot") if p.relative_to(ROOT).as_posix() != "bot/domain/timeexpr.py"],
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_times_are_read_only_by_the_time_module(path):
    # One zone lookup, one instant parser, one duration grammar (bot/domain/timeexpr.py):
    # a second reader here would take other forms than /announce add and the show files.
    source = path.read_text("utf-8")
    readers = re.findall(r"fromisoformat|strptime|ZoneInfo\(|\[wdhms\]", source)
    assert not readers, f"{path.relative_to(ROOT)} reads times itself: {sorted(set(readers))}"


@pytest.mark.parametrize(
    "path",
    [p for p in _python_files("bot") if p.relative_to(ROOT).as_posix() != "bot/domain/release.py"],
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_stored_columns_become_a_release_in_one_place(path):
    # release_of (bot/domain/release.py) reads the three columns, with the zone's default;
    # a Release built by hand elsewhere drifts from it (a NULL zone, a text precision).
    calls = [
        node.lineno
        for node in ast.walk(ast.parse(path.read_text("utf-8")))
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Release"
    ]
    assert not calls, f"{path.relative_to(ROOT)} builds a Release at lines {calls}"


READ_HELPERS = {"fetch_all", "fetch_one", "fetch_value", "fetchall", "fetchone", "fetchval", "rows"}


def test_the_store_has_one_set_of_read_helpers():
    # Database.fetchall/fetchone/fetchval and rows(conn) in bot/store/db.py (PostgreSQL's
    # store overrides fetchall in _pg.py). A second set drifts: store/_reads.py read on
    # the writer while a write held it, bypassing the reader beside it.
    defined = sorted(
        f"{p.relative_to(ROOT)}:{node.name}"
        for p in _python_files("bot/store")
        for node in ast.walk(ast.parse(p.read_text("utf-8")))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name in READ_HELPERS
    )
    assert {d.split(":")[0] for d in defined} == {"bot/store/db.py", "bot/store/_pg.py"}, defined


@pytest.mark.parametrize(
    "path",
    # backup.py copies the file through the sqlite3 module's own backup API, off the loop.
    [p for p in _python_files("bot/store") if p.name not in ("db.py", "_pg.py", "backup.py")],
    ids=lambda p: p.name,
)
def test_store_modules_read_through_the_helpers_not_cursors(path):
    source = path.read_text("utf-8")
    cursors = re.findall(r"\.fetch(?:one|all|many)\(\)", source)
    assert not cursors, f"{path.relative_to(ROOT)} reads a cursor itself: use rows(conn, …)"
