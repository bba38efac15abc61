"""A plan's history as clients read it (DOMAIN.md A.9): every transition and edit with who,
when, why, and what it changed — the entries and persons it touched, the dossier fields before
and after, the decision number of an approval.

Events are written by db/workflow.py (``apply``, ``record``) and schema/plans/drafting.py as
JSON with row ids; this module presents them with global ids, the entries' own types, and
camelCase keys, as the rest of the API speaks.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Self

import strawberry
from strawberry.scalars import JSON

from db.plan_models import Plan as PlanRow, PlanEntry as EntryRow, PlanEvent as EventRow
from schema.context import Context
from schema.enums import EntryStatus, PlanStatus
from schema.node import to_global_id
from schema.persons.types import Person
from schema.plans.types import PlanEntry

# The row ids an event records, and the global ids they are shown as (key, type).
_IDS = {
    "entry_id": ("entry", "PlanEntry"),
    "person_id": ("person", "Person"),
    "position_id": ("position", "Position"),
    "base_plan_id": ("basePlan", "Plan"),
    "from_plan_id": ("fromPlan", "Plan"),
    "superseded_by_plan_id": ("supersededBy", "Plan"),
    "origin_entry_id": ("originEntry", "PlanEntry"),  # a consolidation's entry: kept from
}
# Lists of row ids an event records (a consolidation's origin plans and leftovers).
_ID_LISTS = {
    "origin_plan_ids": ("originPlans", "Plan"),
    "leftover_entry_ids": ("leftoverEntries", "PlanEntry"),
}


def _public(value: Any) -> Any:
    """A recorded value as clients read it: row ids as global ids, keys in camelCase."""
    if isinstance(value, list):
        return [_public(item) for item in value]
    if not isinstance(value, dict):
        return value
    shown: dict[str, Any] = {}
    for key, item in value.items():
        if key in _IDS and isinstance(item, int):
            name, type_name = _IDS[key]
            shown[name] = to_global_id(type_name, item)
        elif key in _ID_LISTS and isinstance(item, list):
            name, type_name = _ID_LISTS[key]
            shown[name] = [to_global_id(type_name, i) for i in item]
        else:
            head, *rest = key.split("_")
            shown[head + "".join(word.title() for word in rest)] = _public(item)
    return shown


@strawberry.type(description="An entry an event touched (một lượt), and what it did to it.")
class PlanEventEntry:
    change: str | None = strawberry.field(
        description="ADD (bổ sung), KEEP (carried over into a review) or REMOVE (đưa ra), "
        "where the event says."
    )
    from_status: EntryStatus | None = strawberry.field(
        description="The entry's status before the event; null for a new or kept entry."
    )
    to_status: EntryStatus | None = strawberry.field(
        description="The entry's status after it (ACTIVE, NOT_APPROVED, REMOVED …)."
    )
    reason: str | None = strawberry.field(
        description="Why it was not approved or removed, as recorded."
    )
    entry_id: strawberry.Private[int]
    plan_id: strawberry.Private[int]

    @strawberry.field(description="The entry.")
    async def entry(self, info: strawberry.Info[Context, None]) -> PlanEntry:
        return PlanEntry.from_row(await _entry_row(info, self.plan_id, self.entry_id))

    @strawberry.field(description="The person planned in it.")
    async def person(self, info: strawberry.Info[Context, None]) -> Person:
        entry = await _entry_row(info, self.plan_id, self.entry_id)
        row = await info.context.loaders.person.load(entry.person_id)
        assert row is not None
        return Person.from_row(row)


@strawberry.type(description="One change in a plan's history (lịch sử), append-only.")
class PlanEvent:
    at: datetime = strawberry.field(description="When it happened.")
    action: str = strawberry.field(
        description="CREATE, ADD_ENTRY, UPDATE_ENTRY, REMOVE_ENTRY, a workflow action (SUBMIT, "
        "RECEIVE, RETURN, APPRAISE, APPROVE, REJECT, WITHDRAW, REOPEN), SUPERSEDE, or "
        "SUPERSEDE_ENTRIES (a successor's consolidation took some of its entries over)."
    )
    from_status: PlanStatus | None = strawberry.field(
        description="The plan's status before a transition; null for an edit."
    )
    to_status: PlanStatus | None = strawberry.field(
        description="The plan's status after a transition; null for an edit."
    )
    reason: str | None = strawberry.field(description="Why, where the action asks for it.")
    actor: str | None = strawberry.field(description="The username of who did it.")
    before: JSON | None = strawberry.field(
        description="What the event changed, as it was: entry fields for an edit, dossier "
        "fields and entry statuses for a transition (ids are global ids)."
    )
    after: JSON | None = strawberry.field(
        description="What the event changed, as it became (same keys as `before`)."
    )
    decision_number: str | None = strawberry.field(
        description="Số quyết định phê duyệt: the decision an APPROVE recorded."
    )
    entries: list[PlanEventEntry] = strawberry.field(
        description="Every entry the event touched: the one an edit concerns, each entry an "
        "approval or reopening decided, each entry a review kept from the approved plan."
    )
    entry_id: strawberry.Private[int | None]
    plan_id: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: EventRow, *, actor: str | None) -> Self:
        before, after = row.before or {}, row.after or {}
        return cls(
            at=row.at,
            action=row.action,
            from_status=row.from_status,
            to_status=row.to_status,
            reason=row.reason,
            actor=actor,
            before=_public(row.before),
            after=_public(row.after),
            decision_number=after.get("decision_number"),
            entries=_touched(row.plan_id, before, after, reason=row.reason),
            entry_id=after.get("entry_id", before.get("entry_id")),
            plan_id=row.plan_id,
        )

    @strawberry.field(
        description="The entry an edit (ADD_ENTRY, UPDATE_ENTRY, REMOVE_ENTRY) concerns; null "
        "for other events (see `entries`)."
    )
    async def entry(self, info: strawberry.Info[Context, None]) -> PlanEntry | None:
        if self.entry_id is None:
            return None
        return PlanEntry.from_row(await _entry_row(info, self.plan_id, self.entry_id))

    @strawberry.field(description="The person of that entry: who was added, changed or removed.")
    async def person(self, info: strawberry.Info[Context, None]) -> Person | None:
        if self.entry_id is None:
            return None
        entry = await _entry_row(info, self.plan_id, self.entry_id)
        row = await info.context.loaders.person.load(entry.person_id)
        assert row is not None
        return Person.from_row(row)


def _touched(
    plan_id: int, before: Mapping[str, Any], after: Mapping[str, Any], *, reason: str | None
) -> list[PlanEventEntry]:
    """The entries an event names: one at the top level (an edit, whose reason is the
    event's), or a list (a decision, with a reason per entry)."""
    if "entry_id" in after or "entry_id" in before:
        pairs = [(before, {"reason": reason, **after})]
    else:
        was = {e["entry_id"]: e for e in before.get("entries", [])}
        pairs = [(was.get(e["entry_id"], {}), e) for e in after.get("entries", [])]
    return [
        PlanEventEntry(
            change=new.get("change", old.get("change")),
            from_status=EntryStatus(old["status"]) if "status" in old else None,
            to_status=EntryStatus(new["status"]) if "status" in new else None,
            reason=new.get("reason"),
            entry_id=new["entry_id"] if "entry_id" in new else old["entry_id"],
            plan_id=plan_id,
        )
        for old, new in pairs
    ]


async def _entry_row(info: strawberry.Info[Context, None], plan_id: int, entry_id: int) -> EntryRow:
    # An event names entries of its own plan: the plan's entries come in one batched load.
    entries: list[EntryRow] = await info.context.loaders.entries_of_plan.load(plan_id)
    return next(entry for entry in entries if entry.id == entry_id)


async def history_of(info: strawberry.Info[Context, None], plan: PlanRow) -> list[PlanEvent]:
    """The plan's events, oldest first, with their actors' usernames (batched)."""
    rows = await info.context.loaders.events_of_plan.load(plan.id)
    actors = [row.actor_user_id for row in rows if row.actor_user_id is not None]
    names = dict(zip(actors, await info.context.loaders.username.load_many(actors), strict=True))
    return [
        PlanEvent.from_row(
            row, actor=names.get(row.actor_user_id) if row.actor_user_id is not None else None
        )
        for row in rows
    ]
