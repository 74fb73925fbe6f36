"""``python -m bot``: the same command line as ``kdrama-bot``."""

from bot.cli.main import main

if __name__ == "__main__":
    raise SystemExit(main())
