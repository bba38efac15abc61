"""Moving a cadre to another unit (điều động, luân chuyển công tác), DOMAIN.md §9.13–14.

The receiving unit's administrator moves the person's record: the unit they worked in is kept
in their history, ending on the transfer's day. Their plan entries stay with the units that
planned them (DOMAIN.md §9.14): a transfer changes where the person works, not the plans.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from planning.decisions import Problems
from planning.problems import problem
from planning.units import closed_problem, day_named


@dataclass(frozen=True, slots=True)
class Placement:
    """The unit a person works in, and since when (None: since before transfers were kept)."""

    unit_id: int
    since: date | None


@dataclass(frozen=True, slots=True)
class UnitPeriod:
    """A unit and the days it exists (both ends inclusive; None: open), and the units that
    continue it once closed (name, code)."""

    unit_id: int
    valid_from: date | None
    valid_to: date | None
    successors: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Transfer:
    """What a transfer changes: the placement it ends (on ``on``), and where the person goes."""

    left: Placement
    to_unit_id: int
    on: date
    reason: str | None  # None: an assignment after a reorganisation given without one


def transfer(
    placement: Placement, *, to: UnitPeriod, reason: str, today: date
) -> Transfer | Problems:
    """Move a person from ``placement`` to ``to`` today, with the reason; refused into a unit
    that does not exist today (closed units take no new persons, DOMAIN.md A.11), into the
    unit they already work in, or without a reason."""
    problems = []
    if not reason.strip():
        problems.append(problem("REASON_REQUIRED", "reason"))
    closed = closed_problem(to.valid_to, today=today, field="toUnit", successors=to.successors)
    if closed is not None:
        problems.append(closed)
    elif to.valid_from is not None and today < to.valid_from:
        problems.append(problem("UNIT_NOT_OPEN", "toUnit", opens=day_named(to.valid_from)))
    if to.unit_id == placement.unit_id:
        problems.append(problem("SAME_UNIT", "toUnit"))
    if problems:
        return Problems(tuple(problems))
    return Transfer(left=placement, to_unit_id=to.unit_id, on=today, reason=reason.strip())
