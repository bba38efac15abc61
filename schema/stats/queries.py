"""statistics: answered from the rollups, scoped, small cells suppressed."""

from __future__ import annotations

import strawberry

from db.statistics import DIMENSIONS
from planning.indicators import suppressed
from planning.rulesets import in_force
from schema.context import Context
from schema.messages.labels import AGE_BANDS, GROUP_VALUES
from schema.permissions import logged_in
from schema.stats.counts import counts_for
from schema.stats.types import Dimension, GroupValue, Statistics, StatisticsInput, StatisticsRow


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
        width = in_force(ctx.rule_sets, on=ctx.today).age_band_years
        return AGE_BANDS[int(value)].template(ctx.language).format(n=width)
    label = GROUP_VALUES.get(value)
    return label.template(ctx.language) if label is not None else value


@strawberry.type
class StatisticsQuery:
    @strawberry.field(
        description="Counts of the approved entries (lượt) and distinct persons of a unit's "
        "whole subtree for a cycle, grouped by the dimensions asked for, from rollups kept at "
        "approval: national figures cost the same as a commune's. With `includeSubmitted`, "
        "officials who may read the plans count the submitted ones too (labelled).",
        extensions=logged_in(),
    )
    async def statistics(
        self, info: strawberry.Info[Context, None], input: StatisticsInput
    ) -> Statistics:
        ctx = info.context
        counts = await counts_for(
            ctx, input.unit, input.cycle, include_submitted=input.include_submitted, at=input.at
        )
        exact = counts.exact
        group_by = [d.value for d in dict.fromkeys(input.group_by)]
        filters = {f.dimension.value: f.values for f in input.filter}
        person_level = all(DIMENSIONS[d][1] for d in group_by) and all(
            DIMENSIONS[d][1] for d in filters
        )
        counts = counts.filtered(filters)
        entry_rows = await counts.entries(ctx, group_by)
        person_rows = await counts.persons(ctx, group_by) if person_level else []
        [(_, total_entries, entry_age)] = await counts.entries(ctx, []) or [((), 0, 0)]
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
        return Statistics(
            approved_only=not counts.includes_submitted,
            counted_statuses=counts.counted,
            exact=exact,
            total=total,
            rows=rows,
        )
