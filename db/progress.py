"""Where the plans of a subtree stand: counts per child and status, and the children's plans."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import BigInteger, Date, DateTime, Enum as SqlEnum, ForeignKey, select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, child_under
from db.models import Unit
from db.plan_models import Plan
from planning.lifecycle import CLOCK_RUNNING_STATUSES
from planning.units import UnitKind


class Deadline(Base):
    __tablename__ = "deadline"

    province_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("unit.id"), primary_key=True)
    cycle_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("cycle.id"), primary_key=True)
    unit_kind: Mapped[UnitKind] = mapped_column(
        SqlEnum(UnitKind, name="unit_kind", values_callable=lambda e: [m.value for m in e]),
        primary_key=True,
    )
    due_on: Mapped[date] = mapped_column(Date)
    set_by: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("app_user.id"))
    set_at: Mapped[Any] = mapped_column(DateTime(timezone=True))


async def set_deadline(session: AsyncSession, /, **values: Any) -> None:
    keys = ("province_id", "cycle_id", "unit_kind")
    await session.execute(
        insert(Deadline)
        .values(**values)
        .on_conflict_do_update(
            index_elements=list(keys), set_={k: v for k, v in values.items() if k not in keys}
        )
    )


async def deadlines(session: AsyncSession, *, unit_path: str, cycle_id: int) -> dict[str, date]:
    """The deadlines set by the province the unit lies in (itself if it is one), per kind of
    unit; none above the provinces. One statement whatever the unit's level."""
    rows = await session.execute(
        text(
            "SELECT d.unit_kind::text, d.due_on FROM unit p "
            "JOIN deadline d ON d.province_id = p.id AND d.cycle_id = :c "
            "WHERE p.path @> text2ltree(:path) AND p.kind = 'PROVINCE'"
        ),
        {"path": unit_path, "c": cycle_id},
    )
    return {str(kind): due for kind, due in rows.all()}


# Plans of the subtree counted per child of the unit (the unit itself for its own plans). The
# path is passed as a value, so that PostgreSQL estimates the subtree's size from it
# (DESIGN.md §6); plans are found by planning unit (migration 0009).
#
# Carried over (issue 12): the unit and each of its children also count the plans of the
# predecessor subtrees they read through lineage (``unit_inherited``), until their inheritance
# of the cycle ended (their consolidation approved), flagged ``inherited``. A split predecessor's
# plans count for each of its successors; the unit's own roots cover its children's, so that
# its totals are its own subtree's plans and its own inherited ones, each plan once.
STATUS_PER_CHILD = f"""
    WITH reads AS (
        SELECT h.id, i.root_path
        FROM unit h JOIN unit_inherited i ON i.unit_id = h.id
        WHERE (h.path = text2ltree(:path)
               OR h.parent_id = (SELECT id FROM unit WHERE path = text2ltree(:path)))
          AND NOT EXISTS (SELECT FROM inheritance_ended e
                          WHERE e.unit_id = h.id AND e.cycle_id = :cycle)
    ), counted AS (
        SELECT {child_under("u.path", "text2ltree(:path)", "u.id")} AS child, false AS inherited,
               p.status, p.due_on
        FROM unit u
        JOIN plan p ON p.planning_unit_id = u.id
        WHERE u.path <@ text2ltree(:path) AND p.cycle_id = :cycle
        UNION ALL
        SELECT r.id, true, p.status, p.due_on
        FROM reads r
        JOIN unit u ON u.path <@ r.root_path
        JOIN plan p ON p.planning_unit_id = u.id
        WHERE p.cycle_id = :cycle
    )
    SELECT child, inherited, status::text, count(*),
           count(*) FILTER (WHERE due_on < :today AND status::text = ANY(:clock_running))
    FROM counted
    GROUP BY 1, 2, 3
"""


async def status_per_child(
    session: AsyncSession, *, unit_path: str, cycle_id: int, today: date
) -> list[tuple[int, bool, str, int, int]]:
    """(child, carried over, status, plans, plans past their decision date) over the unit's
    subtree and the predecessor subtrees it and its children read through lineage."""
    rows = await session.execute(
        text(STATUS_PER_CHILD),
        {
            "path": unit_path,
            "cycle": cycle_id,
            "today": today,
            "clock_running": sorted(CLOCK_RUNNING_STATUSES),
        },
    )
    return [
        (int(child), bool(inherited), status, int(n), int(late))
        for child, inherited, status, n, late in rows
    ]


async def plans_of_children(
    session: AsyncSession, *, unit_id: int, cycle_id: int
) -> dict[int, list[Plan]]:
    """The plans of each direct child of the unit (its own plans, not its subtree's)."""
    rows = await session.scalars(
        select(Plan)
        .join(Unit, Unit.id == Plan.planning_unit_id)
        .where(Unit.parent_id == unit_id, Plan.cycle_id == cycle_id)
        .order_by(Plan.id)
    )
    found: dict[int, list[Plan]] = {}
    for plan in rows:
        found.setdefault(plan.planning_unit_id, []).append(plan)
    return found
