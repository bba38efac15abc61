"""Persons of a split predecessor after a reorganisation (DOMAIN.md A.11): they wait on the new
province (which counts them) until its administrator picks one of the successors of the unit
they came from (``assignPersonUnit``); ``personsAwaitingUnit`` is that administrator's list.

Both need the ``transfer person`` permission (a province administrator's): over the person's
current unit and the chosen one to assign, and as the list's filter, in SQL.
"""

from __future__ import annotations

from datetime import date

import strawberry

from db import access as access_db, persons as persons_db, reorganisation as reorganisation_db
from db.models import Unit as UnitRow
from db.plan_models import Person as PersonRow, PersonAssignment
from planning import reorganisation as reorg
from planning.decisions import Problems
from schema import idempotency
from schema.audit import actor, audit_change
from schema.context import Context
from schema.node import row_id, row_id_of
from schema.outcomes import not_allowed, not_found, validation_failed
from schema.pagination import (
    BY_TEXT,
    DEFAULT_PAGE_SIZE,
    CountedConnection,
    Edge,
    Once,
    described,
    page_request,
    paginate,
)
from schema.permissions import official
from schema.persons.mutations import PersonPayload, PersonResult, replayed_person
from schema.persons.types import Person
from schema.units.types import Unit

ASSIGN_EVENT = "assign_person_unit"


@strawberry.type(
    description="A person of a split predecessor waiting for a unit (chờ phân công sau sắp "
    "xếp): held by the province until its administrator picks one of `candidates`."
)
class AwaitingPerson:
    # No id of its own: a wait is not a node; `person` is what `assignPersonUnit` takes.
    person: Person
    from_unit: Unit = strawberry.field(description="The closed unit the person worked in.")
    effective: date = strawberry.field(description="The day the reorganisation took effect.")
    candidates: list[Unit] = strawberry.field(
        description="The successors of `fromUnit`: the units `assignPersonUnit` accepts."
    )
    sort_key: strawberry.Private[tuple[str, int]]

    @classmethod
    def from_rows(
        cls, assignment: PersonAssignment, person: PersonRow, units: list[UnitRow], closed: UnitRow
    ) -> AwaitingPerson:
        return cls(
            person=Person.from_row(person),
            from_unit=Unit.from_row(closed, at=closed.valid_to or assignment.effective),
            effective=assignment.effective,
            candidates=[Unit.from_row(unit, at=assignment.effective) for unit in units],
            sort_key=(person.full_name, person.id),
        )


@described(cursor="Pass as `after` to read what follows.", node="The waiting person.")
@strawberry.type(description="A waiting person in a page, with its cursor.")
class AwaitingPersonEdge(Edge[AwaitingPerson]):
    pass


@described(
    edges="The waiting persons of this page, in order.",
    page_info="Whether more pages follow, and cursors.",
    total_count="How many persons wait, over all pages (one more statement).",
)
@strawberry.type(description="A page of persons waiting for a unit (Relay connection), by name.")
class AwaitingPersonConnection(CountedConnection[AwaitingPersonEdge]):
    pass


@strawberry.input(description="Give a waiting person one of the successors of their old unit.")
class AssignPersonUnitInput:
    person: strawberry.ID = strawberry.field(description="The waiting person.")
    unit: strawberry.ID = strawberry.field(
        description="One of the person's `candidates` (`personsAwaitingUnit`)."
    )
    reason: str | None = strawberry.field(
        default=None, description="Why (the decision), kept in the person's history."
    )
    idempotency_key: str | None = strawberry.field(
        default=None, description="Makes a retry safe: it answers the first answer."
    )


