"""GraphQL types of the unit hierarchy (đơn vị hành chính)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import date
from typing import Self

import strawberry

from db import units as units_db
from db.models import Unit as UnitRow
from planning.units import is_closed
from schema.context import Context
from schema.enums import UnitKind
from schema.loaders import ChildrenKey, DatedKey
from schema.node import Node, to_global_id
from schema.pagination import (
    BY_TEXT,
    DEFAULT_PAGE_SIZE,
    CountedConnection,
    Edge,
    Once,
    PageRequest,
    described,
    page_request,
    paginate,
)


async def successors_named(ctx: Context, row: UnitRow) -> tuple[tuple[str, str], ...]:
    """The (name, code) of the units that continue ``row`` once it is closed, for the message
    of UNIT_CLOSED (planning.units.closed_problem); nothing is read for a unit in force."""
    if not is_closed(row.valid_to, today=ctx.today):
        return ()
    return tuple((unit.name, unit.code) for unit, _ in await ctx.loaders.successors.load(row.id))


def tree_date(row: UnitRow, at: date | None, today: date) -> date:
    """The date whose tree a unit is read in: ``at``, else today kept inside its validity.

    A district closed on 30/06/2025 then still shows the children it had on its last day.
    """
    if at is not None:
        return at
    if row.valid_to is not None and today > row.valid_to:
        return row.valid_to
    if row.valid_from is not None and today < row.valid_from:
        return row.valid_from
    return today


@strawberry.type(
    description="An administrative or party unit (đơn vị): a node of the hierarchy, "
    "valid between `validFrom` and `validTo`."
)
class Unit(Node):
    code: str = strawberry.field(
        description="The official GSO code (mã đơn vị hành chính), zero-padded: "
        "provinces 2 digits, districts 3, communes 5."
    )
    name: str = strawberry.field(description="The official name (tên), e.g. `Thị xã Quảng Yên`.")
    kind: UnitKind = strawberry.field(description="The tier of the unit (cấp).")
    valid_from: date | None = strawberry.field(
        description="First day the unit existed in this form; null: before records began."
    )
    valid_to: date | None = strawberry.field(
        description="Last day the unit existed in this form (inclusive); null: still in force."
    )
    row: strawberry.Private[UnitRow]
    at: strawberry.Private[date]

    @classmethod
    def from_row(cls, row: UnitRow, *, at: date) -> Self:
        return cls(
            id=to_global_id("Unit", row.id),
            code=row.code,
            name=row.name,
            kind=row.kind,
            valid_from=row.valid_from,
            valid_to=row.valid_to,
            row=row,
            at=at,
        )

    @strawberry.field(description="The unit directly above (đơn vị cấp trên); null for the root.")
    async def parent(self, info: strawberry.Info[Context, None]) -> Unit | None:
        if self.row.parent_id is None:
            return None
        parent = await info.context.loaders.unit.load(self.row.parent_id)
        return Unit.from_row(parent, at=self.at) if parent else None

    @strawberry.field(description="Every unit above this one, the national root first.")
    async def ancestors(self, info: strawberry.Info[Context, None]) -> list[Unit]:
        ids = [int(label) for label in self.row.path.split(".")[:-1]]
        rows = await info.context.loaders.unit.load_many(ids)
        return [Unit.from_row(row, at=self.at) for row in rows if row is not None]

    @strawberry.field(
        description="The units directly below (đơn vị trực thuộc) in the tree valid on the "
        "date this unit was read at, ordered by code."
    )
    async def children(
        self,
        info: strawberry.Info[Context, None],
        first: int | None = DEFAULT_PAGE_SIZE,
        after: str | None = None,
    ) -> UnitConnection:
        request = page_request(first, after, BY_TEXT)
        loaders = info.context.loaders
        return unit_connection(
            request,
            lambda: loaders.children.load(
                ChildrenKey(self.row.id, self.at, request.after, request.fetch)
            ),
            count=lambda: loaders.child_count.load(DatedKey(self.row.id, self.at)),
            at=self.at,
        )

    @strawberry.field(description="How many units lie below this one, at any depth.")
    async def descendant_count(self, info: strawberry.Info[Context, None]) -> int:
        return await info.context.loaders.descendant_count.load(DatedKey(self.row.id, self.at))

    @strawberry.field(
        description="The units that continue this one (đơn vị kế thừa) after a reorganisation, "
        "by code, each with the day it took over: one for a merger, several when the unit was "
        "split between successors (e.g. a commune of 2025 divided among new communes). Empty "
        "for a unit in force, and for one abolished without a successor of its own (the "
        "districts of 2025: their communes name their successors)."
    )
    async def successors(self, info: strawberry.Info[Context, None]) -> list[UnitLink]:
        ctx = info.context
        links = await ctx.loaders.successors.load(self.row.id)
        return [UnitLink.of(row, effective, today=ctx.today) for row, effective in links]

    @strawberry.field(
        description="The units this one continues (đơn vị được kế thừa): the units merged "
        "into it, or split into it and others, by code, each with the day of the change. "
        "Officials of this unit read the predecessors' plans, persons and figures."
    )
    async def predecessors(self, info: strawberry.Info[Context, None]) -> list[UnitLink]:
        ctx = info.context
        links = await ctx.loaders.predecessors.load(self.row.id)
        return [UnitLink.of(row, effective, today=ctx.today) for row, effective in links]


@strawberry.type(
    description="A link of lineage (kế thừa) between a unit of one tree and a unit of the "
    "next, from the reorganisation's lineage file (e.g. `lineage-2025.csv`)."
)
class UnitLink:
    unit: Unit = strawberry.field(
        description="The unit at the other end: read in its own tree (a closed predecessor as "
        "on its last day)."
    )
    effective: date = strawberry.field(
        description="The day the successor took over (ngày có hiệu lực): the predecessor's last "
        "day is the day before."
    )

    @classmethod
    def of(cls, row: UnitRow, effective: date, *, today: date) -> UnitLink:
        return cls(unit=Unit.from_row(row, at=tree_date(row, None, today)), effective=effective)


@described(cursor="Pass as `after` to read the units after this one.", node="The unit.")
@strawberry.type(description="A unit in a page of units, with its cursor.")
class UnitEdge(Edge[Unit]):
    pass


@described(
    edges="The units of this page, in order.",
    page_info="Whether more pages follow, and the cursors of this one.",
    total_count="How many units the whole list holds, over all pages.",
)
@strawberry.type(description="A page of units (Relay connection).")
class UnitConnection(CountedConnection[UnitEdge]):
    pass


def unit_connection(
    request: PageRequest[units_db.Position],
    rows: Callable[[], Awaitable[Sequence[UnitRow]]],
    *,
    count: Callable[[], Awaitable[int]],
    at: date,
) -> UnitConnection:
    """A page of units read in the tree of ``at``, ordered by code; counted only when asked."""
    return UnitConnection(
        page=paginate(
            request,
            rows,
            key=lambda row: (row.code, row.id),
            node=lambda row: Unit.from_row(row, at=at),
            edge=UnitEdge,
        ),
        count=Once(count),
    )
