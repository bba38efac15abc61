"""GraphQL types of plans (danh sách quy hoạch), their entries, reports and history."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Self, cast

import strawberry

from db import entry_pages as entry_pages_db, reports as reports_db, workflow as workflow_db
from db.plan_models import (
    Cycle as CycleRow,
    Plan as PlanRow,
    PlanEntry as EntryRow,
)
from db.removals import RemovalProposal as RemovalRow
from planning.cycles import AgeAt, PlanKind as PlanKindValue
from planning.findings import Finding as FindingValue
from planning.lifecycle import (
    STEPS,
    PlanAction,
    Side,
    is_live,
    overdue as is_overdue,
    possible,
)
from schema.context import Context
from schema.enums import (
    AgeBasis,
    CandidateTier,
    DisciplineForm,
    EntryStatus,
    PlanKind,
    PlanStatus,
    Severity,
    UnitKind,
)
from schema.loaders import PositionKey
from schema.lookahead import selects
from schema.messages import Language, render, text
from schema.messages.labels import INDICATORS
from schema.node import Node, to_global_id
from schema.persons.types import Person
from schema.plans.consolidation import ConsolidationLeftover, EntryOrigin
from schema.plans.position_types import (
    PlanPosition,
    Position as Position,  # other features find the position type here
    PositionQuota,
    holdable,
)
from schema.plans.shaped import Shaped, entry_shape
from schema.units.types import Unit, tree_date

if TYPE_CHECKING:
    from schema.plans.history import PlanEvent


@strawberry.type(description="A planning cycle: party term and state term (nhiệm kỳ).")
class Cycle:
    code: str = strawberry.field(description="e.g. `2030-2035`.")
    party_term: str
    state_term: str

    @classmethod
    def from_row(cls, row: CycleRow) -> Self:
        return cls(
            code=row.code,
            party_term=f"{row.party_term_start}–{row.party_term_end}",
            state_term=f"{row.state_term_start}–{row.state_term_end}",
        )


@strawberry.type(description="A number a rule looked at (e.g. planned, maximum).")
class FindingNumber:
    name: str
    value: str


@strawberry.type(description="One rule's verdict on a plan or an entry.")
class Finding:
    rule: str = strawberry.field(description="The rule id of DOMAIN.md: Q1–Q3, E1–E13, V1, T-…")
    severity: Severity
    message: str
    entry: strawberry.ID | None = strawberry.field(description="The entry concerned, if one is.")
    numbers: list[FindingNumber]
    label: str | None = strawberry.field(
        default=None, description="A TARGET finding's indicator, named in your language."
    )

    @classmethod
    def of(cls, finding: FindingValue, language: Language) -> Self:
        indicator = INDICATORS.get(finding.rule.removeprefix("T-"))
        return cls(
            rule=finding.rule,
            severity=finding.severity,
            message=render(finding, language),
            entry=to_global_id("PlanEntry", finding.entry) if finding.entry is not None else None,
            numbers=[FindingNumber(name=n, value=str(v)) for n, v in finding.values],
            label=indicator.template(language)
            if indicator and finding.rule.startswith("T-")
            else None,
        )


@strawberry.type(description="The month a report computes ages at (thời điểm tính tuổi), and why.")
class AgeReference:
    month: str = strawberry.field(description="`MM/YYYY`.")
    basis: AgeBasis
    day: date | None = strawberry.field(
        description="The date the month was taken from (decision, due date, today); null for a "
        "cycle's fixed month."
    )

    @classmethod
    def of(cls, age_at: AgeAt) -> Self:
        return cls(month=str(age_at.month), basis=age_at.basis, day=age_at.day)


@strawberry.type(description="The validation report of a plan under its rule set.")
class ValidationReport:
    rule_set: str
    age_reference: AgeReference = strawberry.field(
        description="The month ages were computed at for the party titles and the targets "
        "(state titles of a next-term plan use the cycle's state month), and its basis: under "
        "OLD_2012 an undecided plan is aged at its due date, or today, and says which."
    )
    errors: list[Finding] = strawberry.field(description="HARD findings: they block submission.")
    warnings: list[Finding] = strawberry.field(description="TARGET findings: reported only.")
    blocks_submission: bool


@strawberry.type(description="One secret ballot on a candidate (phiếu).")
class Ballot:
    step: str
    summoned: int
    present: int
    votes_for: int


@strawberry.type(
    description="A proposal to take an entry out of planning (đề nghị đưa ra khỏi quy hoạch, "
    "DOMAIN.md §6.4): raised when a discipline is recorded on the planned person. The unit acts "
    "on it in its next annual review, which starts with the entry marked REMOVE; the approval "
    "that takes the entry out settles it."
)
class RemovalProposal:
    rule: str = strawberry.field(description="The removal rule of DOMAIN.md §6.4: `R1`.")
    discipline_form: DisciplineForm = strawberry.field(description="Hình thức kỷ luật.")
    discipline_decided_on: date = strawberry.field(description="Ngày quyết định kỷ luật.")
    raised_at: datetime = strawberry.field(description="When the discipline was recorded.")
    row: strawberry.Private[RemovalRow]
    plan_id: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: RemovalRow, *, plan_id: int) -> Self:
        return cls(
            rule=row.rule,
            discipline_form=DisciplineForm(row.discipline_form),
            discipline_decided_on=row.discipline_decided_on,
            raised_at=row.raised_at,
            row=row,
            plan_id=plan_id,
        )

    @strawberry.field(description="Why, in your language (the reason the review entry carries).")
    def reason(self, info: strawberry.Info[Context, None]) -> str:
        return removal_reason(self.row, info.context.language)

    @strawberry.field(description="The entry to take out.")
    async def entry(self, info: strawberry.Info[Context, None]) -> PlanEntry:
        rows = await info.context.loaders.entries_of_plan.load(self.plan_id)
        return PlanEntry.from_row(next(row for row in rows if row.id == self.row.entry_id))


def removal_reason(row: RemovalRow, language: Language) -> str:
    """A removal proposal's reason: its rule and the discipline."""
    return text(
        row.rule,
        language,
        form=row.discipline_form,
        decided_on=f"{row.discipline_decided_on:%d/%m/%Y}",
    )


