"""Per-request DataLoaders: nested fields load in one statement per level, never per row."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from datetime import date
from functools import cached_property
from typing import Concatenate, NamedTuple, ParamSpec, Protocol, TypeVar

from strawberry.dataloader import DataLoader

from db import (
    Session,
    access as access_db,
    consolidation as consolidation_db,
    lineage as lineage_db,
    persons as persons_db,
    plans as plans_db,
    positions as positions_db,
    removals as removals_db,
    rls,
    units as units_db,
)
from db.models import RoleGrant, Unit
from db.plan_models import (
    Cycle,
    Discipline,
    Person,
    PersonUnitHistory,
    Plan,
    PlanEntry,
    PlanEvent,
    Position,
)
from db.reader import Reader
from db.removals import RemovalProposal
from planning.units import UnitKind

K = TypeVar("K")
V = TypeVar("V")
P = ParamSpec("P")
T = TypeVar("T")


class Read(Protocol):
    """Runs one ``db`` function on the request's session: the context's ``db``.

    Loaders take this rather than the context, so that they know only how to read, and the
    context (which builds them) and the loaders do not import each other.
    """

    def __call__(
        self,
        query: Callable[Concatenate[Session, P], Awaitable[T]],
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> Awaitable[T]: ...


class ChildrenKey(NamedTuple):
    parent_id: int
    at: date
    after: units_db.Position | None
    limit: int


class DatedKey(NamedTuple):
    unit_id: int
    at: date


class HoldingKey(NamedTuple):
    """Which titles a plan holds: its unit's kind, its tier, the day (db.positions.holding_day)."""

    unit_kind: UnitKind
    managed_by: UnitKind
    at: date


class PositionKey(NamedTuple):
    """A title as one province has it (its seats and rank); a province of None: the catalogue."""

    position_id: int
    province_id: int | None


def _grouped(
    keys: Sequence[K], group: Callable[[K], tuple[object, ...]]
) -> dict[tuple[object, ...], list[K]]:
    groups: dict[tuple[object, ...], list[K]] = defaultdict(list)
    for key in keys:
        groups[group(key)].append(key)
    return groups


