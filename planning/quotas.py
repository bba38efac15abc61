"""Quantity rules (DOMAIN.md §6.1): how many people a title or a committee may have planned."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from planning.problems import Problem, Value, problem
from planning.rulesets import RuleSet, VoteBase
from planning.units import UnitKind


@dataclass(frozen=True, slots=True)
class Bounds:
    """How many people a plan may hold for one title or committee."""

    least: int  # below it is a TARGET warning (Q1's lower coefficient); 0 for titles
    most: int  # above it is a HARD error (Q1, Q2)
    rule: str  # "Q1" for committee seats, "Q2" for titles


def bounds(*, seats: int, committee_seat: bool, rules: RuleSet) -> Bounds:
    """Q1 for committee seats (BCH, BTV, UBKT): ⌈min × seats⌉ … ⌈max × seats⌉ (15 → 23, 9 → 14),
    the lower bound a TARGET; Q2 for titles: at most ``people_per_seat`` per seat (3 vice-chairs
    → 9), with no lower bound (DOMAIN.md §6.1)."""
    if committee_seat:
        return Bounds(
            least=math.ceil(rules.coefficient_min * seats),
            most=math.ceil(rules.coefficient_max * seats),
            rule="Q1",
        )
    return Bounds(least=0, most=rules.people_per_seat * seats, rule="Q2")


@dataclass(frozen=True, slots=True)
class Ballot:
    """The result of one secret ballot on one candidate (phiếu)."""

    summoned: int  # tổng số người được triệu tập
    present: int
    votes_for: int


def passes(ballot: Ballot, *, rules: RuleSet) -> bool:
    """Whether a candidate got strictly more than the threshold of the rule set's base."""
    base = ballot.summoned if rules.vote_base is VoteBase.SUMMONED else ballot.present
    return base > 0 and Fraction(ballot.votes_for, base) > rules.vote_more_than


def leadership_titles(committee_seat_of: Mapping[int, bool]) -> frozenset[int]:
    """The positions Q3 counts among ``committee_seat_of`` (position → is a committee seat):
    BCH, BTV and UBKT membership is planned by structure and not counted (DOMAIN.md §6.1)."""
    return frozenset(position for position, committee in committee_seat_of.items() if not committee)


def addition_problems(
    *,
    title: str,
    seats: int,
    committee_seat: bool,
    planned: int,
    held: frozenset[int],
    rules: RuleSet,
) -> list[Problem]:
    """Why one more entry may not be written: the position already has ``planned`` people in
    the plan (Q1 for committee seats, Q2 for titles), or the person would hold the leadership
    titles ``held`` (``leadership_titles``, the new one included) at this approving level (Q3).
    Checked under the plan's and the person's locks, so that concurrent additions cannot pass
    a cap together."""
    problems = []
    allowed = bounds(seats=seats, committee_seat=committee_seat, rules=rules)
    if planned >= allowed.most:
        # Worded as the validation report would word the plan with this entry added.
        numbers: dict[str, Value] = {"position": title, "planned": planned + 1, "seats": seats}
        if committee_seat:
            numbers["minimum"] = allowed.least
        problems.append(problem(allowed.rule, "position", **numbers, maximum=allowed.most))
    if not committee_seat and len(held) > rules.positions_per_person:
        problems.append(
            problem("Q3", "person", positions=len(held), maximum=rules.positions_per_person)
        )
    return problems


def ballot_problems(ballots: Sequence[Ballot]) -> list[Problem]:
    """Ballots that cannot be true: more votes than present, more present than summoned, or
    nobody summoned."""
    if all(0 <= b.votes_for <= b.present <= b.summoned and b.summoned > 0 for b in ballots):
        return []
    return [problem("BAD_BALLOT", "ballots")]


@dataclass(frozen=True, slots=True)
class Sized:
    """The seats a title counts on in a plan (Q4–Q6): its configured seats capped at the
    committee size the rule set fixes for the unit's merger and the cycle."""

    seats: int  # what Q1/Q2 count on
    configured: int  # the catalogue's, or the province's override
    merged_from: int  # the unit's predecessors (1: not merged)

    @property
    def capped(self) -> bool:
        return self.seats < self.configured


def committee_seats(
    *,
    unit_kind: UnitKind,
    code: str,
    cycle: str,
    merged_from: int,
    seats: int,
    rules: RuleSet,
) -> Sized:
    """Q5 for commune committees (BCH ≤27 merged from ≤2 or not merged, ≤33 from ≥3; BTV ≤11;
    2 deputy secretaries), Q6 for provinces (no cap: the designated numbers stand), as the rule
    set's ``committee_sizes`` say (data, DOMAIN A.1). ``merged_from`` comes from lineage."""
    caps = [
        size.seats
        for size in rules.committee_sizes
        if size.applies(unit_kind=unit_kind, code=code, cycle=cycle, merged_from=merged_from)
    ]
    return Sized(min([seats, *caps]), seats, merged_from)
