"""Reading the audit trail (nhật ký thay đổi): who changed which record or reference value of a
unit's subtree, when, from what to what, and why — for the administrators of that subtree."""

from __future__ import annotations

from datetime import datetime
from typing import Self, cast

import strawberry
from strawberry.scalars import JSON

from db import audit as audit_db
from db.models import AuditEvent as AuditRow
from schema.context import Context
from schema.errors import ClientError
from schema.node import row_id_of, to_global_id
from schema.pagination import (
    BY_TIME,
    CountedConnection,
    Edge,
    Once,
    described,
    page_request,
    paginate,
)
from schema.units.types import Unit, tree_date

# Who reads a subtree's audit trail: whoever administers its accounts there (admins). The same
# permission, through the same reaches, scopes the list in SQL; as a read, it follows lineage
# (an admin of the new province reads the trail of the old one).
AUDIT_READ = ("manage", "user")

# The subjects that are nodes of the API: shown by their global id, like everywhere else.
_NODES = {"person": "Person", "position": "Position", "user": "User", "api_key": "ApiKey"}


@strawberry.type(description="One change in the audit trail (append-only): who, when, what, why.")
class AuditEvent:
    at: datetime = strawberry.field(description="When the change was made.")
    action: str = strawberry.field(
        description="What was done: `create_person`, `update_person`, `set_target`, "
        "`set_position_seats`, `set_holiday`, `set_cycle`, `set_deadline`, `create_user`, …"
    )
    subject_type: str = strawberry.field(
        description="What was changed: person, position, target, holiday, cycle, deadline, "
        "user, grant, api_key."
    )
    subject: str = strawberry.field(
        description="Which one: its global id where it is a node (a person, a position, a "
        "user), else its key as recorded (a province's id, a holiday's day as 20260902)."
    )
    before: JSON | None = strawberry.field(
        description="The values it changed, as they were; null for a creation."
    )
    after: JSON | None = strawberry.field(description="The values it changed, as they became.")
    reason: str | None = strawberry.field(description="Why, where the change says.")
    row: strawberry.Private[AuditRow]

    @classmethod
    def from_row(cls, row: AuditRow) -> Self:
        node = _NODES.get(row.subject_type)
        return cls(
            at=row.at,
            action=row.action,
            subject_type=row.subject_type,
            subject=to_global_id(node, row.subject_id) if node else str(row.subject_id),
            before=cast(JSON, row.before),
            after=cast(JSON, row.after),
            reason=row.reason,
            row=row,
        )

    @strawberry.field(description="The username of who made the change.")
    async def actor(self, info: strawberry.Info[Context, None]) -> str | None:
        if self.row.actor_user_id is None:
            return None
        return await info.context.loaders.username.load(self.row.actor_user_id)

    @strawberry.field(description="The unit whose record or reference data it changed.")
    async def unit(self, info: strawberry.Info[Context, None]) -> Unit | None:
        if self.row.unit_id is None:
            return None
        row = await info.context.loaders.unit.load(self.row.unit_id)
        return Unit.from_row(row, at=tree_date(row, None, info.context.today)) if row else None


@described(cursor="Pass as `after` to read older changes.", node="The change.")
@strawberry.type(description="A change of the audit trail, with its cursor.")
class AuditEventEdge(Edge[AuditEvent]):
    pass


@described(
    edges="The changes of this page, newest first.",
    page_info="Whether older changes follow, and cursors.",
    total_count="How many changes the subtree's trail holds (one more statement).",
)
@strawberry.type(description="A page of the audit trail (Relay connection), newest first.")
class AuditEventConnection(CountedConnection[AuditEventEdge]):
    pass


async def audit_events(
    ctx: Context, unit: strawberry.ID, first: int | None, after: str | None
) -> AuditEventConnection:
    """The audit events of ``unit``'s subtree that the caller administers, newest first."""
    request = page_request(first, after, BY_TIME)
    subtree = await ctx.loaders.unit.load(row_id_of(unit, "Unit"))
    if subtree is None:
        raise ClientError("INVALID_ID", id=unit, expected="Unit")
    reaches = ctx.reaches(*AUDIT_READ, reading=True)
    return AuditEventConnection(
        page=paginate(
            request,
            lambda: ctx.db(
                audit_db.page,
                reaches=reaches,
                unit_path=subtree.path,
                after=request.after,
                limit=request.fetch,
            ),
            key=lambda row: (row.at, row.id),
            node=AuditEvent.from_row,
            edge=AuditEventEdge,
        ),
        count=Once(lambda: ctx.db(audit_db.count, reaches=reaches, unit_path=subtree.path)),
    )