class Loaders:
    """The loaders of one request; created with its context, dropped with it."""

    def __init__(self, read: Read, reader: Reader) -> None:
        self._read = read
        self._reader = reader

    # Each loader is made on first use: a request reads through few of them, and making all
    # of them took a sixth of a small request's time.
    @cached_property
    def unit(self) -> DataLoader[int, Unit | None]:
        return DataLoader(load_fn=self._units, max_batch_size=1000)

    @cached_property
    def children(self) -> DataLoader[ChildrenKey, list[Unit]]:
        return DataLoader(load_fn=self._children)

    @cached_property
    def child_count(self) -> DataLoader[DatedKey, int]:
        return DataLoader(load_fn=self._child_counts)

    @cached_property
    def descendant_count(self) -> DataLoader[DatedKey, int]:
        return DataLoader(load_fn=self._descendant_counts)

    @cached_property
    def successors(self) -> DataLoader[int, list[tuple[Unit, date]]]:
        # Lineage (kế thừa), both ways: (unit, effective day) of each unit's successors and
        # predecessors, one statement per level of a query.
        return DataLoader(load_fn=lambda ids: self._grouped_by(lineage_db.successors_of, ids))

    @cached_property
    def predecessors(self) -> DataLoader[int, list[tuple[Unit, date]]]:
        return DataLoader(load_fn=lambda ids: self._grouped_by(lineage_db.predecessors_of, ids))

    @cached_property
    def grants_of_user(self) -> DataLoader[int, list[RoleGrant]]:
        return DataLoader(load_fn=lambda ids: self._grouped_by(access_db.grants_of, ids))

    @cached_property
    def placements_of_person(self) -> DataLoader[int, list[PersonUnitHistory]]:
        return DataLoader(load_fn=lambda ids: self._grouped_by(persons_db.placements_of, ids))

    @cached_property
    def disciplines_of_person(self) -> DataLoader[int, list[Discipline]]:
        return DataLoader(load_fn=lambda ids: self._grouped_by(persons_db.disciplines_of, ids))

    @cached_property
    def person(self) -> DataLoader[int, Person | None]:
        return DataLoader(load_fn=lambda ids: self._read_by_ids(persons_db.PERSONS.by_id, ids))

    @cached_property
    def position(self) -> DataLoader[int, Position | None]:
        return DataLoader(load_fn=lambda ids: self._by_ids(positions_db.positions_by_ids, ids))

    @cached_property
    def effective_position(self) -> DataLoader[PositionKey, Position | None]:
        # A title's seats and rank are the province's own where it set them (setPositionSeats):
        # every field showing a position in a province reads it through this loader.
        return DataLoader(load_fn=self._effective_positions)

    @cached_property
    def holdable_positions(self) -> DataLoader[HoldingKey, list[Position]]:
        # Plans of one kind of unit and tier share their titles: one statement for all of them.
        return DataLoader(load_fn=self._holdable_positions)

    @cached_property
    def province_of_plan(self) -> DataLoader[int, int | None]:
        return DataLoader(
            load_fn=lambda ids: self._read_by_ids(positions_db.read_provinces_of_plans, ids)
        )

    @cached_property
    def plan(self) -> DataLoader[int, Plan | None]:
        return DataLoader(load_fn=lambda ids: self._read_by_ids(plans_db.PLANS.by_id, ids))

    @cached_property
    def cycle(self) -> DataLoader[int, Cycle | None]:
        return DataLoader(load_fn=lambda ids: self._by_ids(plans_db.cycles_by_ids, ids))

    @cached_property
    def entries_of_plan(self) -> DataLoader[int, list[PlanEntry]]:
        return DataLoader(load_fn=lambda ids: self._read_grouped_by(plans_db.read_entries_of, ids))

    @cached_property
    def events_of_plan(self) -> DataLoader[int, list[PlanEvent]]:
        return DataLoader(load_fn=lambda ids: self._grouped_by(plans_db.events_of, ids))

    @cached_property
    def username(self) -> DataLoader[int, str | None]:
        return DataLoader(load_fn=self._usernames)

    @cached_property
    def removal_of_entry(self) -> DataLoader[int, RemovalProposal | None]:
        # Open removal proposals (DOMAIN.md §6.4): on an entry, and on a plan's entries.
        return DataLoader(load_fn=lambda ids: self._by_ids(removals_db.open_of_entries, ids))

    @cached_property
    def removals_of_plan(self) -> DataLoader[int, list[RemovalProposal]]:
        return DataLoader(load_fn=lambda ids: self._grouped_by(removals_db.open_of_plans, ids))

    @cached_property
    def leftovers_of_plan(self) -> DataLoader[int, list[tuple[PlanEntry, int]]]:
        # A consolidation's entries whose title has no successor (origin entry, origin unit).
        return DataLoader(load_fn=lambda ids: self._grouped_by(consolidation_db.leftovers_of, ids))

    async def _by_ids(
        self, query: Callable[..., Awaitable[dict[int, V]]], ids: Sequence[int]
    ) -> list[V | None]:
        found = await self._read(query, ids)
        return [found.get(i) for i in ids]

    async def _units(self, ids: Sequence[int]) -> list[Unit | None]:
        found = await units_db.read_with_parents(self._reader, ids)
        # The parents came along: a `parent` asked next is answered without a statement.
        asked = set(ids)
        self.unit.prime_many({i: row for i, row in found.items() if i not in asked})
        return [found.get(i) for i in ids]

    async def _read_by_ids(
        self, query: Callable[[Reader, Sequence[int]], Awaitable[dict[int, V]]], ids: Sequence[int]
    ) -> list[V | None]:
        found = await query(self._reader, ids)
        return [found.get(i) for i in ids]

    async def _read_grouped_by(
        self,
        query: Callable[[Reader, Sequence[int]], Awaitable[dict[int, list[V]]]],
        ids: Sequence[int],
    ) -> list[list[V]]:
        found = await query(self._reader, ids)
        return [found[i] for i in ids]

    async def _grouped_by(
        self, query: Callable[..., Awaitable[dict[int, list[V]]]], ids: Sequence[int]
    ) -> list[list[V]]:
        found = await self._read(query, ids)
        return [found[i] for i in ids]

    async def _effective_positions(self, keys: Sequence[PositionKey]) -> list[Position | None]:
        found = await positions_db.read_effective_positions_in(self._reader, keys)
        return [found.get(key) for key in keys]

    async def _holdable_positions(self, keys: Sequence[HoldingKey]) -> list[list[Position]]:
        return [
            await self._read(
                positions_db.positions_for,
                unit_kind=key.unit_kind,
                managed_by=key.managed_by,
                at=key.at,
            )
            for key in keys
        ]

    async def _usernames(self, ids: Sequence[int]) -> list[str | None]:
        # Who acted on a record in scope may work elsewhere (the province that approved).
        found = await self._read(rls.across(rls.ACTORS, access_db.users_by_ids), ids)
        return [found[i].username if i in found else None for i in ids]

    async def _children(self, keys: Sequence[ChildrenKey]) -> list[list[Unit]]:
        pages: dict[ChildrenKey, list[Unit]] = {}
        for (at, limit), group in _grouped(keys, lambda k: (k.at, k.limit)).items():
            assert isinstance(at, date)
            assert isinstance(limit, int)
            found = await self._read(
                units_db.children_pages,
                at=at,
                parents=[(k.parent_id, k.after) for k in group],
                limit=limit,
            )
            pages.update({k: found[(k.parent_id, k.after)] for k in group})
        return [pages[key] for key in keys]

    async def _child_counts(self, keys: Sequence[DatedKey]) -> list[int]:
        return await self._per_date(keys, units_db.child_counts, "parent_ids")

    async def _descendant_counts(self, keys: Sequence[DatedKey]) -> list[int]:
        return await self._per_date(keys, units_db.descendant_counts, "unit_ids")

    async def _per_date(
        self,
        keys: Sequence[DatedKey],
        query: Callable[..., Awaitable[dict[int, int]]],
        ids_argument: str,
    ) -> list[int]:
        counts: dict[DatedKey, int] = {}
        for (at,), group in _grouped(keys, lambda k: (k.at,)).items():
            found = await self._read(query, at=at, **{ids_argument: [k.unit_id for k in group]})
            counts.update({k: found.get(k.unit_id, 0) for k in group})
        return [counts[key] for key in keys]
