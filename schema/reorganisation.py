"""The GraphQL twin of `quyhoach reorganize` (sắp xếp đơn vị hành chính, DOMAIN.md A.11): a
national administrator loads a new unit list with its lineage, or runs a dry run that reports
what it would close, open, move and consolidate, per province.

The whole run is one transaction of the request: a dry run and a refused run are rolled back,
a run is committed once. ``reform`` names a reform that ships (``data/units/reforms.json``),
read here as the CLI reads it (the files are part of the release, not of a request).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry

from db import reorganisation as reorganisation_db, units as units_db
from planning.lineage import LineageRow
from planning.problems import Problem as ProblemValue, problem
from planning.reorganisation import (
    LINEAGE_COLUMNS,
    UNIT_COLUMNS,
    Counts,
    Report,
    UnreadableCsv,
    lineage_rows,
    unit_rows,
)
from planning.units import RowProblem, UnitRow
from schema.audit import actor
from schema.context import Context
from schema.messages import render, text
from schema.outcomes import NotAllowed, ValidationFailed, not_allowed, validation_failed
from schema.permissions import official
from schema.units.types import Unit


@strawberry.input(
    description="A reorganisation to load: a reform that ships (`reform`), or a new unit list "
    "and its lineage as CSV text with the first day they take effect."
)
class ReorganizeInput:
    reform: str | None = strawberry.field(
        default=None, description="A reform that ships, by name, e.g. `2025`."
    )
    units_csv: str | None = strawberry.field(
        default=None,
        description="The new unit list: CSV with the header `kind,code,name,parent_code`.",
    )
    lineage_csv: str | None = strawberry.field(
        default=None,
        description="Its lineage (kế thừa): CSV with the header "
        "`predecessor_code,predecessor_kind,successor_code,successor_kind`.",
    )
    effective: date | None = strawberry.field(
        default=None, description="The first day of the new units (a reform's own by default)."
    )
    dry_run: bool = strawberry.field(
        default=False, description="Report what a run would do, and write nothing."
    )


@strawberry.type(description="Approved plans of closed units for one cycle, to consolidate.")
class CyclePlans:
    cycle: str = strawberry.field(description="The cycle's code, e.g. `2025-2030`.")
    plans: int = strawberry.field(description="How many approved plans.")


@strawberry.type(description="What a reorganisation does, in one province or in total.")
class ReorganisationCounts:
    opened: int = strawberry.field(description="Units of the new list created.")
    closed: int = strawberry.field(description="Units closed on the day before (giải thể).")
    already_closed: int = strawberry.field(
        description="Predecessor units (or units beneath them) that already ended that day."
    )
    links_added: int = strawberry.field(description="Lineage links recorded.")
    persons_moved: int = strawberry.field(
        description="Persons of closed units moved to their one successor."
    )
    awaiting: int = strawberry.field(
        description="Persons of split predecessors placed on the province until an "
        "administrator assigns them (`assignPersonUnit`)."
    )
    plans_to_consolidate: list[CyclePlans] = strawberry.field(
        description="Approved plans of closed units, per cycle, that their successors "
        "consolidate (`createPlan(kind: CONSOLIDATION)`)."
    )

    @classmethod
    def of(cls, counts: Counts) -> ReorganisationCounts:
        return cls(
            opened=counts.opened,
            closed=counts.closed,
            already_closed=counts.already_closed,
            links_added=counts.links_added,
            persons_moved=counts.persons_moved,
            awaiting=counts.awaiting,
            plans_to_consolidate=[
                CyclePlans(cycle=c, plans=n) for c, n in counts.plans_to_consolidate
            ],
        )


@strawberry.type(description="What a reorganisation does in one new province.")
class ProvinceReorganisation:
    province: Unit | None = strawberry.field(
        description="The province of the new tree; null for units above the provinces."
    )
    counts: ReorganisationCounts


@strawberry.type(
    description="The report of a reorganisation: what it did or, for a dry run, exactly what "
    "a run would do. A second run of the same reform reports zeros."
)
class ReorganisationReport:
    effective: date = strawberry.field(description="The first day of the new units.")
    dry_run: bool = strawberry.field(description="True: nothing was written.")
    total: ReorganisationCounts
    provinces: list[ProvinceReorganisation] = strawberry.field(
        description="The same counts per new province. In a dry run, a province the run "
        "would create is shown with an id that exists only in this report."
    )


@strawberry.type(description="One refused line of a unit list or lineage file.")
class LineProblem:
    line: int = strawberry.field(description="The line number in the file (1: the header).")
    code: str
    message: str


@strawberry.type(
    description="The unit list or the lineage has problems: nothing was written. Each is "
    "given with its line."
)
class ReorganisationRefused:
    message: str
    units: list[LineProblem] = strawberry.field(description="Problems of the unit list.")
    lineage: list[LineProblem] = strawberry.field(description="Problems of the lineage.")


ReorganizeResult = Annotated[
    ReorganisationReport | ReorganisationRefused | ValidationFailed | NotAllowed,
    strawberry.union("ReorganizeResult", description="The report, or why nothing was loaded."),
]


def _lines(ctx: Context, problems: list[RowProblem]) -> list[LineProblem]:
    return [
        LineProblem(line=p.line, code=p.problem.code, message=render(p.problem, ctx.language))
        for p in problems
    ]


def _inputs(
    ctx: Context, input: ReorganizeInput
) -> tuple[list[UnitRow], list[LineageRow], date, str] | list[ProblemValue]:
    if input.reform is not None:
        shipped = ctx.shipped_reform(input.reform)
        if shipped is None:
            return [problem("UNKNOWN_REFORM", "reform", name=input.reform)]
        effective = input.effective or shipped.effective
        return shipped.units, shipped.lineage, effective, f"reform {input.reform}"
    if input.units_csv is None or input.lineage_csv is None or input.effective is None:
        return [problem("REORGANISATION_INPUT_REQUIRED", None)]
    refused: list[ProblemValue] = []
    units: list[UnitRow] = []
    lineage: list[LineageRow] = []
    try:
        units = unit_rows(input.units_csv)
    except UnreadableCsv:
        refused.append(problem("CSV_UNREADABLE", "unitsCsv", header=",".join(UNIT_COLUMNS)))
    try:
        lineage = lineage_rows(input.lineage_csv)
    except UnreadableCsv:
        refused.append(problem("CSV_UNREADABLE", "lineageCsv", header=",".join(LINEAGE_COLUMNS)))
    if refused:
        return refused
    return units, lineage, input.effective, "GraphQL"


async def _present(ctx: Context, report: Report) -> ReorganisationReport:
    ids = [p for p, _ in report.by_province if p is not None]
    rows = await ctx.loaders.unit.load_many(ids)
    units = {row.id: row for row in rows if row is not None}
    return ReorganisationReport(
        effective=report.effective,
        dry_run=report.dry_run,
        total=ReorganisationCounts.of(report.total),
        provinces=[
            ProvinceReorganisation(
                province=Unit.from_row(units[p], at=report.effective) if p in units else None,
                counts=ReorganisationCounts.of(counts),
            )
            for p, counts in report.by_province
        ],
    )


@strawberry.type
class ReorganisationMutation:
    @strawberry.mutation(
        description="Load a reorganisation (sắp xếp đơn vị hành chính) atomically: close the "
        "predecessors and the units beneath them on the day before `effective`, create the new "
        "units, record the lineage, move the persons of closed units to their successor (those "
        "of a split predecessor wait on the province: `personsAwaitingUnit`). `dryRun` reports "
        "and writes nothing. National administrators only (`NotAllowed` otherwise).",
        extensions=official(),
    )
    async def reorganize(
        self, info: strawberry.Info[Context, None], input: ReorganizeInput
    ) -> ReorganizeResult:
        ctx = info.context
        root = await ctx.db(units_db.root_path)
        if not ctx.allows("manage", "reference", root):
            return not_allowed(ctx, "manage", "reference")
        given = _inputs(ctx, input)
        if isinstance(given, list):
            return validation_failed(ctx, given)
        units, lineage, effective, source = given
        try:
            report = await ctx.db(
                reorganisation_db.reorganize,
                units=units,
                lineage=lineage,
                effective=effective,
                dry_run=input.dry_run,
                actor_user_id=actor(ctx),
                now=ctx.now,
                source=source,
            )
        except reorganisation_db.ReorganisationRejected as rejected:
            await ctx.session.rollback()
            return ReorganisationRefused(
                message=text("REORGANISATION_REFUSED", ctx.language),
                units=_lines(ctx, rejected.units),
                lineage=_lines(ctx, rejected.lineage),
            )
        presented = await _present(ctx, report)
        if input.dry_run:
            await ctx.session.rollback()
        else:
            await ctx.session.commit()
        return presented
