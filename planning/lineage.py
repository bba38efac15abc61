"""Lineage of a reorganisation (kế thừa, DOMAIN.md A.11): which units continue which.

A lineage file names, for one reform, every old unit and the new unit(s) that carry its work
on from the effective day; a split predecessor (≈470 old communes in 2025) is named once per
successor. ``check_lineage`` validates a whole file before anything is written, as
``planning.units.check_rows`` does for a unit list, so a bad line is reported by number.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from planning.problems import problem
from planning.units import RowProblem, UnitKind

# A unit as a lineage file names it: its kind and its GSO code.
UnitKey = tuple[UnitKind, str]


@dataclass(frozen=True, slots=True)
class LineageRow:
    """One line of a lineage file, as read (values not yet trusted)."""

    line: int
    predecessor_kind: str
    predecessor_code: str
    successor_kind: str
    successor_code: str


def _key(kind: str, code: str) -> UnitKey | None:
    try:
        return UnitKind(kind), code
    except ValueError:
        return None


def check_lineage(
    rows: Iterable[LineageRow],
    *,
    predecessors: Mapping[UnitKey, int],
    successors: Mapping[UnitKey, int],
) -> tuple[list[tuple[int, int]], list[RowProblem]]:
    """The (predecessor id, successor id) links of a lineage file, or every problem in it.

    ``predecessors`` maps the units in force on the day before the reform, ``successors`` those
    in force on its first day, each by (kind, code) to their ids.
    """
    links: list[tuple[int, int]] = []
    problems: list[RowProblem] = []
    first_line: dict[tuple[int, int], int] = {}
    for row in rows:
        old = _key(row.predecessor_kind, row.predecessor_code)
        new = _key(row.successor_kind, row.successor_code)
        if old is None or new is None:
            kind = row.predecessor_kind if old is None else row.successor_kind
            problems.append(RowProblem(row.line, problem("BAD_KIND", None, kind=kind)))
            continue
        old_id, new_id = predecessors.get(old), successors.get(new)
        if old_id is None:
            problems.append(
                RowProblem(
                    row.line, problem("UNKNOWN_PREDECESSOR", None, code=row.predecessor_code)
                )
            )
        if new_id is None:
            problems.append(
                RowProblem(row.line, problem("UNKNOWN_SUCCESSOR", None, code=row.successor_code))
            )
        if old_id is None or new_id is None:
            continue
        if (old_id, new_id) in first_line:
            problems.append(
                RowProblem(
                    row.line,
                    problem(
                        "DUPLICATE_LINK",
                        None,
                        code=row.predecessor_code,
                        first=first_line[old_id, new_id],
                    ),
                )
            )
            continue
        first_line[old_id, new_id] = row.line
        links.append((old_id, new_id))
    return links, sorted(problems, key=lambda p: p.line)
