"""The house's layering rules, checked over the source so a slip fails CI."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TIME_MODULE = "bot/domain/timeexpr.py"
RELEASE_MODULE = "bot/domain/release.py"
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


def _offenders(paths: list[Path], check: Callable[[Path], str | None]) -> list[str]:
    """One line per file that breaks a rule: its path, then what ``check`` says of it.

    Each rule is one test over every file (a test per file made 458 of them): the
    failure still names each offending file, all of them at once.
    """
    return [f"{path.relative_to(ROOT)}: {said}" for path in paths if (said := check(path))]


def test_domain_never_imports_discord_or_the_store():
    def check(path: Path) -> str | None:
        names = _imports(path)
        bad = {m for m in names if m.split(".")[0] in {"discord", "aiosqlite", "sqlite3"}}
        bad |= {m for m in names if m.startswith(("bot.store", "bot.services", "bot.cogs"))}
        return f"imports {sorted(bad)}" if bad else None

    assert not (found := _offenders(_python_files("bot/domain"), check)), "\n".join(found)


def test_no_sql_outside_the_store():
    def check(path: Path) -> str | None:
        statements = [s for s in _string_constants(path) if SQL.search(s) and " " in s.strip()]
        # Prose that happens to start with "Select ..." is not SQL; SQL names a table.
        statements = [s for s in statements if re.search(r"\b(FROM|INTO|TABLE|SET|WHERE)\b", s)]
        return f"SQL {statements[0][:80]!r}" if statements else None

    paths = [p for p in _python_files("bot") if "store" not in p.relative_to(ROOT).parts]
    assert not (found := _offenders(paths, check)), "\n".join(found)


def test_no_cog_imports_another_cog():
    def check(path: Path) -> str | None:
        own = path.relative_to(ROOT).with_suffix("").parts
        others = {
            m
            for m in _imports(path)
            if m.startswith("bot.cogs.") and tuple(m.split("."))[:3] != own[:3]
        }
        return f"imports {sorted(others)}" if others else None

    assert not (found := _offenders(_python_files("bot/cogs"), check)), "\n".join(found)


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


def test_services_never_reach_into_the_command_tree():
    # The tree is the Discord-facing error path; what services share with it (who a
    # message may ping) lives below both, in bot/mentions.py.
    def check(path: Path) -> str | None:
        reach = ("bot.ui.tree", "bot.ui.views", "bot.cogs")
        bad = {m for m in _imports(path) if m.startswith(reach)}
        return f"imports {sorted(bad)}" if bad else None

    paths = _python_files("bot/services", "bot/store", "bot/domain")
    assert not (found := _offenders(paths, check)), "\n".join(found)


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


def test_times_are_read_only_by_the_time_module():
    # One zone lookup, one instant parser, one duration grammar (bot/domain/timeexpr.py):
    # a second reader here would take other forms than /announce add and the show files.
    def check(path: Path) -> str | None:
        source = path.read_text("utf-8")
        readers = re.findall(r"fromisoformat|strptime|ZoneInfo\(|\[wdhms\]", source)
        return f"reads times itself: {sorted(set(readers))}" if readers else None

    paths = [p for p in _python_files("bot") if p.relative_to(ROOT).as_posix() != TIME_MODULE]
    assert not (found := _offenders(paths, check)), "\n".join(found)


def test_stored_columns_become_a_release_in_one_place():
    # release_of (bot/domain/release.py) reads the three columns, with the zone's default;
    # a Release built by hand elsewhere drifts from it (a NULL zone, a text precision).
    def check(path: Path) -> str | None:
        calls = [
            node.lineno
            for node in ast.walk(ast.parse(path.read_text("utf-8")))
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Release"
        ]
        return f"builds a Release at lines {calls}" if calls else None

    paths = [p for p in _python_files("bot") if p.relative_to(ROOT).as_posix() != RELEASE_MODULE]
    assert not (found := _offenders(paths, check)), "\n".join(found)


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


def test_store_modules_read_through_the_helpers_not_cursors():
    def check(path: Path) -> str | None:
        cursors = re.findall(r"\.fetch(?:one|all|many)\(\)", path.read_text("utf-8"))
        return "reads a cursor itself: use rows(conn, …)" if cursors else None

    # backup.py copies the file through the sqlite3 module's own backup API, off the loop.
    paths = [
        p for p in _python_files("bot/store") if p.name not in ("db.py", "_pg.py", "backup.py")
    ]
    assert not (found := _offenders(paths, check)), "\n".join(found)
