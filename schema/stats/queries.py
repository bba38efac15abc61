"""statistics and indicators: answered from the rollups, scoped, small cells suppressed."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

import strawberry

from db import plans as plans_db, statistics as stats_db
from db.models import Unit as UnitRow
from planning.indicators import suppressed
from planning.quotas import committee_maximum, committee_minimum, title_maximum
from planning.rulesets import Indicator, RuleSet, in_force, with_province_targets
from schema.context import Context
from schema.errors import ClientError
from schema.node import row_id_of
from schema.permissions import logged_in
from schema.stats.types import (
    Dimension,
    GroupValue,
    IndicatorValue,
    Statistics,
    StatisticsInput,
    StatisticsRow,
)

BAND_LABELS = ("young", "next five years", "older")


async def _scope(ctx: Context, unit_id: strawberry.ID, cycle: str) -> tuple[UnitRow, int, bool]:
    """The unit, the cycle id, and whether the caller sees exact numbers."""
    unit = await ctx.loaders.unit.load(row_id_of(unit_id, "Unit"))
    if unit is None:
        raise ClientError("INVALID_ID", id=unit_id, expected="Unit")
    ctx.authorize("read", "statistics", unit.path)
    found = await ctx.read(plans_db.cycle_by_code, code=cycle)
    if found is None:
        raise ClientError("BAD_ARGUMENTS", vi=f"không có nhiệm kỳ {cycle}", en=f"no cycle {cycle}")
    # Officials who may read the persons of the unit see exact numbers; integrators do not.
    exact = (
        ctx.principal is not None
        and ctx.principal.is_official
        and ctx.allows("read", "person", unit.path)
    )
    return unit, found.id, exact


def _row(
    group: list[GroupValue],
    entries: int,
    persons: int | None,
    age_sum: int,
    total_persons: int,
    exact: bool,
) -> StatisticsRow:
    counted = persons if persons is not None else entries
    if suppressed(counted, exact=exact):
        return StatisticsRow(
            group=group,
            entries=None,
            persons=None,
            persons_share=None,
            average_age=None,
            suppressed=True,
        )
    return StatisticsRow(
        group=group,
        entries=entries,
        persons=persons,
        persons_share=(persons / total_persons) if persons is not None and total_persons else None,
        average_age=round(age_sum / counted / 12, 1) if counted else None,
        suppressed=False,
    )


async def _labels(ctx: Context, dimension: Dimension, value: str) -> str:
    if dimension is Dimension.CHILD_UNIT:
        unit = await ctx.loaders.unit.load(int(value))
        return unit.name if unit else value
    if dimension is Dimension.POSITION:
        position = await ctx.loaders.position.load(int(value))
        return position.title if position else value
    if dimension is Dimension.AGE_BAND:
        return BAND_LABELS[int(value)]
    return value or "(not recorded)"


@strawberry.type
class StatisticsQuery:
    @strawberry.field(
        description="Counts of the approved entries (lượt) and distinct persons of a unit's "
        "whole subtree for a cycle, grouped by the dimensions asked for, from rollups kept at "
        "approval: national figures cost the same as a commune's.",
        extensions=logged_in(),
    )
    async def statistics(
        self, info: strawberry.Info[Context, None], input: StatisticsInput
    ) -> Statistics:
        ctx = info.context
        unit, cycle_id, exact = await _scope(ctx, input.unit, input.cycle)
        group_by = [d.value for d in dict.fromkeys(input.group_by)]
        filters = {f.dimension.value: f.values for f in input.filter}
        person_level = all(stats_db.DIMENSIONS[d][1] for d in group_by) and all(
            stats_db.DIMENSIONS[d][1] for d in filters
        )
        scope = stats_db.Cells(unit.id, cycle_id, filters)
        entry_rows = await ctx.read(stats_db.entry_cells, scope=scope, group_by=group_by)
        person_rows = (
            await ctx.read(stats_db.person_cells, scope=scope, group_by=group_by)
            if person_level
            else []
        )
        [(_, total_entries, entry_age)] = await ctx.read(
            stats_db.entry_cells, scope=scope, group_by=[]
        ) or [((), 0, 0)]
        persons_total = sum(n for _, n, _ in person_rows) if person_level else None
        by_group = {key: (n, s) for key, n, s in person_rows}
        rows = []
        # Load every named unit and position in one batch each, not one query per row.
        for dimension, loader in (
            ("CHILD_UNIT", ctx.loaders.unit),
            ("POSITION", ctx.loaders.position),
        ):
            if dimension in group_by:
                column = group_by.index(dimension)
                await loader.load_many(sorted({int(key[column]) for key, _, _ in entry_rows}))
        for key, entries, age_sum in sorted(entry_rows):
            persons, person_age = by_group.get(key, (None, None)) if person_level else (None, None)
            labels = [
                GroupValue(
                    dimension=Dimension(d),
                    value=str(v),
                    label=await _labels(ctx, Dimension(d), str(v)),
                )
                for d, v in zip(group_by, key, strict=True)
            ]
            rows.append(
                _row(
                    labels,
                    entries,
                    persons,
                    person_age if person_age is not None else age_sum,
                    persons_total or 0,
                    exact,
                )
            )
        total = _row(
            [],
            total_entries,
            persons_total,
            sum(s for _, _, s in person_rows) if person_level else entry_age,
            persons_total or 0,
            exact,
        )
        return Statistics(approved_only=True, exact=exact, total=total, rows=rows)

    @strawberry.field(
        description="The indicators of DOMAIN.md §8 for a unit's subtree and cycle, each with its "
        "target (from the rule set in force, or the province's own) and whether it is met.",
        extensions=logged_in(),
    )
    async def indicators(
        self, info: strawberry.Info[Context, None], unit: strawberry.ID, cycle: str
    ) -> list[IndicatorValue]:
        ctx = info.context
        row, cycle_id, exact = await _scope(ctx, unit, cycle)
        rules = in_force(ctx.rule_sets, on=ctx.today)
        province = await ctx.read(plans_db.province_of, unit_path=row.path)
        if province is not None:
            own = await ctx.read(
                plans_db.province_targets, province_id=province.id, rule_set=rules.code
            )
            rules = with_province_targets(
                rules, {Indicator(k): (Fraction(str(v)), y) for k, (v, y) in own.items()}
            )
        level = row.kind
        targets = {t.indicator: t for t in rules.targets_for(level)}
        scope = stats_db.Cells(row.id, cycle_id)

        async def share(dimension: str, wanted: Sequence[str]) -> tuple[int, int]:
            cells = await ctx.read(stats_db.person_cells, scope=scope, group_by=[dimension])
            return sum(n for (v,), n, _ in cells if v in wanted), sum(n for _, n, _ in cells)

        def value(
            code: str, label: str, part: int, whole: int, target: Indicator | None
        ) -> IndicatorValue:
            goal = targets.get(target) if target else None
            hidden = suppressed(whole, exact=exact) or suppressed(part, exact=exact)
            ratio = part / whole if whole and not hidden else None
            return IndicatorValue(
                code=code,
                label=label,
                value=ratio,
                target=float(goal.at_least) if goal else None,
                met=(ratio >= float(goal.at_least)) if goal and ratio is not None else None,
                numerator=None if hidden else part,
                denominator=None if hidden else whole,
                suppressed=hidden,
            )

        found = [
            value("WOMEN", "Women", *await share("GENDER", ["FEMALE"]), Indicator.WOMEN),
            value("YOUNG", "Young cadres", *await share("AGE_BAND", ["0"]), Indicator.YOUNG),
            value(
                "ETHNIC_MINORITY",
                "Ethnic minorities",
                *await share("MINORITY", ["true"]),
                Indicator.ETHNIC_MINORITY,
            ),
            value(
                "MASTER_PHD",
                "Master's degree or PhD",
                *await share("EDUCATION", ["Thạc sĩ", "Tiến sĩ"]),
                None,
            ),
            value(
                "THEORY_INTERMEDIATE_UP",
                "Political theory: intermediate or higher",
                *await share("POLITICAL_THEORY", ["Trung cấp", "Cao cấp", "Cử nhân"]),
                None,
            ),
        ]
        heads = await ctx.read(stats_db.entry_cells, scope=scope, group_by=["HEAD", "NON_LOCAL"])
        found.append(
            value(
                "NON_LOCAL_HEADS",
                "Heads (secretary, chair) not native to their unit",
                sum(n for (h, nl), n, _ in heads if h == "true" and nl == "true"),
                sum(n for (h, _), n, _ in heads if h == "true"),
                None,
            )
        )
        bands = await ctx.read(stats_db.person_cells, scope=scope, group_by=["AGE_BAND"])
        present = sum(1 for _, n, _ in bands if n > 0)
        band_target = targets.get(Indicator.AGE_BANDS)
        found.append(
            IndicatorValue(
                code="AGE_BAND_COVERAGE",
                label="Age bands represented (of 3)",
                value=float(present),
                target=float(band_target.at_least) if band_target else None,
                met=present >= band_target.at_least if band_target else None,
                numerator=present,
                denominator=3,
                suppressed=False,
            )
        )
        found += await _titles(ctx, row, cycle_id, rules)
        return found


async def _titles(
    ctx: Context, unit: UnitRow, cycle_id: int, rules: RuleSet
) -> list[IndicatorValue]:
    """Positions planned below their minimum or above their cap, over the subtree's units."""
    counts = await ctx.read(stats_db.titles_per_unit, unit_path=unit.path, cycle_id=cycle_id)
    positions = await ctx.read(plans_db.positions_by_ids, sorted({p for _, p, _ in counts}))
    under = over = committees = 0
    coefficients: list[float] = []
    for _, position_id, entries in counts:
        position = positions[position_id]
        if position.committee_seat:
            committees += 1
            coefficients.append(entries / position.seats)
            most = committee_maximum(seats=position.seats, rules=rules)
            least = committee_minimum(seats=position.seats, rules=rules)
        else:
            most, least = title_maximum(seats=position.seats, rules=rules), 1
        under += entries < least
        over += entries > most
    mean = sum(coefficients) / len(coefficients) if coefficients else None
    return [
        IndicatorValue(
            code="PLANNING_COEFFICIENT",
            label="Planned persons per committee seat (mean)",
            value=None if mean is None else round(mean, 2),
            target=float(rules.coefficient_min),
            met=None
            if mean is None
            else (float(rules.coefficient_min) <= mean <= float(rules.coefficient_max)),
            numerator=None,
            denominator=committees,
            suppressed=False,
        ),
        IndicatorValue(
            code="TITLES_UNDER_MINIMUM",
            label="Titles planned below their minimum",
            value=float(under),
            target=0.0,
            met=under == 0,
            numerator=under,
            denominator=len(counts),
            suppressed=False,
        ),
        IndicatorValue(
            code="TITLES_OVER_CAP",
            label="Titles planned above their cap",
            value=float(over),
            target=0.0,
            met=over == 0,
            numerator=over,
            denominator=len(counts),
            suppressed=False,
        ),
    ]
