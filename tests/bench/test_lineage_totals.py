"""The bench's national data, approved on the three-tier tree, reads the same on the two-tier
tree through lineage (issue 12, "Bench and numbers"): the 34 new provinces hold the approved
entries and persons of the 63 old ones, and the national total does not move.

The seed is ``bench.seed``'s own (the same generator, decisions, facts and rebuild), on a sample
of the tree so that it runs in seconds: every province, one district each and one of its
commune.
"""

from __future__ import annotations

import time

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from bench.seed import CYCLE, TREE_DAY, Sample, seed_once
from db import plans as plans_db
from tests.conftest import NOW

# Per province of a tree (valid on the day): approved entries and persons from the rollups.
PROVINCE_TOTALS = """
    SELECT count(*), coalesce(sum(e.entries), 0), coalesce(sum(p.persons), 0)
    FROM unit u
    LEFT JOIN LATERAL (SELECT sum(entries) AS entries FROM rollup_entry_total
                       WHERE ancestor_id = u.id AND cycle_id = :c) e ON true
    LEFT JOIN LATERAL (SELECT sum(persons) AS persons FROM rollup_person_total
                       WHERE ancestor_id = u.id AND cycle_id = :c) p ON true
    WHERE u.kind = 'PROVINCE' AND u.valid_from IS NOT DISTINCT FROM :valid_from
      AND u.valid_to IS NOT DISTINCT FROM :valid_to
"""
NATIONAL = """
    SELECT (SELECT sum(entries) FROM rollup_entry_total WHERE ancestor_id = u.id AND cycle_id = :c),
           (SELECT sum(persons) FROM rollup_person_total WHERE ancestor_id = u.id AND cycle_id = :c)
    FROM unit u WHERE u.code = 'VN'
"""


async def test_new_provinces_hold_the_old_provinces_figures(session: AsyncSession) -> None:
    cycle = await plans_db.cycle_by_code(session, code=CYCLE)
    assert cycle is not None
    await seed_once(session, cycle.id, time.monotonic(), Sample(districts=1, communes=1))
    facts = await session.scalar(
        text("SELECT count(*) FROM entry_fact WHERE cycle_id = :c"), {"c": cycle.id}
    )
    decided = await session.scalar(
        text("SELECT max(decided_at) FROM plan WHERE cycle_id = :c AND status = 'APPROVED'"),
        {"c": cycle.id},
    )

    old = (
        await session.execute(
            text(PROVINCE_TOTALS), {"c": cycle.id, "valid_from": None, "valid_to": TREE_DAY}
        )
    ).one()
    new = (
        await session.execute(
            text(PROVINCE_TOTALS),
            {"c": cycle.id, "valid_from": TREE_DAY.replace(month=7, day=1), "valid_to": None},
        )
    ).one()
    national = (await session.execute(text(NATIONAL), {"c": cycle.id})).one()

    assert decided is not None
    assert decided.date() < TREE_DAY  # approved on the old tree
    assert facts is not None
    assert facts > 5_000
    assert (old[0], new[0]) == (63, 34)
    assert old[1] == facts  # every approved entry lies in one old province
    assert (new[1], new[2]) == (old[1], old[2])
    assert (national[0], national[1]) == (old[1], old[2])
    assert NOW.date() > TREE_DAY
