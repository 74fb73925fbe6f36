"""Run ``python -m bot`` as a real subprocess pointed at a stand-in."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
READY_LINE = "ready as "


class BotProcess:
    """One bot installation (a database and log files in ``workdir``) that can be run,
    SIGKILLed and run again; each run writes its own stdout/stderr file."""

    def __init__(
        self,
        api_base: str,
        gateway_url: str,
        token: str,
        workdir: Path,
        *,
        log_level: str = "INFO",
        extra_env: dict[str, str] | None = None,
        piped: bool = False,
    ) -> None:
        self.workdir = workdir
        # Piped: the bot writes its output to a pipe this process copies into the run's
        # file, so a limit on the bot's file sizes (a full disk) never touches its log.
        self.piped = piped
        self._copier: asyncio.Task[None] | None = None
        self.database = workdir / "kdrama-bot.sqlite3"
        self.log_file = workdir / "kdrama-bot.log"
        self.runs = 0
        self.process: asyncio.subprocess.Process | None = None
        self.env = {
            "PATH": os.environ.get("PATH", ""),
            "HOME": str(workdir),
            "PYTHONPATH": str(REPO),
            "PYTHONUNBUFFERED": "1",  # a SIGKILLed run still leaves its log lines
            "NO_PROXY": "127.0.0.1",
            "DISCORD_TOKEN": token,
            "DISCORD_API_BASE_URL": api_base,
            "DISCORD_GATEWAY_URL": gateway_url,
            "DATABASE_PATH": str(self.database),
            "LOG_FILE": str(self.log_file),
            "LOG_LEVEL": log_level,
            **(extra_env or {}),
        }

    @property
    def output_path(self) -> Path:
        """stdout+stderr of the current (latest) run."""
        return self.workdir / f"run-{self.runs}.out"

    def output(self) -> str:
        """stdout+stderr of every run and command so far, then the log file."""
        parts = [p.read_text("utf-8", "replace") for p in sorted(self.workdir.glob("*.out"))]
        if self.log_file.exists():
            parts.append(self.log_file.read_text("utf-8", "replace"))
        return "\n".join(parts)

    def problems(self) -> list[str]:
        """Log lines at ERROR or worse, and tracebacks, from every run so far."""
        return [
            line
            for line in self.output().splitlines()
            if " ERROR " in line or " CRITICAL " in line or line.startswith("Traceback")
        ]

    async def command(self, *args: str, within: float = 30.0) -> tuple[int, str]:
        """Run a one-shot CLI command (``sync --guild N``); return exit code and output."""
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            *args,
            cwd=self.workdir,
            env=self.env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        out, _ = await asyncio.wait_for(process.communicate(), within)
        text = out.decode("utf-8", "replace")
        (self.workdir / f"cmd-{args[0]}-{time.monotonic_ns()}.out").write_text(text, "utf-8")
        return process.returncode or 0, text

    async def start(self) -> None:
        """Start ``python -m bot run`` (does not wait for READY)."""
        await self.start_script([sys.executable, "-m", "bot", "run"])

    async def start_script(self, argv: list[str]) -> None:
        """Start any bot command line with this installation's environment."""
        assert self.process is None or self.process.returncode is not None, "already running"
        self.runs += 1
        if self.piped:
            self.output_path.touch()  # wait_ready reads it before the first line arrives
            self.process = await asyncio.create_subprocess_exec(
                *argv,
                cwd=self.workdir,
                env=self.env,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.STDOUT,
            )
            self._copier = asyncio.create_task(self._copy(self.process, self.output_path))
            return
        with self.output_path.open("wb") as out:
            self.process = await asyncio.create_subprocess_exec(
                *argv,
                cwd=self.workdir,
                env=self.env,
                stdout=out,
                stderr=asyncio.subprocess.STDOUT,
            )

    @staticmethod
    async def _copy(process: asyncio.subprocess.Process, path: Path) -> None:
        """Append what the bot writes to its pipe to ``path``, line by line, until it exits."""
        assert process.stdout is not None
        with path.open("ab") as out:
            async for line in process.stdout:
                out.write(line)
                out.flush()

    async def _copied(self) -> None:
        if self._copier is not None:
            await self._copier
            self._copier = None

    async def wait_ready(self, within: float = 20.0) -> float:
        """Wait for this run's "ready as" log line; return seconds since :meth:`start`."""
        started = time.monotonic()
        while True:
            text = self.output_path.read_text("utf-8", "replace")
            if READY_LINE in text:
                return time.monotonic() - started
            if self.process is not None and self.process.returncode is not None:
                raise AssertionError(f"bot exited with {self.process.returncode}:\n{text[-3000:]}")
            if time.monotonic() - started > within:
                raise AssertionError(f"bot not ready within {within}s:\n{text[-3000:]}")
            await asyncio.sleep(0.02)

    async def kill(self) -> None:
        """SIGKILL: no cleanup, no goodbye, exactly like a power cut."""
        if self.process is not None and self.process.returncode is None:
            self.process.send_signal(signal.SIGKILL)
            await self.process.wait()
        await self._copied()

    async def stop(self, within: float = 15.0) -> int:
        """Ask the bot to stop the way a terminal does (SIGINT); SIGKILL if it hangs."""
        if self.process is None or self.process.returncode is not None:
            return self.process.returncode if self.process else 0
        self.process.send_signal(signal.SIGINT)
        try:
            code = await asyncio.wait_for(self.process.wait(), within)
            await self._copied()
            return code
        except TimeoutError:
            await self.kill()
            raise AssertionError("bot did not stop within 15 s of SIGINT") from None
