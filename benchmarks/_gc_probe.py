"""Run a bot with its garbage-collection pauses written down, for bench_wire.

    python benchmarks/_gc_probe.py OUT -m bot run
    python benchmarks/_gc_probe.py OUT benchmarks/_bare_bot.py

Every full (generation 2) collection, and any other one over 5 ms, appends a line
``start end generation`` to OUT, in ``time.monotonic()`` seconds: on Linux that is
CLOCK_MONOTONIC, the same clock in every process, so bench_wire can tell which
interactions a pause of the bot overlapped. A full collection stops the bot's event loop
for tens of milliseconds (it walks every tracked object), so it is the bot's own p99 at
8 in flight whenever one falls inside a measured phase.
"""

from __future__ import annotations

import gc
import runpy
import sys
import time
from typing import Any

SLOW = 0.005  # younger collections are listed only when they take longer than this


def main() -> None:
    """Install the probe, then run the rest of the command line as ``python`` would."""
    out = open(sys.argv[1], "a", buffering=1)  # noqa: SIM115  (open for the process's life)
    started = 0.0

    def probe(phase: str, info: dict[str, Any]) -> None:
        nonlocal started
        if phase == "start":
            started = time.monotonic()
            return
        ended = time.monotonic()
        if info["generation"] == 2 or ended - started > SLOW:
            out.write(f"{started:.6f} {ended:.6f} {info['generation']}\n")

    gc.callbacks.append(probe)
    target = sys.argv[2:]
    if target[0] == "-m":
        sys.argv = [target[1], *target[2:]]
        runpy.run_module(target[1], run_name="__main__", alter_sys=True)
    else:
        sys.argv = target
        runpy.run_path(target[0], run_name="__main__")


if __name__ == "__main__":
    main()