@strawberry.type(description="One person planned for one position (một lượt quy hoạch).")
class PlanEntry(Node):
    tier: CandidateTier
    source: str = strawberry.field(description="LOCAL (tại chỗ) or EXTERNAL (nơi khác).")
    status: EntryStatus
    change: str = strawberry.field(
        description="In an annual review: ADD (bổ sung), KEEP, or REMOVE (đưa ra)."
    )
    ballots: list[Ballot]
    result_reason: str | None = strawberry.field(description="Why it was not approved.")
    removal_reason: str | None = strawberry.field(description="Why it was removed.")
    row: strawberry.Private[EntryRow]

    # Read ahead by the plan's `entries` (None: read when asked).
    known_person: strawberry.Private[Person | None] = None
    known_position: strawberry.Private[Position | None] = None

    @classmethod
    def from_row(
        cls, row: EntryRow, *, person: Person | None = None, position: Position | None = None
    ) -> Self:
        return cls(
            id=to_global_id("PlanEntry", row.id),
            tier=row.tier,
            source=row.source,
            status=row.status,
            change=row.change,
            ballots=[Ballot(**ballot) for ballot in row.ballots],
            result_reason=row.result_reason,
            removal_reason=row.removal_reason,
            row=row,
            known_person=person,
            known_position=position,
        )

    @strawberry.field(
        description="The open proposal to take this entry out of planning (a discipline was "
        "recorded on the person, R1), if any."
    )
    async def removal_proposal(
        self, info: strawberry.Info[Context, None]
    ) -> RemovalProposal | None:
        row = await info.context.loaders.removal_of_entry.load(self.row.id)
        return RemovalProposal.from_row(row, plan_id=self.row.plan_id) if row else None

    # `person` and `position` are plain (not async) resolvers: an entry read ahead answers at
    # once; any other returns the awaitable of its load, which graphql-core awaits.
    @strawberry.field(description="The person planned.")
    def person(self, info: strawberry.Info[Context, None]) -> Person:
        if self.known_person is not None:
            return self.known_person
        return cast(Person, self._person(info.context))

    async def _person(self, ctx: Context) -> Person:
        row = await ctx.loaders.person.load(self.row.person_id)
        assert row is not None
        return Person.from_row(row)

    @strawberry.field(
        description="In a consolidation: the predecessor unit, approved plan and entry it was "
        "kept from (nguồn kế thừa); null for an entry the plan added itself."
    )
    def origin(self) -> EntryOrigin | None:
        return EntryOrigin.of_entry(self.row)

    @strawberry.field(description="The position planned, as the plan's province has it.")
    def position(self, info: strawberry.Info[Context, None]) -> Position:
        if self.known_position is not None:
            return self.known_position
        return cast(Position, self._position(info.context))

    async def _position(self, ctx: Context) -> Position:
        loaders = ctx.loaders
        province = await loaders.province_of_plan.load(self.row.plan_id)
        row = await loaders.effective_position.load(PositionKey(self.row.position_id, province))
        assert row is not None, "a foreign key keeps the position of an entry"
        return Position.from_row(row)


