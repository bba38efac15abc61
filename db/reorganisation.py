"""Load a reorganisation (a new unit list and its lineage) in the caller's transaction, and move
the persons of the units it closes; the decisions are ``planning.reorganisation``'s.

``reorganize`` closes, creates, links and moves in that order (the old units must end before
new ones may reuse their codes) and raises ``ReorganisationRejected`` with every problem it
found, so the caller rolls back and nothing is written. A dry run is the same call rolled back
by the caller: its report is exactly what a run does. Running it again changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import cast

from sqlalchemy import Select, Table, bindparam, func, insert, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from db import audit, lineage as lineage_db, persons as persons_db
from db.models import Unit, UnitLineage
from db.plan_models import Cycle, Person, PersonAssignment, PersonUnitHistory, Plan
from db.reach import within
from db.unit_import import UnitListRejected, import_units
from db.units import valid_at
from planning import reorganisation as reorg
from planning.access import Reach
from planning.lifecycle import PlanStatus
from planning.lineage import LineageRow, check_lineage
from planning.transfers import Placement, Transfer
from planning.units import RowProblem, UnitKind, UnitRow

REORGANIZE_EVENT = "reorganize"
_BATCH = 1000
_PERSON = cast(Table, Person.__table__)
_MOVE_PERSON = (
    update(_PERSON)
    .where(_PERSON.c.id == bindparam("b_id"))
    .values(unit_id=bindparam("b_unit"), version=_PERSON.c.version + 1)
)


class ReorganisationRejected(Exception):
    """The unit list or the lineage has problems; nothing may be written."""

    def __init__(self, units: Sequence[RowProblem], lineage: Sequence[RowProblem]) -> None:
        super().__init__(f"{len(units) + len(lineage)} problem(s) in the reorganisation")
        self.units = list(units)
        self.lineage = list(lineage)


async def _keys(session: AsyncSession, *, at: date) -> dict[tuple[UnitKind, str], int]:
    rows = await session.execute(select(Unit.kind, Unit.code, Unit.id).where(valid_at(at)))
    return {(kind, code): unit_id for kind, code, unit_id in rows}


async def _root_id(session: AsyncSession) -> int:
    found = await session.scalar(select(Unit.id).where(Unit.parent_id.is_(None)))
    assert found is not None, "migration 0001 creates the national root"
    return found


async def reorganize(
    session: AsyncSession,
    *,
    units: Sequence[UnitRow],
    lineage: Sequence[LineageRow],
    effective: date,
    dry_run: bool,
    actor_user_id: int | None,
    now: datetime,
    source: str,
) -> reorg.Report:
    """Close the predecessors (and the units beneath them) on the day before ``effective``,
    create the units of ``units`` from ``effective``, record ``lineage`` and move the persons of
    the closed units; the caller commits (or, for a dry run, rolls back).

    :raises ReorganisationRejected: with every problem found
    """
    last_day = effective - timedelta(days=1)
    before = await _keys(session, at=last_day)
    after = await _keys(session, at=effective)
    # The lineage is checked before anything is written: the successors it names are the units
    # of the new list (placeholder ids) or units already in force that day.
    planned = dict(after)
    for index, row in enumerate(units, start=1):
        if row.kind in UnitKind.__members__:  # a bad kind: the unit list's check reports it
            planned.setdefault((UnitKind(row.kind), row.code), -index)
    _, lineage_problems = check_lineage(lineage, predecessors=before, successors=planned)
    first_line: dict[int, int] = {}
    for link in lineage:
        if link.predecessor_kind in UnitKind.__members__:
            old = before.get((UnitKind(link.predecessor_kind), link.predecessor_code))
            if old is not None:
                first_line.setdefault(old, link.line)
    in_force = await session.execute(
        select(Unit.id, Unit.path, Unit.valid_to, Unit.code).where(valid_at(last_day))
    )
    closing = reorg.closures(
        (reorg.InForce(*row) for row in in_force), predecessors=first_line, last_day=last_day
    )
    lineage_problems = sorted(
        [*lineage_problems, *closing.problems], key=lambda problem: problem.line
    )

    if closing.close:
        await session.execute(
            update(Unit).where(Unit.id.in_(closing.close)).values(valid_to=last_day)
        )
    # The units this run creates are those numbered after the last one there before it.
    last_id = await session.scalar(select(func.max(Unit.id))) or 0
    unit_problems: list[RowProblem] = []
    try:
        await import_units(session, units, valid_from=effective, valid_to=None)
    except UnitListRejected as rejected:
        unit_problems = rejected.problems
    if unit_problems or lineage_problems:
        raise ReorganisationRejected(unit_problems, lineage_problems)

    known_links = await _links(session, effective=effective)
    added = await lineage_db.link(session, lineage, effective=effective)
    links_now = await _links(session, effective=effective)
    followed = await _follow(session, effective=effective, actor_user_id=actor_user_id, now=now)

    opened_paths = list(
        await session.scalars(
            select(Unit.path).where(Unit.valid_from == effective, Unit.id > last_id)
        )
    )
    place = followed.place
    report = reorg.tally(
        effective=effective,
        dry_run=dry_run,
        opened=[place.of_path(path) for path in opened_paths],
        closed=[place.of_closed(unit_id) for unit_id in closing.close],
        already_closed=[place.of_closed(unit_id) for unit_id in closing.already_closed],
        links_added=[place.of_unit(new) for old, new in sorted(set(links_now) - set(known_links))],
        persons_moved=[place.of_unit(m.to_unit_id) for m in followed.moves if not m.awaiting],
        awaiting=[place.of_unit(m.to_unit_id) for m in followed.moves if m.awaiting],
        plans=followed.plans,
    )
    assert added == report.total.links_added
    await audit.record(
        session,
        at=now,
        actor_user_id=actor_user_id,
        action=REORGANIZE_EVENT,
        subject_type="reform",
        subject_id=int(effective.strftime("%Y%m%d")),
        unit_id=await _root_id(session),
        after={"source": source, "effective": effective.isoformat(), **report.total.as_json()},
    )
    return report


async def _links(session: AsyncSession, *, effective: date) -> list[tuple[int, int]]:
    rows = await session.execute(
        select(UnitLineage.predecessor_id, UnitLineage.successor_id).where(
            UnitLineage.effective == effective
        )
    )
    return [(old, new) for old, new in rows]


class _Places:
    """Where each unit of a reform lies in the new tree: the province of a unit, of a path,
    and of a closed unit (the province of the unit that takes its work)."""

    def __init__(
        self,
        *,
        paths: dict[int, str],
        provinces: set[int],
        targets: dict[int, int],
    ) -> None:
        self.paths, self.provinces, self.targets = paths, provinces, targets

    def of_path(self, path: str) -> int | None:
        return reorg.province_of(path, self.provinces)

    def of_unit(self, unit_id: int) -> int | None:
        path = self.paths.get(unit_id)
        return self.of_path(path) if path else None

    def of_closed(self, unit_id: int) -> int | None:
        target = self.targets.get(unit_id)
        return self.of_unit(target) if target is not None else None


class _Followed:
    def __init__(
        self, moves: list[reorg.Move], plans: list[tuple[int | None, str]], place: _Places
    ) -> None:
        self.moves, self.plans, self.place = moves, plans, place


async def follow(
    session: AsyncSession, *, effective: date, actor_user_id: int | None, now: datetime
) -> list[reorg.Move]:
    """Move the persons still on units a reform effective on ``effective`` closed (persons
    recorded on old units after the reform was loaded, e.g. by a back-dated import); the
    caller commits. Running it again moves nobody."""
    return (await _follow(session, effective=effective, actor_user_id=actor_user_id, now=now)).moves


async def _follow(
    session: AsyncSession, *, effective: date, actor_user_id: int | None, now: datetime
) -> _Followed:
    last_day = effective - timedelta(days=1)
    links: dict[int, list[int]] = {}
    for old, new in await _links(session, effective=effective):
        links.setdefault(old, []).append(new)
    closed_rows = await session.execute(select(Unit.id, Unit.path).where(Unit.valid_to == last_day))
    closed_paths: dict[int, str] = dict(closed_rows.all())
    closing = reorg.closing_units(closed_paths, links)
    successors = reorg.successors_by_unit({u: closed_paths[u] for u in closing}, links)
    new_rows = await session.execute(
        select(Unit.id, Unit.path, Unit.kind).where(valid_at(effective))
    )
    paths: dict[int, str] = {}
    provinces: set[int] = set()
    for unit_id, path, kind in new_rows:
        paths[unit_id] = path
        if kind is UnitKind.PROVINCE:
            provinces.add(unit_id)
    targets = {u: reorg.target_of(found, paths) for u, found in successors.items()}
    place = _Places(paths=paths, provinces=provinces, targets=targets)

    persons = await _persons_on(session, sorted(successors))
    moves = reorg.follow(persons, successors=successors, paths=paths, effective=effective)
    await _write_moves(session, moves, actor_user_id=actor_user_id, now=now)

    plan_rows = await session.execute(
        select(Plan.planning_unit_id, Cycle.code)
        .join(Cycle, Cycle.id == Plan.cycle_id)
        .where(Plan.status == PlanStatus.APPROVED, Plan.planning_unit_id.in_(sorted(closing)))
    )
    plans = [(place.of_closed(unit_id), cycle) for unit_id, cycle in plan_rows]
    return _Followed(moves, plans, place)


async def _persons_on(session: AsyncSession, unit_ids: Sequence[int]) -> list[reorg.PersonOnClosed]:
    if not unit_ids:
        return []
    since = (
        select(PersonUnitHistory.person_id, func.max(PersonUnitHistory.valid_to).label("since"))
        .group_by(PersonUnitHistory.person_id)
        .subquery()
    )
    rows = await session.execute(
        select(Person.id, Person.unit_id, since.c.since)
        .outerjoin(since, since.c.person_id == Person.id)
        .where(Person.unit_id.in_(unit_ids))
        .order_by(Person.id)
        .with_for_update(of=Person)
    )
    return [reorg.PersonOnClosed(pid, unit_id, day) for pid, unit_id, day in rows]


async def _write_moves(
    session: AsyncSession,
    moves: Sequence[reorg.Move],
    *,
    actor_user_id: int | None,
    now: datetime,
) -> None:
    reason = "Sắp xếp đơn vị hành chính / reorganisation of administrative units"
    for start in range(0, len(moves), _BATCH):
        batch = moves[start : start + _BATCH]
        await session.execute(
            insert(PersonUnitHistory),
            [
                {
                    "person_id": m.person_id,
                    "unit_id": m.from_unit_id,
                    "valid_from": m.since,
                    "valid_to": m.on,
                    "reason": reason,
                    "transferred_by": actor_user_id,
                    "transferred_at": now,
                }
                for m in batch
            ],
        )
        await session.execute(
            _MOVE_PERSON, [{"b_id": m.person_id, "b_unit": m.to_unit_id} for m in batch]
        )
        # The rows changed under the session: objects it holds of them are read again.
        moved = {m.person_id for m in batch}
        for held in list(session.identity_map.values()):
            if isinstance(held, Person) and held.id in moved:
                session.expire(held)
        waiting = [m for m in batch if m.awaiting]
        if waiting:
            await session.execute(
                insert(PersonAssignment),
                [
                    {
                        "person_id": m.person_id,
                        "from_unit_id": m.from_unit_id,
                        "effective": m.on,
                        "held_by_unit_id": m.to_unit_id,
                    }
                    for m in waiting
                ],
            )


async def province_names(
    session: AsyncSession, unit_ids: Sequence[int]
) -> dict[int, tuple[str, str]]:
    """The code and name of each unit (the provinces of a report)."""
    rows = await session.execute(select(Unit.id, Unit.code, Unit.name).where(Unit.id.in_(unit_ids)))
    return {unit_id: (code, name) for unit_id, code, name in rows}


# ---------------------------------------------------------------------------------------------
# Persons waiting for a unit (a split predecessor's), and assigning them


def waiting_state(row: PersonAssignment) -> reorg.Waiting:
    return reorg.Waiting(
        assignment_id=row.id,
        person_id=row.person_id,
        from_unit_id=row.from_unit_id,
        effective=row.effective,
        held_by=row.held_by_unit_id,
    )


async def waiting_of(
    session: AsyncSession, *, person_id: int
) -> tuple[PersonAssignment | None, PersonAssignment | None]:
    """The person's open wait (locked), and the last assignment that ended one."""
    waiting = await session.scalar(
        select(PersonAssignment)
        .where(PersonAssignment.person_id == person_id, PersonAssignment.assigned_unit_id.is_(None))
        .with_for_update()
    )
    assigned = await session.scalar(
        select(PersonAssignment)
        .where(
            PersonAssignment.person_id == person_id,
            PersonAssignment.assigned_unit_id.is_not(None),
        )
        .order_by(PersonAssignment.assigned_at.desc(), PersonAssignment.id.desc())
        .limit(1)
    )
    return waiting, assigned


