"""Edits to the bundled show file that tests make before importing it."""

from __future__ import annotations

import json


def episode_synopsis(number: int, synopsis: str) -> tuple[str, str]:
    """An edit giving episode ``number`` a synopsis."""
    return (
        f"number = {number}\n",
        # A JSON string is a valid TOML basic string.
        f"number = {number}\nsynopsis = {json.dumps(synopsis)}\n",
    )
