"""Lineage rows and what they derive: the predecessor subtrees each unit reads.

``unit_inherited`` is recomputed whole from ``unit_lineage`` and the tree whenever lineage is
loaded (a few thousand rows for the 2025 reform, well under a second); scope and the rollups
read it instead of walking lineage per request.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from sqlalchemy import delete, select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from db import rollups
from db.access_cache import notify_all
from db.models import Unit, UnitInherited, UnitLineage
from db.unit_import import UnitListRejected
from db.units import valid_at
from planning.lineage import LineageRow, UnitKey, check_lineage

# For every unit A: the predecessors of the units of A's subtree, and transitively those of the
# units in each predecessor's subtree; kept are the minimal roots outside A's own subtree.
_INHERITED = """
WITH RECURSIVE reads(unit_id, root_id) AS (
    SELECT a.id, l.predecessor_id
    FROM unit a
    JOIN unit s ON s.path <@ a.path
    JOIN unit_lineage l ON l.successor_id = s.id
  UNION
    SELECT r.unit_id, l.predecessor_id
    FROM reads r
    JOIN unit p ON p.id = r.root_id
    JOIN unit s ON s.path <@ p.path
    JOIN unit_lineage l ON l.successor_id = s.id
),
placed AS (
    SELECT DISTINCT r.unit_id, r.root_id, p.path AS root_path
    FROM reads r
    JOIN unit a ON a.id = r.unit_id
    JOIN unit p ON p.id = r.root_id
    WHERE NOT p.path <@ a.path
)
SELECT x.unit_id, x.root_id, x.root_path
FROM placed x
WHERE NOT EXISTS (
    SELECT 1 FROM placed y
    WHERE y.unit_id = x.unit_id AND y.root_id <> x.root_id AND x.root_path <@ y.root_path
)
"""


async def _keys(session: AsyncSession, *, at: date) -> dict[UnitKey, int]:
    rows = await session.execute(select(Unit.kind, Unit.code, Unit.id).where(valid_at(at)))
    return {(kind, code): unit_id for kind, code, unit_id in rows}


async def link(session: AsyncSession, rows: Sequence[LineageRow], *, effective: date) -> int:
    """Record the lineage of a reform taking effect on ``effective``; the caller commits.

    Predecessors are the units in force the day before, successors those in force that day.
    Links already recorded are left alone, so loading a file twice adds nothing.

    :returns: how many links were added
    :raises UnitListRejected: with every problem found, before anything is written
    """
    links, problems = check_lineage(
        rows,
        predecessors=await _keys(session, at=effective - timedelta(days=1)),
        successors=await _keys(session, at=effective),
    )
    if problems:
        raise UnitListRejected(problems)
    added = 0
    if links:
        result = await session.execute(
            insert(UnitLineage)
            .values(
                [
                    {"predecessor_id": old, "successor_id": new, "effective": effective}
                    for old, new in links
                ]
            )
            .on_conflict_do_nothing()
            .returning(UnitLineage.predecessor_id)
        )
        added = len(result.all())
    if added:
        await refresh_inherited(session)
        await rollups.after_lineage(session)  # the successors count what they now read
        # Principals carry their units' inherited roots: every process drops its cache on commit.
        await notify_all(session)
    return added


async def refresh_inherited(session: AsyncSession) -> None:
    """Recompute ``unit_inherited`` from the lineage and the tree."""
    await session.execute(delete(UnitInherited))
    await session.execute(
        insert(UnitInherited).from_select(
            ["unit_id", "root_id", "root_path"],
            text(_INHERITED).columns(
                UnitInherited.unit_id, UnitInherited.root_id, UnitInherited.root_path
            ),
        )
    )


async def inherited_roots(
    session: AsyncSession, unit_ids: Sequence[int]
) -> dict[int, tuple[str, ...]]:
    """The root paths of the predecessor subtrees each unit reads through lineage."""
    found: dict[int, list[str]] = {unit_id: [] for unit_id in unit_ids}
    rows = await session.execute(
        select(UnitInherited.unit_id, UnitInherited.root_path)
        .where(UnitInherited.unit_id.in_(unit_ids))
        .order_by(UnitInherited.unit_id, UnitInherited.root_path)
    )
    for unit_id, path in rows:
        found[unit_id].append(path)
    return {unit_id: tuple(paths) for unit_id, paths in found.items()}


async def successors_of(
    session: AsyncSession, unit_ids: Sequence[int]
) -> dict[int, list[tuple[Unit, date]]]:
    """The units that continue each unit, with the day they took over, by code."""
    return await _linked(session, unit_ids, forward=True)


async def predecessors_of(
    session: AsyncSession, unit_ids: Sequence[int]
) -> dict[int, list[tuple[Unit, date]]]:
    """The units each unit continues, with the day it took over, by code."""
    return await _linked(session, unit_ids, forward=False)


async def _linked(
    session: AsyncSession, unit_ids: Sequence[int], *, forward: bool
) -> dict[int, list[tuple[Unit, date]]]:
    other = aliased(Unit)
    mine, theirs = (
        (UnitLineage.predecessor_id, UnitLineage.successor_id)
        if forward
        else (UnitLineage.successor_id, UnitLineage.predecessor_id)
    )
    rows = await session.execute(
        select(mine, other, UnitLineage.effective)
        .join(other, other.id == theirs)
        .where(mine.in_(unit_ids))
        .order_by(mine, other.code, other.id)
    )
    found: dict[int, list[tuple[Unit, date]]] = {unit_id: [] for unit_id in unit_ids}
    for unit_id, unit, effective in rows:
        found[unit_id].append((unit, effective))
    return found