@strawberry.type(description="What the caller may do next with the plan (DHIS2's mayApprove).")
class ViewerCan:
    edit: bool
    submit: bool
    withdraw: bool
    receive: bool
    return_: bool = strawberry.field(name="return")
    appraise: bool
    approve: bool
    reject: bool
    reopen: bool


@strawberry.type(description="The one extension of the approval clock (gia hạn, QĐ 377 Art. 23).")
class DeadlineExtension:
    working_days: int = strawberry.field(description="Working days added to the due date.")
    reason: str


@strawberry.type(description="A plan of one unit, cycle and approving body (danh sách quy hoạch).")
class Plan(Node):
    kind: PlanKind
    managed_by: UnitKind = strawberry.field(description="The tier whose positions it plans.")
    rule_set: str = strawberry.field(description="The rule set it is validated under.")
    status: PlanStatus
    version: int = strawberry.field(description="Pass it back to change the plan.")
    submitted_at: datetime | None
    received_at: datetime | None = strawberry.field(
        description="When the approving unit received the complete dossier (the SLA starts)."
    )
    due_on: date | None = strawberry.field(
        description="Decision due: 30 working days after receipt on the working calendar "
        "(`holidays`), plus the extension; recounted when the calendar changes."
    )
    decided_at: datetime | None
    decision_number: str | None = strawberry.field(description="Số quyết định phê duyệt.")
    decision_date: date | None
    appraisal_report: str | None = strawberry.field(description="Báo cáo thẩm định.")
    from_plan: strawberry.ID | None = strawberry.field(
        description="The rejected plan this one was started from (`createPlan` `fromPlan`)."
    )
    row: strawberry.Private[PlanRow]

    @classmethod
    def from_row(cls, row: PlanRow) -> Self:
        return cls(
            id=to_global_id("Plan", row.id),
            kind=row.kind,
            managed_by=row.managed_by,
            rule_set=row.rule_set,
            status=row.status,
            version=row.version,
            submitted_at=row.submitted_at,
            received_at=row.received_at,
            due_on=row.due_on,
            decided_at=row.decided_at,
            decision_number=row.decision_number,
            decision_date=row.decision_date,
            appraisal_report=row.appraisal_report,
            from_plan=to_global_id("Plan", row.from_plan_id) if row.from_plan_id else None,
            row=row,
        )

    @strawberry.field(description="The extension of the running clock (`extendDeadline`), if any.")
    def deadline_extension(self) -> DeadlineExtension | None:
        if self.row.extended_by is None:
            return None
        return DeadlineExtension(
            working_days=self.row.extended_by, reason=self.row.extension_reason or ""
        )

    @strawberry.field(description="Whether the decision is late (today is past `dueOn`).")
    def overdue(self, info: strawberry.Info[Context, None]) -> bool:
        return is_overdue(self.row.status, self.row.due_on, info.context.today)

    @strawberry.field(description="The unit whose plan it is.")
    async def planning_unit(self, info: strawberry.Info[Context, None]) -> Unit:
        return await _unit(info, self.row.planning_unit_id)

    @strawberry.field(description="The unit whose standing committee approves it.")
    async def approving_unit(self, info: strawberry.Info[Context, None]) -> Unit:
        return await _unit(info, self.row.approving_unit_id)

    @strawberry.field(description="The cycle it plans for.")
    async def cycle(self, info: strawberry.Info[Context, None]) -> Cycle:
        row = await info.context.loaders.cycle.load(self.row.cycle_id)
        assert row is not None
        return Cycle.from_row(row)

    @strawberry.field(description="Its entries, in the order they were added.")
    async def entries(self, info: strawberry.Info[Context, None]) -> list[PlanEntry]:
        ctx = info.context
        loaders = ctx.loaders
        shape = entry_shape(info) if ctx.composed_json else None
        if shape is not None:
            province = await loaders.province_of_plan.load(self.row.id)
            page = await entry_pages_db.shaped_entries(
                ctx.reads, shape, plan_id=self.row.id, province_id=province
            )
            if page is not None:
                return cast(list[PlanEntry], Shaped(page))
        rows = await loaders.entries_of_plan.load(self.row.id)
        # The people and positions asked for are read here, one statement per level for the
        # whole page, so that each entry's `person` and `position` is a value at hand rather
        # than one awaited load per entry (that per-object await was most of a page's time).
        people: list[Person | None] = [None] * len(rows)
        positions: list[Position | None] = [None] * len(rows)
        if selects(info, "person"):
            found = await loaders.person.load_many([row.person_id for row in rows])
            people = [Person.from_row(person) if person else None for person in found]
        if selects(info, "position"):
            province = await loaders.province_of_plan.load(self.row.id)
            keys = [PositionKey(row.position_id, province) for row in rows]
            held = await loaders.effective_position.load_many(keys)
            positions = [Position.from_row(position) if position else None for position in held]
        return [
            PlanEntry.from_row(row, person=person, position=position)
            for row, person, position in zip(rows, people, positions, strict=True)
        ]

    @strawberry.field(
        description="A consolidation's leftovers: approved entries of its predecessors whose "
        "title has no successor (district titles, on the province's consolidation), listed for "
        "its approving tier to re-plan or let go; empty for other plans."
    )
    async def consolidation_leftovers(
        self, info: strawberry.Info[Context, None]
    ) -> list[ConsolidationLeftover]:
        if self.row.kind is not PlanKindValue.CONSOLIDATION:
            return []
        rows = await info.context.loaders.leftovers_of_plan.load(self.row.id)
        return [ConsolidationLeftover.of(entry, unit_id) for entry, unit_id in rows]

    @strawberry.field(
        description="The titles the plan may hold (what `addPlanEntry` accepts): those of its "
        "planning unit's kind that its `managedBy` tier manages, valid on the plan's day, as its "
        "province has them, ordered by rank; with how many it plans and may plan for each."
    )
    async def positions(self, info: strawberry.Info[Context, None]) -> list[PlanPosition]:
        ctx = info.context
        unit = await ctx.loaders.unit.load(self.row.planning_unit_id)
        assert unit is not None
        province = await ctx.loaders.province_of_plan.load(self.row.id)
        rows = await holdable(ctx, unit, self.row.managed_by, province_id=province)
        entries = await ctx.loaders.entries_of_plan.load(self.row.id)
        live = [e.position_id for e in entries if is_live(e.status, e.change)]
        rules = ctx.rule_sets[self.row.rule_set]
        return [
            PlanPosition(
                position=Position.from_row(row),
                quota=PositionQuota.of(row, rules),
                planned=live.count(row.id),
            )
            for row in rows
        ]

    @strawberry.field(
        description="The HARD findings of the validation as of the appraisal (thẩm định): the "
        "entries the appraisal recommends not approving, and any plan-wide finding. Empty "
        "before the appraisal. `validation` is the report as of now."
    )
    def appraisal_findings(self, info: strawberry.Info[Context, None]) -> list[Finding]:
        recorded = workflow_db.findings_of(self.row.appraisal_findings)
        return [Finding.of(f, info.context.language) for f in recorded]

    @strawberry.field(
        description="Open proposals to take entries of this plan out of planning (R1: a "
        "discipline recorded on the person), oldest first: what the unit's next review acts on."
    )
    async def removal_proposals(
        self, info: strawberry.Info[Context, None]
    ) -> list[RemovalProposal]:
        rows = await info.context.loaders.removals_of_plan.load(self.row.id)
        return [RemovalProposal.from_row(row, plan_id=self.row.id) for row in rows]

    @strawberry.field(description="The validation report under the plan's rule set, now.")
    async def validation(self, info: strawberry.Info[Context, None]) -> ValidationReport:
        return await validation_report(info.context, self.row)

    @strawberry.field(description="What you may do next with this plan.")
    async def viewer_can(self, info: strawberry.Info[Context, None]) -> ViewerCan:
        ctx = info.context
        planning = await ctx.loaders.unit.load(self.row.planning_unit_id)
        approving = await ctx.loaders.unit.load(self.row.approving_unit_id)
        assert planning is not None
        assert approving is not None
        open_now = possible(self.row.status)

        def may(action: PlanAction) -> bool:
            step = STEPS[action]
            unit = planning if step.side is Side.PLANNING_UNIT else approving
            return action in open_now and ctx.allows(step.permission, "plan", unit.path)

        return ViewerCan(
            edit=may(PlanAction.EDIT),
            submit=may(PlanAction.SUBMIT),
            withdraw=may(PlanAction.WITHDRAW),
            receive=may(PlanAction.RECEIVE),
            return_=may(PlanAction.RETURN),
            appraise=may(PlanAction.APPRAISE),
            approve=may(PlanAction.APPROVE),
            reject=may(PlanAction.REJECT),
            reopen=may(PlanAction.REOPEN),
        )

    @strawberry.field(
        description="Every transition and edit, oldest first (lịch sử): who, when, why, and "
        "what changed — entries and persons, before and after, the decision number."
    )
    async def history(
        self, info: strawberry.Info[Context, None]
    ) -> list[Annotated[PlanEvent, strawberry.lazy("schema.plans.history")]]:
        # Imported here: the history shows this module's entries, so it imports this module.
        from schema.plans.history import history_of

        return await history_of(info, self.row)


async def validation_report(ctx: Context, plan: PlanRow) -> ValidationReport:
    report = await ctx.db(reports_db.report_of, plan, rule_sets=ctx.rule_sets, today=ctx.today)
    assert report.age_reference is not None  # report_of always says it
    return ValidationReport(
        rule_set=plan.rule_set,
        age_reference=AgeReference.of(report.age_reference),
        errors=[Finding.of(f, ctx.language) for f in report.errors],
        warnings=[Finding.of(f, ctx.language) for f in report.warnings],
        blocks_submission=report.blocks_submission,
    )


async def _unit(info: strawberry.Info[Context, None], unit_id: int) -> Unit:
    row = await info.context.loaders.unit.load(unit_id)
    assert row is not None
    return Unit.from_row(row, at=tree_date(row, None, info.context.today))
