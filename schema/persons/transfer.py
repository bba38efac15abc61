"""Transferring a cadre to another unit (điều động, luân chuyển công tác): the receiving
province's administrator takes the person in (DOMAIN.md §9.13–14).

The person's record is found nationally (``personByNationalId``), usually outside the
administrator's scope; the transfer needs the ``transfer person`` permission over the receiving
unit only. The unit the person leaves stays in their history, an audit event says who moved
them and why, and their plan entries stay with the units that planned them.
"""

from __future__ import annotations

import strawberry

from db import persons as persons_db, rls
from planning import transfers
from planning.decisions import Problems
from schema import idempotency
from schema.audit import actor, audit_change
from schema.context import Context
from schema.node import row_id
from schema.outcomes import (
    not_allowed,
    not_found,
    stale_version,
    validation_failed,
)
from schema.permissions import official
from schema.persons.mutations import PersonPayload, PersonResult, replayed_person
from schema.persons.types import Person
from schema.units.types import successors_named

TRANSFER_EVENT = "transfer_person"


@strawberry.input(description="Take a cadre into a unit you administer (điều động, tiếp nhận).")
class TransferPersonInput:
    person: strawberry.ID = strawberry.field(
        description="The person's record (as `personByNationalId` names it)."
    )
    to_unit: strawberry.ID = strawberry.field(
        description="The unit the person works in from today: one you administer, open today."
    )
    reason: str = strawberry.field(
        description="Why: the transfer decision (quyết định điều động), kept in the history."
    )
    version: int | None = strawberry.field(
        default=None,
        description="The record's version, if you read it (optimistic lock); leave it out for "
        "a record you may not read.",
    )
    idempotency_key: str | None = strawberry.field(
        default=None, description="Makes a retry safe: it answers the first answer."
    )


@strawberry.type
class TransferMutation:
    @strawberry.mutation(
        description="Move a cadre's record to a unit you administer (điều động): the unit they "
        "leave is kept in `unitHistory`; their plan entries stay with their planning units. "
        "Refused into a unit outside your reach (`NotAllowed`) or one closed or not yet open "
        "(`UNIT_CLOSED`, `UNIT_NOT_OPEN`).",
        extensions=official(),
    )
    async def transfer_person(
        self, info: strawberry.Info[Context, None], input: TransferPersonInput
    ) -> PersonResult:
        ctx = info.context
        person_id = row_id(input.person, "Person")
        # A transfer takes a record in from outside the caller's scope (its new unit is checked).
        person = (
            await ctx.db(rls.across(rls.TRANSFER, persons_db.for_update), person_id=person_id)
            if person_id
            else None
        )
        if person is None:
            return not_found(ctx, input.person)
        unit_id = row_id(input.to_unit, "Unit")
        unit = await ctx.loaders.unit.load(unit_id) if unit_id else None
        if unit is None:
            return not_found(ctx, input.to_unit)
        # A retry of an applied transfer is answered before the checks it would now fail.
        replayed = await replayed_person(ctx, input.idempotency_key, "transferPerson", input)
        if replayed is not None:
            return replayed
        if not ctx.allows("transfer", "person", unit.path):
            return not_allowed(ctx, "transfer", "person")
        if input.version is not None and input.version != person.version:
            return stale_version(ctx, person.version)
        history = (await ctx.db(persons_db.placements_of, [person.id]))[person.id]
        moved = transfers.transfer(
            persons_db.placement(person, history),
            to=transfers.UnitPeriod(
                unit.id, unit.valid_from, unit.valid_to, await successors_named(ctx, unit)
            ),
            reason=input.reason,
            today=ctx.today,
        )
        if isinstance(moved, Problems):
            return validation_failed(ctx, moved.problems)
        await ctx.db(
            rls.across(rls.TRANSFER, persons_db.transfer),
            person,
            moved,
            actor_user_id=actor(ctx),
            now=ctx.now,
        )
        await audit_change(
            ctx,
            TRANSFER_EVENT,
            "person",
            person.id,
            unit.id,
            before={"unit_id": moved.left.unit_id},
            after={"unit_id": moved.to_unit_id},
            reason=moved.reason,
        )
        await idempotency.remember(ctx, input.idempotency_key, {"person_id": person.id})
        await ctx.session.commit()
        return PersonPayload(person=Person.from_row(person))
