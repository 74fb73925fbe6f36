"""The one-statement card reads find their rows through indexes, whatever the catalog's size."""

from __future__ import annotations

import pytest

from bot.store import catalog, people


@pytest.mark.parametrize(
    "sql",
    [catalog._SHOW_INFO["sqlite"], people._CHARACTER["sqlite"], people._PERSON["sqlite"]],
    ids=["show", "character", "person"],
)
async def test_a_card_never_scans_a_whole_table(db, sql):
    if db.dialect != "sqlite":
        pytest.skip("reads SQLite's EXPLAIN QUERY PLAN")
    plan = [row[3] for row in await db.fetchall(f"EXPLAIN QUERY PLAN {sql}", (1, 1))]
    assert plan, "the query has a plan"
    assert [step for step in plan if step.startswith("SCAN")] == []
