"""Raising removal proposals when a discipline is recorded on a person (DOMAIN.md §5.2: "on a
discipline event, create a removal proposal"; §6.4 R1). planning/removals.py decides which
entries get one; db/removals.py writes them; the unit's next review carries them out
(schema/plans/drafting.py create_plan) and its approval settles them (db/workflow.py).

No plan is locked or changed here: ``updatePerson`` holds the person's lock, and taking plan
locks after it would invert the order ``addPlanEntry`` takes them in (plan, then person). The
proposal shows on the entry and the plan at once; the plan's history records it when the
review carries it out and when the approval settles it, the person's audit event when raised.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from db import removals as removals_db
from planning import removals
from planning.eligibility import Discipline
from planning.rulesets import DisciplineForm
from schema.audit import actor
from schema.context import Context


async def propose_removals(
    ctx: Context,
    *,
    person_id: int,
    before: Sequence[tuple[str, date]],
    after: Sequence[tuple[str, date]],
) -> list[dict[str, object]]:
    """Raise the proposals a change of the person's disciplines calls for; return them as the
    person's audit event records them."""
    entries = await ctx.db(removals_db.held_entries, person_id=person_id)
    proposals = removals.on_discipline(
        before=[Discipline(DisciplineForm(form), day) for form, day in before],
        after=[Discipline(DisciplineForm(form), day) for form, day in after],
        entries=entries,
    )
    if proposals:
        await ctx.db(removals_db.add, proposals, at=ctx.now, by=actor(ctx))
    return [{"entry_id": p.entry_id, "plan_id": p.plan_id, "rule": p.rule} for p in proposals]
