"""Spoiler care: facts tied to an episode a member has not watched yet stay hidden."""

from __future__ import annotations


def is_spoiler(episode: int, progress: int) -> bool:
    """Whether a fact about ``episode`` spoils a member who watched up to ``progress``."""
    return episode > progress


def spoiler(text: str) -> str:
    """``text`` behind Discord spoiler bars (a stray ``||`` inside would end them early)."""
    return f"||{text.replace('||', '| |')}||"


def gate(text: str, episode: int, progress: int) -> str:
    """``text`` as the member may see it: plain if watched, behind bars if not."""
    return spoiler(text) if is_spoiler(episode, progress) else text
