"""Quantity rules (DOMAIN.md §6.1): how many people a title or a committee may have planned."""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

from planning.rulesets import RuleSet


def committee_maximum(*, seats: int, rules: RuleSet) -> int:
    """Q1: at most ⌈coefficient × seats⌉ people planned for a committee (15 → 23, 9 → 14)."""
    return math.ceil(rules.coefficient_max * seats)


def committee_minimum(*, seats: int, rules: RuleSet) -> int:
    """Q1's lower bound, a TARGET: at least ⌈min coefficient × seats⌉."""
    return math.ceil(rules.coefficient_min * seats)


def title_maximum(*, seats: int, rules: RuleSet) -> int:
    """Q2: at most ``people_per_seat`` per seat of a title (3 vice-chairs → 9 planned)."""
    return rules.people_per_seat * seats


@dataclass(frozen=True, slots=True)
class Ballot:
    """The result of one secret ballot on one candidate (phiếu)."""

    summoned: int  # tổng số người được triệu tập
    present: int
    votes_for: int


def passes(ballot: Ballot, *, rules: RuleSet) -> bool:
    """Whether a candidate got strictly more than the threshold of the rule set's base."""
    base = ballot.summoned if rules.vote_base.value == "SUMMONED" else ballot.present
    return base > 0 and Fraction(ballot.votes_for, base) > rules.vote_more_than