@strawberry.type
class AssignmentQuery:
    @strawberry.field(
        description="Persons of split predecessors waiting for a unit inside `unit` that you "
        "may assign (province administrators), by name, each with its candidate units.",
        extensions=official(),
    )
    async def persons_awaiting_unit(
        self,
        info: strawberry.Info[Context, None],
        unit: strawberry.ID,
        first: int | None = DEFAULT_PAGE_SIZE,
        after: str | None = None,
    ) -> AwaitingPersonConnection:
        ctx = info.context
        request = page_request(first, after, BY_TEXT)
        unit_path = await ctx.db(access_db.unit_path, unit_id=row_id_of(unit, "Unit"))
        reaches = ctx.reaches("transfer", "person")

        async def rows() -> list[AwaitingPerson]:
            if unit_path is None:
                return []
            found = await ctx.db(
                reorganisation_db.waiting_page,
                reaches=reaches,
                unit_path=unit_path,
                after=request.after,
                limit=request.fetch,
            )
            closed = await ctx.loaders.unit.load_many([a.from_unit_id for a, _, _ in found])
            return [
                AwaitingPerson.from_rows(a, p, units, c)
                for (a, p, units), c in zip(found, closed, strict=True)
                if c is not None
            ]

        async def count() -> int:
            if unit_path is None:
                return 0
            return await ctx.db(
                reorganisation_db.waiting_count, reaches=reaches, unit_path=unit_path
            )

        return AwaitingPersonConnection(
            page=paginate(
                request,
                rows,
                key=lambda row: row.sort_key,
                node=lambda row: row,
                edge=AwaitingPersonEdge,
            ),
            count=Once(count),
        )


@strawberry.type
class AssignmentMutation:
    @strawberry.mutation(
        description="Give a person of a split predecessor one of the successors of their old "
        "unit (phân công đơn vị sau sắp xếp): their wait on the province is kept in "
        "`unitHistory`. Refused for a unit that does not continue their old one "
        "(`NOT_ITS_SUCCESSOR`), a person already assigned (`ALREADY_ASSIGNED`) or not waiting "
        "(`NOT_AWAITING_UNIT`); a unit outside your reach is `NotAllowed`, a person outside it "
        "`NotFound` (as an unknown id).",
        extensions=official(),
    )
    async def assign_person_unit(
        self, info: strawberry.Info[Context, None], input: AssignPersonUnitInput
    ) -> PersonResult:
        ctx = info.context
        person_id = row_id(input.person, "Person")
        person = await ctx.db(persons_db.for_update, person_id=person_id) if person_id else None
        current = await ctx.db(access_db.unit_path, unit_id=person.unit_id) if person else None
        # A person the caller may not read is answered like an unknown one.
        if person is None or current is None or not ctx.allows("read", "person", current):
            return not_found(ctx, input.person)
        unit_id = row_id(input.unit, "Unit")
        unit = await ctx.loaders.unit.load(unit_id) if unit_id else None
        if unit is None:
            return not_found(ctx, input.unit)
        replayed = await replayed_person(ctx, input.idempotency_key, "assignPersonUnit", input)
        if replayed is not None:
            return replayed
        if not (
            ctx.allows("transfer", "person", current)
            and ctx.allows("transfer", "person", unit.path)
        ):
            return not_allowed(ctx, "transfer", "person")
        waiting, assigned = await ctx.db(reorganisation_db.waiting_of, person_id=person.id)
        assigned_unit = (
            await ctx.loaders.unit.load(assigned.assigned_unit_id)
            if assigned is not None and assigned.assigned_unit_id is not None
            else None
        )
        candidates: list[int] = []
        if waiting is not None:
            candidates = await ctx.db(reorganisation_db.successor_ids, unit_id=waiting.from_unit_id)
        decided = reorg.assign(
            reorganisation_db.waiting_state(waiting) if waiting else None,
            assigned_to=assigned_unit.name if assigned_unit else None,
            unit_id=unit.id,
            candidates=candidates,
            reason=input.reason,
            today=ctx.today,
        )
        if isinstance(decided, Problems):
            return validation_failed(ctx, decided.problems)
        assert waiting is not None
        held_by = person.unit_id
        await ctx.db(
            reorganisation_db.assign,
            person,
            waiting,
            decided,
            actor_user_id=actor(ctx),
            now=ctx.now,
        )
        await audit_change(
            ctx,
            ASSIGN_EVENT,
            "person",
            person.id,
            unit.id,
            before={"unit_id": held_by, "from_unit_id": waiting.from_unit_id},
            after={"unit_id": unit.id},
            reason=decided.reason,
        )
        await idempotency.remember(ctx, input.idempotency_key, {"person_id": person.id})
        await ctx.session.commit()
        return PersonPayload(person=Person.from_row(person))
