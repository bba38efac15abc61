"""indicators: the structure targets of DOMAIN.md §8 and §6.3 against a subtree's counts."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

import strawberry

from db import plans as plans_db, positions as positions_db, reference as reference_db
from planning.indicators import (
    MASTER_OR_DOCTORATE,
    YOUNG_BAND,
    suppressed,
    theory_at_least_intermediate,
)
from planning.quotas import bounds
from planning.rulesets import Indicator, RuleSet, in_force
from schema.context import Context
from schema.messages.labels import INDICATORS
from schema.permissions import logged_in
from schema.stats.counts import Counts, counts_for
from schema.stats.types import Indicators, IndicatorsInput, IndicatorValue


def label(code: str, ctx: Context) -> str:
    """The indicator's name in the caller's language (the catalogue's labels)."""
    return INDICATORS[code].template(ctx.language)


PERSON_SHARES = ["GENDER", "AGE_BAND", "MINORITY", "EDUCATION", "POLITICAL_THEORY", "SCI_TECH"]


@strawberry.type
class IndicatorQuery:
    @strawberry.field(
        description="The indicators of DOMAIN.md §8 for a unit's subtree and cycle, each with its "
        "target (from the rule set in force, or the province's own) and whether it is met.",
        extensions=logged_in(),
    )
    async def indicators(
        self, info: strawberry.Info[Context, None], input: IndicatorsInput
    ) -> Indicators:
        ctx = info.context
        counts = await counts_for(
            ctx, input.unit, input.cycle, include_submitted=input.include_submitted, at=input.at
        )
        row, exact = counts.unit, counts.exact
        province = await ctx.db(plans_db.province_of, unit_path=row.path)
        rules = await ctx.db(
            reference_db.as_applied,
            in_force(ctx.rule_sets, on=ctx.today),
            province_id=province.id if province else None,
        )
        level = row.kind
        targets = {t.indicator: t for t in rules.targets_for(level)}

        # Every share below reads the same cells of persons: one statement, not one each.
        cells = await counts.persons(ctx, PERSON_SHARES)

        def share(dimension: str, wanted: Sequence[str]) -> tuple[int, int]:
            at = PERSON_SHARES.index(dimension)
            return sum(n for key, n, _ in cells if key[at] in wanted), sum(n for _, n, _ in cells)

        def value(code: str, part: int, whole: int, target: Indicator | None) -> IndicatorValue:
            goal = targets.get(target) if target else None
            # The rest (whole − part) would tell as much as the part: it is a cell too.
            hidden = any(suppressed(n, exact=exact) for n in (whole, part, whole - part))
            ratio = part / whole if whole and not hidden else None
            return IndicatorValue(
                code=code,
                label=label(code, ctx),
                value=ratio,
                target=float(goal.at_least) if goal else None,
                met=(ratio >= float(goal.at_least)) if goal and ratio is not None else None,
                numerator=None if hidden else part,
                denominator=None if hidden else whole,
                suppressed=hidden,
            )

        found = [
            value("WOMEN", *share("GENDER", ["FEMALE"]), Indicator.WOMEN),
            value("YOUNG", *share("AGE_BAND", [str(YOUNG_BAND)]), Indicator.YOUNG),
            value(
                "ETHNIC_MINORITY",
                *share("MINORITY", ["true"]),
                Indicator.ETHNIC_MINORITY,
            ),
            value("SCI_TECH", *share("SCI_TECH", ["true"]), Indicator.SCI_TECH),
            value(
                "MASTER_PHD",
                *share("EDUCATION", sorted(MASTER_OR_DOCTORATE)),
                None,
            ),
            value(
                "THEORY_INTERMEDIATE_UP",
                *share("POLITICAL_THEORY", sorted(theory_at_least_intermediate())),
                None,
            ),
        ]
        heads = await counts.entries(ctx, ["HEAD", "NON_LOCAL"])
        found.append(
            value(
                "NON_LOCAL_HEADS",
                sum(n for (h, nl), n, _ in heads if h == "true" and nl == "true"),
                sum(n for (h, _), n, _ in heads if h == "true"),
                None,
            )
        )
        bands = [share("AGE_BAND", [str(band)])[0] for band in range(3)]
        present = sum(1 for n in bands if n > 0)
        # Whether a band is empty tells how many persons it holds when it holds few.
        hidden = any(suppressed(n, exact=exact) for n in bands if n > 0)
        band_target = targets.get(Indicator.AGE_BANDS)
        found.append(
            IndicatorValue(
                code="AGE_BAND_COVERAGE",
                label=label("AGE_BAND_COVERAGE", ctx),
                value=None if hidden else float(present),
                target=float(band_target.at_least) if band_target else None,
                met=None if hidden or not band_target else present >= band_target.at_least,
                numerator=None if hidden else present,
                denominator=3,
                suppressed=hidden,
            )
        )
        found += await _titles(ctx, counts, rules, province_id=province.id if province else None)
        return Indicators(
            approved_only=not counts.includes_submitted,
            counted_statuses=counts.counted,
            exact=exact,
            values=found,
        )


async def _titles(
    ctx: Context, counts: Counts, rules: RuleSet, *, province_id: int | None
) -> list[IndicatorValue]:
    """Positions planned below their minimum or above their cap, over the subtree's units.

    Within a province, seats are the province's own (setPositionSeats), as validation counts
    them; over several provinces (the national root) the catalogue's."""
    titles = await counts.titles(ctx)
    positions = await ctx.db(
        positions_db.effective_positions, sorted({p for _, p, _ in titles}), province_id=province_id
    )
    under = over = committees = planned = 0
    per_seat = Fraction(0)
    # Each row stands for `units` planning units holding `entries` entries for the position.
    for units, position_id, entries in titles:
        position = positions[position_id]
        planned += units
        if position.committee_seat:
            committees += units
            per_seat += units * Fraction(entries, position.seats)
        allowed = bounds(seats=position.seats, committee_seat=position.committee_seat, rules=rules)
        under += units * (entries < allowed.least)
        over += units * (entries > allowed.most)
    mean = float(per_seat / committees) if committees else None
    return [
        IndicatorValue(
            code="PLANNING_COEFFICIENT",
            label=label("PLANNING_COEFFICIENT", ctx),
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
            label=label("TITLES_UNDER_MINIMUM", ctx),
            value=float(under),
            target=0.0,
            met=under == 0,
            numerator=under,
            denominator=planned,
            suppressed=False,
        ),
        IndicatorValue(
            code="TITLES_OVER_CAP",
            label=label("TITLES_OVER_CAP", ctx),
            value=float(over),
            target=0.0,
            met=over == 0,
            numerator=over,
            denominator=planned,
            suppressed=False,
        ),
    ]
