"""The one-statement card reads find their rows through indexes, whatever the catalog's size."""

from __future__ import annotations

import pytest

from bot.store import catalog, people


@pytest.mark.parametrize(
    "queries",
    [catalog._SHOW_INFO, people._CHARACTER, people._PERSON],
    ids=["show", "character", "person"],
)
async def test_a_card_never_scans_a_whole_table(db, queries):
    sql = queries[db.dialect]
    if db.dialect == "sqlite":
        plan = [row[3] for row in await db.fetchall(f"EXPLAIN QUERY PLAN {sql}", (1, 1))]
        assert plan, "the query has a plan"
        assert [step for step in plan if step.startswith("SCAN")] == []
        return
    # PostgreSQL picks a sequential scan of a small table even beside an index; with
    # sequential scans priced out, one left in the plan means no index can serve it.
    async with db.transaction() as conn:
        await conn.execute("SET LOCAL enable_seqscan = off")
        plan = [row[0] for row in await conn.execute_fetchall(f"EXPLAIN {sql}", (1, 1))]
    assert plan, "the query has a plan"
    assert [step for step in plan if "Seq Scan" in step] == []
