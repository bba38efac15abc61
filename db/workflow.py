"""Writing what a plan transition decided (planning/workflow.py): the plan's status and
dossier, its entries, the statistics, the plan it supersedes, and its history, in the
caller's transaction (which commits once, last)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict
from datetime import date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from db import (
    consolidation as consolidation_db,
    facts as facts_db,
    plans as plans_db,
    removals as removals_db,
    rollups,
)
from db.plan_models import Plan, PlanEntry
from planning.consolidation import SUPERSEDE_ENTRIES, supersedes_whole_plan
from planning.cycles import PlanKind
from planning.decisions import Counting, Decision, Dossier, EntryState, PlanState
from planning.findings import Finding, Severity
from planning.lifecycle import EntryStatus, PlanEdit, PlanStatus
from planning.removals import settled_by
from planning.rulesets import RuleSet


def state_of(plan: Plan) -> PlanState:
    """The plan as the transitions read it."""
    return PlanState(
        id=plan.id,
        status=plan.status,
        version=plan.version,
        base_plan_id=plan.base_plan_id,
        dossier=Dossier(
            submitted_at=plan.submitted_at,
            received_at=plan.received_at,
            due_on=plan.due_on,
            appraisal_report=plan.appraisal_report,
            appraisal_findings=findings_of(plan.appraisal_findings),
            decided_at=plan.decided_at,
            decision_number=plan.decision_number,
            decision_date=plan.decision_date,
            extended_by=plan.extended_by,
            extension_reason=plan.extension_reason,
        ),
    )


def entry_state(entry: PlanEntry) -> EntryState:
    return EntryState(entry.id, entry.status, entry.change)


async def entry_states(session: AsyncSession, plan: Plan) -> list[EntryState]:
    """The plan's entries as planning/workflow.py decides on them (one statement)."""
    return [entry_state(e) for e in (await plans_db.entries_of(session, [plan.id]))[plan.id]]


async def apply(
    session: AsyncSession,
    plan: Plan,
    decision: Decision,
    *,
    actor_user_id: int | None,
    now: datetime,
    rule_sets: Mapping[str, RuleSet],
) -> None:
    """Write ``decision`` on ``plan`` (locked by the caller) and record it in its history:
    the dossier fields it changed (the decision number of an approval among them) and each
    entry it decided, before and after.

    The approval of a CONSOLIDATION first records who keeps its persons (nothing is written
    when another successor kept one first: ``consolidation_db.PersonTaken`` is raised), then
    supersedes what it took over (``_take_over``).
    """
    consolidating = plan.kind is PlanKind.CONSOLIDATION and decision.to is PlanStatus.APPROVED
    if consolidating:
        approved = {o.entry_id for o in decision.entries if o.status is EntryStatus.ACTIVE}
        entries = (await plans_db.entries_of(session, [plan.id]))[plan.id]
        await consolidation_db.keep(
            session, plan=plan, entries=[e for e in entries if e.id in approved], now=now
        )
    dossier = decision.dossier
    before, after = _dossier_change(state_of(plan).dossier, dossier)
    plan.submitted_at, plan.received_at, plan.due_on = (
        dossier.submitted_at,
        dossier.received_at,
        dossier.due_on,
    )
    plan.appraisal_report = dossier.appraisal_report
    plan.appraisal_findings = findings_json(dossier.appraisal_findings)
    plan.decided_at, plan.decision_number, plan.decision_date = (
        dossier.decided_at,
        dossier.decision_number,
        dossier.decision_date,
    )
    plan.extended_by, plan.extension_reason = dossier.extended_by, dossier.extension_reason
    if decision.entries or decision.counting is not Counting.UNCHANGED:
        decided = await _apply_to_entries(session, plan, decision, now=now, rule_sets=rule_sets)
        if decided:
            before["entries"] = [entry for entry, _ in decided]
            after["entries"] = [entry for _, entry in decided]
    if decision.to in (PlanStatus.APPROVED, PlanStatus.REJECTED):
        entries = (await plans_db.entries_of(session, [plan.id]))[plan.id]
        settled = await removals_db.settle(
            session,
            entry_ids=sorted(settled_by(decision, [entry_state(e) for e in entries])),
            of_plan=decision.supersedes,
            by_plan=plan.id,
            at=now,
            by=actor_user_id,
        )
        if settled:
            after["removal_proposals_settled"] = [
                {"entry_id": row.entry_id, "rule": row.rule} for row in settled
            ]
    if decision.supersedes is not None:
        await _supersede(
            session, decision.supersedes, by=plan, actor_user_id=actor_user_id, now=now
        )
    if consolidating:
        await _take_over(session, plan, actor_user_id=actor_user_id, now=now)
    plan.status = decision.to
    await record(
        session,
        plan,
        decision.action.value,
        from_status=decision.from_status,
        reason=decision.reason,
        actor_user_id=actor_user_id,
        now=now,
        before=before or None,
        after=after or None,
    )


async def _supersede(
    session: AsyncSession, plan_id: int, *, by: Plan, actor_user_id: int | None, now: datetime
) -> None:
    """The approved plan ``plan_id`` is replaced by ``by`` (a review, a consolidation): it and
    its entries in force become SUPERSEDED and stop counting."""
    superseded = await plans_db.supersede(session, plan_id=plan_id)
    if superseded is None:
        return
    replaced, ended = superseded
    # Its status changes too: the feed and its history must say so, entry by entry.
    await rollups.remove(session, plan_id=replaced.id, at=now)
    await record(
        session,
        replaced,
        PlanEdit.SUPERSEDE,
        from_status=PlanStatus.APPROVED,
        actor_user_id=actor_user_id,
        now=now,
        before={"entries": [{**_entry(e, reason=False), "status": "ACTIVE"} for e in ended]},
        after={
            "superseded_by_plan_id": by.id,
            "entries": [_entry(e, reason=False) for e in ended],
        },
    )