async def assign(
    session: AsyncSession,
    person: Person,
    waiting: PersonAssignment,
    decided: reorg.Assignment,
    *,
    actor_user_id: int,
    now: datetime,
) -> None:
    """Write ``decided`` on ``person`` and ``waiting`` (both locked by the caller): the wait on
    the holding unit goes into the history, the person works in the chosen unit from today."""
    moved = Transfer(
        left=Placement(person.unit_id, since=waiting.effective),
        to_unit_id=decided.unit_id,
        on=decided.on,
        reason=decided.reason,
    )
    await persons_db.transfer(session, person, moved, actor_user_id=actor_user_id, now=now)
    waiting.assigned_unit_id = decided.unit_id
    waiting.assigned_at = now
    waiting.assigned_by = actor_user_id
    waiting.reason = decided.reason
    await session.flush()


def _waiting_in(reaches: Sequence[Reach], unit_path: str) -> Select[PersonAssignment, Person]:
    return (
        select(PersonAssignment, Person)
        .join(Person, Person.id == PersonAssignment.person_id)
        .join(Unit, Unit.id == Person.unit_id)
        .where(
            PersonAssignment.assigned_unit_id.is_(None),
            within(Unit.path, reaches),
            Unit.path.bool_op("<@")(func.text2ltree(unit_path)),
        )
    )


