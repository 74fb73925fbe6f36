"""The timer probe's fixtures, for the test modules that use it.

A module takes them as its own (``make_bot, probe = probe_fixtures.make_bot,
probe_fixtures.probe``) rather than from a conftest: a conftest's ``make_bot`` would
load the probe into every services test's bot, and only these modules want it.
"""

from __future__ import annotations

import pytest

from bot.app import EXTENSIONS
from tests.services.probe_state import PROBE, Probe


@pytest.fixture
def make_bot(make_bot):
    """Bots that also load the probe extension (its handler registered in cog_load,
    records every run and fails on demand); the shared factory closes each one's store
    after the test."""
    return lambda: make_bot(extensions=(*EXTENSIONS, "tests.services.timer_probe"))


@pytest.fixture(autouse=True)
def probe() -> Probe:
    """A fresh probe per test."""
    fresh = Probe()
    PROBE.__dict__.update(fresh.__dict__)
    return PROBE
