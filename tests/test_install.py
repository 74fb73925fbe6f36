"""The package installs: a wheel in a fresh venv, outside the checkout, has its data.

An editable install finds ``bot/i18n/<locale>/*.json`` and the bundled show files in the
checkout whatever pyproject.toml says; only a built wheel shows what a user gets.
Cost, measured on the 2-core CI machine: ~5 s to build, ~16 s to install with the
sandbox extra from the local package index, ~2 s to run.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

# Run inside the installed venv: seed a guild from the installed bundled shows and speak
# both languages from the installed catalogs.
SEED_AND_SPEAK = """
import asyncio, sys
import bot
from bot.i18n import t
from bot.services.catalog import ensure_seeded
from bot.store import Database

async def main():
    db = Database(sys.argv[1])
    await db.open()
    await db.migrate()
    try:
        await ensure_seeded(db, 1)
        rows = await db.fetchall("SELECT slug, title FROM shows WHERE guild_id = 1")
    finally:
        await db.close()
    print("bot at", bot.__file__)
    print("shows", [tuple(r) for r in rows])
    print("en", t("error.guild_only", "en"))
    print("ko", t("error.guild_only", "ko"))

asyncio.run(main())
"""


def _run(*argv: str | Path, cwd: Path, **kwargs) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV"}}
    return subprocess.run(
        [str(a) for a in argv],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        **kwargs,
    )


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A fresh venv with the wheel built from this checkout installed (sandbox extra)."""
    work = tmp_path_factory.mktemp("install")
    # Build from a copy so setuptools' build/ and egg-info never land in the checkout.
    source = work / "src"
    source.mkdir()
    shutil.copytree(REPO / "bot", source / "bot", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, source / name)
    built = _run(
        sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", work / "dist", ".",
        cwd=source,
    )  # fmt: skip
    assert built.returncode == 0, built.stderr
    (wheel,) = (work / "dist").glob("kdrama_bot-*.whl")
    venv = work / "venv"
    made = _run(sys.executable, "-m", "venv", venv, cwd=work)
    assert made.returncode == 0, made.stderr
    pip = _run(venv / "bin" / "pip", "install", "-q", f"{wheel}[sandbox]", cwd=work)
    if pip.returncode != 0 and "No matching distribution" in pip.stderr:
        pytest.skip(f"no package index reachable for the wheel's dependencies: {pip.stderr}")
    assert pip.returncode == 0, pip.stderr
    return venv


def test_wheel_checks_its_bundled_show_outside_the_checkout(installed: Path, tmp_path: Path):
    python = installed / "bin" / "python"
    where = _run(
        python, "-c", "from bot.services.catalog import bundled_show_entries as b; print(b()[0])",
        cwd=tmp_path,
    )  # fmt: skip
    assert where.returncode == 0, where.stderr
    show = Path(where.stdout.strip())
    assert show.is_relative_to(installed), show  # the installed copy, not the checkout's
    check = _run(installed / "bin" / "kdrama-bot", "data", "check", show, cwd=tmp_path)
    assert check.returncode == 0, check.stdout + check.stderr
    assert check.stdout.startswith(f"ok: {show} (show soundtrack-1, 4 episodes")


def test_wheel_seeds_soundtrack_1_and_speaks_both_languages(installed: Path, tmp_path: Path):
    script = tmp_path / "seed.py"
    script.write_text(SEED_AND_SPEAK, "utf-8")
    out = _run(installed / "bin" / "python", script, tmp_path / "x.sqlite3", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert f"bot at {installed}" in out.stdout
    assert "shows [('soundtrack-1', 'Soundtrack #1')]" in out.stdout
    assert "en This command only works inside a server." in out.stdout
    assert "ko 이 명령어는 서버 안에서만 쓸 수 있어요." in out.stdout
    assert "missing message key" not in out.stderr


def test_wheel_sandbox_serves_its_page_at_the_printed_address(installed: Path, tmp_path: Path):
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "DISCORD_TOKEN"}}
    proc = subprocess.Popen(
        [str(installed / "bin" / "kdrama-bot"), "sandbox"],
        cwd=tmp_path,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        url = None
        for line in proc.stdout:
            if line.strip().startswith("page "):
                url = line.split()[-1]
            if line.startswith("ready in "):
                break
        assert url is not None
        assert url.startswith("http://127.0.0.1:"), url
        with urllib.request.urlopen(url, timeout=30) as page:  # a local address only
            assert page.status == 200
            assert "<title>SimCord Preview</title>" in page.read().decode("utf-8", "replace")
        out, err = proc.communicate("quit\n", timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0, err
    assert out.rstrip().endswith("sandbox stopped")