async def _take_over(
    session: AsyncSession, plan: Plan, *, actor_user_id: int | None, now: datetime
) -> None:
    """What an approved consolidation supersedes (planning.consolidation): each origin plan of
    a predecessor with one successor (or none, a district) as a whole; of a split predecessor,
    the entries this successor took, and the plan itself once every successor has an approved
    consolidation of the cycle and tier."""
    origins = await consolidation_db.origin_plans(session, plan_id=plan.id)
    successors = await consolidation_db.successor_counts(
        session, sorted({o.planning_unit_id for o in origins})
    )
    for origin in origins:
        count = successors[origin.planning_unit_id]
        if count > 1:
            ended = await consolidation_db.supersede_taken(
                session, plan_id=plan.id, origin_plan_id=origin.id
            )
            if ended:
                ids = [e.id for e in ended]
                await rollups.remove_entries(
                    session, consolidation_db.facts_of_entries(ids), at=now
                )
                await record(
                    session,
                    origin,
                    SUPERSEDE_ENTRIES,
                    actor_user_id=actor_user_id,
                    now=now,
                    before={
                        "entries": [{**_entry(e, reason=False), "status": "ACTIVE"} for e in ended]
                    },
                    after={
                        "superseded_by_plan_id": plan.id,
                        "entries": [_entry(e, reason=False) for e in ended],
                    },
                )
            consolidated = await consolidation_db.consolidated_successors(
                session,
                unit_id=origin.planning_unit_id,
                cycle_id=plan.cycle_id,
                managed_by=plan.managed_by,
                besides=plan.id,
            )
        else:
            consolidated = count
        if supersedes_whole_plan(successors=count, consolidated=consolidated):
            await _supersede(session, origin.id, by=plan, actor_user_id=actor_user_id, now=now)
    # From now the successor's figures for the cycle count its own approved entries, no longer
    # what it read through lineage (a split predecessor's remaining entries included).
    await rollups.end_inheritance(
        session, unit_id=plan.planning_unit_id, cycle_id=plan.cycle_id, at=now
    )


def findings_json(findings: Sequence[Finding]) -> list[dict[str, Any]]:
    """Findings as a plan row keeps them (and its history shows them): rule, entry, values."""
    return [
        {
            "rule": f.rule,
            "severity": f.severity.value,
            "entry_id": f.entry,
            "values": dict(f.values),
        }
        for f in findings
    ]


def findings_of(rows: Sequence[dict[str, Any]]) -> tuple[Finding, ...]:
    return tuple(
        Finding(
            row["rule"], Severity(row["severity"]), tuple(row["values"].items()), row["entry_id"]
        )
        for row in rows
    )


def _recorded(dossier: Dossier) -> dict[str, Any]:
    fields = asdict(dossier)
    fields["appraisal_findings"] = findings_json(dossier.appraisal_findings)
    return fields


def _dossier_change(was: Dossier, becomes: Dossier) -> tuple[dict[str, Any], dict[str, Any]]:
    """The dossier fields a transition changes, as they were and as they become (JSON)."""
    old, new = _recorded(was), _recorded(becomes)
    changed = [name for name in new if new[name] != old[name]]
    return {n: _json(old[n]) for n in changed}, {n: _json(new[n]) for n in changed}


def _json(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value  # datetimes are dates too


def _entry(entry: PlanEntry, *, reason: bool) -> dict[str, Any]:
    """An entry as the history records it: which one, whose, for which title, and its status."""
    shown = {
        "entry_id": entry.id,
        "person_id": entry.person_id,
        "position_id": entry.position_id,
        "status": entry.status.value,
    }
    return {**shown, "reason": entry.result_reason} if reason else shown


async def _apply_to_entries(
    session: AsyncSession,
    plan: Plan,
    decision: Decision,
    *,
    now: datetime,
    rule_sets: Mapping[str, RuleSet],
) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """Write the entries' outcomes and start or stop their counting; return each entry the
    decision changed, before and after."""
    if decision.counting is Counting.STOP:
        await rollups.remove(session, plan_id=plan.id, at=now)
    entries = {e.id: e for e in (await plans_db.entries_of(session, [plan.id]))[plan.id]}
    decided = []
    for outcome in decision.entries:
        entry = entries[outcome.entry_id]
        was = _entry(entry, reason=False)
        entry.status, entry.result_reason = outcome.status, outcome.reason
        decided.append((was, _entry(entry, reason=True)))
    if decision.counting is Counting.START:
        active = [e for e in entries.values() if e.status is EntryStatus.ACTIVE]
        facts = await facts_db.facts_of(
            session, [(plan, active)], rule_sets=rule_sets, today=now.date()
        )
        await rollups.add(session, facts, at=now)
    return decided


async def record(
    session: AsyncSession,
    plan: Plan,
    action: str,
    *,
    actor_user_id: int | None,
    now: datetime,
    from_status: PlanStatus | None = None,
    reason: str | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    bump: bool = True,
) -> None:
    """Append a change to the plan's history (a transition when ``from_status`` is given, an
    edit otherwise) and bump its version (not on creation)."""
    if bump:
        plan.version += 1
    await plans_db.add_event(
        session,
        plan_id=plan.id,
        at=now,
        actor_user_id=actor_user_id,
        action=action,
        from_status=from_status,
        to_status=plan.status if from_status is not None else None,
        reason=reason,
        before=before,
        after=after,
    )
