"""Load a unit list into the hierarchy: validated whole first, then written in one transaction."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, func, insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Unit
from db.units import valid_at
from planning.problems import problem
from planning.units import TIER_RANK, RowProblem, UnitKind, UnitRow, check_rows

ProgressFn = Callable[[int, int], None]
_BATCH = 1000


@dataclass(frozen=True, slots=True)
class ImportResult:
    created: int
    renamed: int
    unchanged: int

    @property
    def changed(self) -> bool:
        return bool(self.created or self.renamed)


class UnitListRejected(Exception):
    """The list has problems; nothing was written."""

    def __init__(self, problems: Sequence[RowProblem]) -> None:
        super().__init__(f"{len(problems)} problem(s) in the unit list")
        self.problems = list(problems)


def _overlaps(valid_from: date | None, valid_to: date | None) -> ColumnElement[bool]:
    # Rows whose validity overlaps the list's period [valid_from, valid_to].
    return func.daterange(Unit.valid_from, Unit.valid_to, "[]").bool_op("&&")(
        func.daterange(valid_from, valid_to, "[]")
    )


async def import_units(
    session: AsyncSession,
    rows: Sequence[UnitRow],
    *,
    valid_from: date | None,
    valid_to: date | None,
    on_progress: ProgressFn = lambda done, total: None,
) -> ImportResult:
    """Add the units of ``rows`` valid over [valid_from, valid_to]; the caller commits.

    A unit already present with the same code and period is left alone (or renamed when its
    name was corrected); a unit with the same code over another overlapping period, or under
    another parent, is a conflict: reorganisations are new units with their own dates.

    :raises UnitListRejected: with every problem found, before anything is written
    """
    codes = {row.code for row in rows} | {row.parent_code for row in rows if row.parent_code}
    overlapping = await session.scalars(
        select(Unit).where(Unit.code.in_(codes), _overlaps(valid_from, valid_to))
    )
    existing = {unit.code: unit for unit in overlapping}
    problems = check_rows(
        rows, existing_parents={code: unit.kind for code, unit in existing.items()}
    )
    root = await session.scalar(select(Unit).where(Unit.parent_id.is_(None)))
    assert root is not None, "migration 0001 creates the national root"
    problems += _conflicts(
        rows, existing, root_id=root.id, valid_from=valid_from, valid_to=valid_to
    )
    if problems:
        raise UnitListRejected(sorted(problems, key=lambda p: p.line))

    placed: dict[str, tuple[int, str]] = {code: (u.id, u.path) for code, u in existing.items()}
    new_rows = sorted(
        (row for row in rows if row.code not in existing),
        key=lambda row: (TIER_RANK[UnitKind(row.kind)], row.code),
    )
    ids = iter(
        await session.scalars(
            select(func.nextval(text("pg_get_serial_sequence('unit', 'id')"))).select_from(
                func.generate_series(1, len(new_rows))
            )
        )
    )
    values = []
    for row in new_rows:
        parent_id, parent_path = (
            placed[row.parent_code] if row.parent_code else (root.id, root.path)
        )
        unit_id = next(ids)
        placed[row.code] = (unit_id, f"{parent_path}.{unit_id}")
        values.append(
            {
                "id": unit_id,
                "kind": UnitKind(row.kind),
                "code": row.code,
                "name": row.name,
                "parent_id": parent_id,
                "path": placed[row.code][1],
                "valid_from": valid_from,
                "valid_to": valid_to,
            }
        )
    total = len(values)
    for start in range(0, total, _BATCH):
        await session.execute(insert(Unit), values[start : start + _BATCH])
        on_progress(min(start + _BATCH, total), total)

    renames = [
        (existing[row.code].id, row.name)
        for row in rows
        if row.code in existing and existing[row.code].name != row.name
    ]
    for unit_id, name in renames:
        await session.execute(update(Unit).where(Unit.id == unit_id).values(name=name))
    return ImportResult(
        created=total, renamed=len(renames), unchanged=len(rows) - total - len(renames)
    )


def _conflicts(
    rows: Sequence[UnitRow],
    existing: dict[str, Unit],
    *,
    root_id: int,
    valid_from: date | None,
    valid_to: date | None,
) -> list[RowProblem]:
    problems = []
    for row in rows:
        unit = existing.get(row.code)
        if unit is None:
            continue
        if (unit.valid_from, unit.valid_to) != (valid_from, valid_to):
            problems.append(
                RowProblem(row.line, problem("CODE_IN_USE", None, code=row.code, unit=unit.name))
            )
            continue
        parent = existing.get(row.parent_code) if row.parent_code else None
        if unit.kind != row.kind or (parent.id if parent else root_id) != unit.parent_id:
            problems.append(RowProblem(row.line, problem("UNIT_MOVED", None, code=row.code)))
    return problems


async def exists_at(session: AsyncSession, *, code: str, at: date) -> bool:
    """Whether a unit bore ``code`` on ``at`` (used to tell whether a dataset is loaded)."""
    found = await session.scalar(select(Unit.id).where(Unit.code == code, valid_at(at)))
    return found is not None
