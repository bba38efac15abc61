"""The administrative hierarchy: unit kinds and the rules a unit list must satisfy.

A unit list is the GSO register (danh mục đơn vị hành chính) as shipped in ``data/units`` or
given by an operator as CSV. ``check_rows`` validates a whole list before anything is written, so
that a bad line is reported by number and the import stays all-or-nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from planning.problems import Problem, problem


class UnitKind(StrEnum):
    """The kind of an administrative or party unit (cấp đơn vị)."""

    CENTRAL = "CENTRAL"  # Trung ương: the one national root
    PROVINCE = "PROVINCE"  # tỉnh, thành phố trực thuộc trung ương
    DISTRICT = "DISTRICT"  # huyện, quận, thị xã, thành phố thuộc tỉnh (until 30/06/2025)
    COMMUNE = "COMMUNE"  # xã, phường, thị trấn, đặc khu
    AGENCY = "AGENCY"  # a department or party body attached to a unit (cơ quan, ban)


# GSO codes are zero-padded to a fixed width per tier (provinces "22", districts "206",
# communes "07132"); an agency has no GSO code, so its code is free-form but bounded.
_CODE_PATTERNS: Mapping[UnitKind, re.Pattern[str]] = {
    UnitKind.PROVINCE: re.compile(r"\d{2}"),
    UnitKind.DISTRICT: re.compile(r"\d{3}"),
    UnitKind.COMMUNE: re.compile(r"\d{5}"),
    UnitKind.AGENCY: re.compile(r"[A-Za-z0-9._-]{1,32}"),
}

# Which kind may sit directly above which. Communes hang under districts in the three-tier tree
# and directly under provinces in the two-tier tree in force since 1 July 2025.
ALLOWED_PARENTS: Mapping[UnitKind, frozenset[UnitKind]] = {
    UnitKind.PROVINCE: frozenset({UnitKind.CENTRAL}),
    UnitKind.DISTRICT: frozenset({UnitKind.PROVINCE}),
    UnitKind.COMMUNE: frozenset({UnitKind.DISTRICT, UnitKind.PROVINCE}),
    UnitKind.AGENCY: frozenset(
        {UnitKind.CENTRAL, UnitKind.PROVINCE, UnitKind.DISTRICT, UnitKind.COMMUNE}
    ),
}


def is_closed(valid_to: date | None, *, today: date) -> bool:
    """Whether a unit whose last day (inclusive) is ``valid_to`` is closed on ``today``."""
    return valid_to is not None and today > valid_to


def closed_problem(
    valid_to: date | None,
    *,
    today: date,
    field: str,
    successors: Sequence[tuple[str, str]] = (),
) -> Problem | None:
    """UNIT_CLOSED when the unit's last day (``valid_to``, inclusive) is past: a closed unit
    takes nothing new, neither a person nor a plan nor a grant (DOMAIN.md A.11). Its records
    stay readable; the ``closed`` value names its last day as a decision does, ``successors``
    (name, code) where to go instead: "Phường Quảng Yên (07132)", or empty for a unit abolished
    without a successor (a district of 2025)."""
    if valid_to is None or not is_closed(valid_to, today=today):
        return None
    named = ", ".join(f"{name} ({code})" for name, code in successors)
    return problem("UNIT_CLOSED", field, closed=day_named(valid_to), successors=named)


def day_named(day: date) -> str:
    """A day as a decision names it, in both languages."""
    return f"{day:%d/%m/%Y}"


# Parents are written before children: sorting by this rank gives a valid insertion order.
TIER_RANK: Mapping[UnitKind, int] = {
    UnitKind.CENTRAL: 0,
    UnitKind.PROVINCE: 1,
    UnitKind.DISTRICT: 2,
    UnitKind.COMMUNE: 3,
    UnitKind.AGENCY: 4,
}


@dataclass(frozen=True, slots=True)
class UnitRow:
    """One line of a unit list, as read (values not yet trusted)."""

    line: int
    kind: str
    code: str
    name: str
    parent_code: str  # empty: the unit hangs under the national root


@dataclass(frozen=True, slots=True)
class RowProblem:
    """Why one line of a unit list cannot be loaded."""

    line: int
    problem: Problem

    @property
    def reason(self) -> str:
        return self.problem.code


def check_rows(
    rows: Iterable[UnitRow], *, existing_parents: Mapping[str, UnitKind]
) -> list[RowProblem]:
    """Return every problem of a unit list; an empty list means it can be loaded.

    ``existing_parents`` maps the codes of units already in the database (valid over the
    list's period) to their kinds, so a list of communes may name districts loaded earlier.
    """
    rows = list(rows)
    problems: list[RowProblem] = []
    kinds: dict[str, UnitKind] = {}
    first_line: dict[str, int] = {}
    for row in rows:
        if row.code in first_line:
            problems.append(
                RowProblem(
                    row.line,
                    problem("DUPLICATE_CODE", None, code=row.code, first=first_line[row.code]),
                )
            )
            continue
        first_line[row.code] = row.line
        try:
            kind = UnitKind(row.kind)
        except ValueError:
            problems.append(RowProblem(row.line, problem("BAD_KIND", None, kind=row.kind)))
            continue
        if kind is UnitKind.CENTRAL:
            problems.append(RowProblem(row.line, problem("BAD_KIND", None, kind=row.kind)))
            continue
        kinds[row.code] = kind
        if not _CODE_PATTERNS[kind].fullmatch(row.code):
            problems.append(
                RowProblem(row.line, problem("BAD_CODE", None, code=row.code, kind=kind.value))
            )
        if not row.name.strip():
            problems.append(RowProblem(row.line, problem("MISSING_NAME", None)))
    for row in rows:
        kind_of_row = kinds.get(row.code)
        if kind_of_row is None or first_line[row.code] != row.line:
            continue
        parent_kind = (
            kinds.get(row.parent_code) or existing_parents.get(row.parent_code)
            if row.parent_code
            else UnitKind.CENTRAL
        )
        if parent_kind is None:
            problems.append(
                RowProblem(row.line, problem("UNKNOWN_PARENT", None, code=row.parent_code))
            )
        elif parent_kind not in ALLOWED_PARENTS[kind_of_row]:
            problems.append(
                RowProblem(
                    row.line,
                    problem("BAD_PARENT", None, kind=kind_of_row.value, parent=parent_kind.value),
                )
            )
    return sorted(problems, key=lambda p: p.line)
