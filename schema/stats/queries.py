"""statistics: answered from the rollups, scoped, small cells suppressed."""

from __future__ import annotations

import strawberry

from db.statistics import DIMENSIONS
from planning.disclosure import Group, fold_rare, hidden_cells
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
    hidden: bool,
) -> StatisticsRow:
    counted = persons if persons is not None else entries
    if hidden:
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


# Dimensions whose values are free text typed in a person's record: a small row never prints one.
FREE_TEXT = frozenset({"EDUCATION", "POLITICAL_THEORY", "GRADE", "ETHNICITY"})
TOTAL = ("TOTAL",)  # the key of the total among the cells (rows are keyed by their values)


def _protected(
    rows: dict[tuple[str, ...], tuple[int, int | None, int]],
    group_by: list[str],
    *,
    person_level: bool,
    total: tuple[int, int | None],
) -> tuple[dict[tuple[str, ...], tuple[int, int | None, int]], frozenset[tuple[str, ...]]]:
    """The rows an integrator may read (small free-text rows merged into "other") and which
    of them, or the total, stay hidden so that no hidden one is the total minus the others."""
    counted = {k: (p if person_level and p is not None else e) for k, (e, p, _) in rows.items()}
    free = [n for n, d in enumerate(group_by) if d in FREE_TEXT]
    merged: dict[tuple[str, ...], tuple[int, int | None, int]] = {}
    for key, into in fold_rare(counted, free=free, keep=frozenset({""})).items():
        entries, persons, ages = rows[key]
        before = merged.get(into, (0, 0 if persons is not None else None, 0))
        merged[into] = (
            before[0] + entries,
            None if persons is None or before[1] is None else before[1] + persons,
            before[2] + ages,
        )
    by_entries = {k: e for k, (e, _, _) in merged.items()} | {TOTAL: total[0]}
    by_persons = {k: p or 0 for k, (_, p, _) in merged.items()} | {TOTAL: total[1] or 0}
    hidden = hidden_cells(
        counted=by_persons if person_level else by_entries,
        groups=[Group(TOTAL, tuple(merged))],
        measures=[by_entries],
    )
    return merged, hidden


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
        # The groups partition the entries (a null value is a group too): their sum is the total,
        # without reading the rollups a second time.
        total_entries = sum(n for _, n, _ in entry_rows)
        entry_age = sum(s for _, _, s in entry_rows)
        persons_total = sum(n for _, n, _ in person_rows) if person_level else None
        by_group = {key: (n, s) for key, n, s in person_rows}
        cells: dict[tuple[str, ...], tuple[int, int | None, int]] = {}
        for key, entries, age_sum in entry_rows:
            persons, person_age = by_group.get(key, (None, None)) if person_level else (None, None)
            cells[key] = (entries, persons, person_age if person_age is not None else age_sum)
        hidden: frozenset[tuple[str, ...]] = frozenset()
        if not exact:
            cells, hidden = _protected(
                cells, group_by, person_level=person_level, total=(total_entries, persons_total)
            )
        # Load every named unit and position in one batch each, not one query per row.
        for dimension, loader in (
            ("CHILD_UNIT", ctx.loaders.unit),
            ("POSITION", ctx.loaders.position),
        ):
            if dimension in group_by:
                column = group_by.index(dimension)
                await loader.load_many(sorted({int(key[column]) for key in cells}))
        rows = []
        for key, (entries, persons, age_sum) in sorted(cells.items()):
            labels = [
                GroupValue(
                    dimension=Dimension(d),
                    value=str(v),
                    label=await _labels(ctx, Dimension(d), str(v)),
                )
                for d, v in zip(group_by, key, strict=True)
            ]
            rows.append(_row(labels, entries, persons, age_sum, persons_total or 0, key in hidden))
        total = _row(
            [],
            total_entries,
            persons_total,
            sum(s for _, _, s in person_rows) if person_level else entry_age,
            persons_total or 0,
            TOTAL in hidden,
        )
        return Statistics(
            approved_only=not counts.includes_submitted,
            counted_statuses=counts.counted,
            exact=exact,
            total=total,
            rows=rows,
        )