async def waiting_page(
    session: AsyncSession,
    *,
    reaches: Sequence[Reach],
    unit_path: str,
    after: tuple[str, int] | None,
    limit: int,
) -> list[tuple[PersonAssignment, Person, list[Unit]]]:
    """Persons waiting for a unit inside ``unit_path`` that a reach covers, by name then id,
    each with the successors of the unit they came from (the candidates), by code."""
    statement = _waiting_in(reaches, unit_path)
    if after is not None:
        statement = statement.where(tuple_(Person.full_name, Person.id) > tuple_(*after))
    found = await session.execute(statement.order_by(Person.full_name, Person.id).limit(limit))
    rows: list[tuple[PersonAssignment, Person]] = [(a, p) for a, p in found]
    candidates = await lineage_db.successors_of(
        session, sorted({assignment.from_unit_id for assignment, _ in rows})
    )
    return [
        (assignment, person, [unit for unit, _ in candidates[assignment.from_unit_id]])
        for assignment, person in rows
    ]


async def waiting_count(session: AsyncSession, *, reaches: Sequence[Reach], unit_path: str) -> int:
    matching = _waiting_in(reaches, unit_path).subquery()
    return (await session.scalar(select(func.count()).select_from(matching))) or 0


async def successor_ids(session: AsyncSession, *, unit_id: int) -> list[int]:
    """The units that continue ``unit_id`` (the candidates of its waiting persons)."""
    found = await lineage_db.successors_of(session, [unit_id])
    return [unit.id for unit, _ in found[unit_id]]
