"""``kdrama-bot sandbox``: the whole real bot inside SimCord, in a local browser page.

No token, no Discord application, no network: SimCord plays Discord, and its Preview
serves a Discord-like page for #general on 127.0.0.1. A terminal prompt moves virtual
time; what the page cannot show is echoed in the terminal.

Modules: ``world`` (the demo guild around the real bot: ``sandbox_world``),
``prompt`` (the time prompt), ``echo`` (other channels, told in the terminal),
``cli`` (the command). SimCord is imported only by them, so ``kdrama-bot`` runs
without the ``sandbox`` extra installed.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys

INSTALL_HINT = "the sandbox needs its extra: pip install -e '.[sandbox]'"


def main(args: argparse.Namespace) -> int:
    """Run the sandbox until quit, Ctrl-C, end of input or "End preview session"."""
    _quiet_logging()
    try:
        from bot.sandbox.cli import run
    except ImportError as exc:
        print(f"kdrama-bot: {INSTALL_HINT} ({exc})", file=sys.stderr)
        return 2
    return run(args)


def _quiet_logging() -> None:
    """Keep the terminal for the prompt, the echo and real errors (with their traceback).

    Start-up chatter (discord.py's voice warnings, SimCord's import-time probe client)
    is hidden unless LOG_LEVEL asks for it. Done before SimCord is imported.
    """
    if "LOG_LEVEL" not in os.environ:
        logging.getLogger().setLevel(logging.WARNING)
        logging.getLogger("discord").setLevel(logging.ERROR)
