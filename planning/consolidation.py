"""Consolidation after a reorganisation (DOMAIN.md A.11, §9 cases 15–16).

A successor unit's first plan for a cycle approved before the reorganisation is a
``CONSOLIDATION``: it starts from the ACTIVE entries of its predecessors' approved plans, each
kept with its origin. A title table (``data/rules/titles-<reform>.json``) says which title of the
new tree each old title becomes; a title with no successor (the abolished districts') is not
copied but listed for the approving tier to re-plan or remove. A split predecessor offers its
entries to every successor; each person of it is kept by one successor only. Approval
supersedes what it took over: a whole plan of a predecessor with one successor, the taken
entries of a split one (the plan itself once every successor has consolidated).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from planning.units import UnitKind

# What a split predecessor's plan records when a successor's approved consolidation supersedes
# the entries it took (the plan itself stays APPROVED for the other successors).
SUPERSEDE_ENTRIES = "SUPERSEDE_ENTRIES"


@dataclass(frozen=True, slots=True)
class Catalogue:
    """Titles of one kind of unit managed by one tier (a catalogue of positions.json)."""

    unit_kind: UnitKind
    managed_by: UnitKind


@dataclass(frozen=True, slots=True)
class CatalogueMap:
    """Where the titles of an old catalogue go: ``to`` is the catalogue of the consolidation
    that takes its entries over; ``titles`` maps an old code to the new one, or to None (no
    successor: a leftover of that consolidation)."""

    source: Catalogue
    to: Catalogue
    titles: Mapping[str, str | None]


@dataclass(frozen=True, slots=True)
class TitleTable:
    reform: str
    catalogues: tuple[CatalogueMap, ...]

    def of(self, source: Catalogue) -> CatalogueMap | None:
        return next((c for c in self.catalogues if c.source == source), None)


class TitleTableInvalid(ValueError):
    """The title table data is malformed; the message names the field."""


def parse_titles(data: Mapping[str, Any]) -> TitleTable:
    """The title table from its JSON form.

    :raises TitleTableInvalid: naming what is missing or malformed
    """

    def catalogue(raw: Mapping[str, str]) -> Catalogue:
        return Catalogue(UnitKind(raw["unit_kind"]), UnitKind(raw["managed_by"]))

    try:
        maps = tuple(
            CatalogueMap(
                source=catalogue(row["from"]),
                to=catalogue(row["to"]),
                titles={
                    str(old): None if new is None else str(new)
                    for old, new in row["titles"].items()
                },
            )
            for row in data["catalogues"]
        )
        reform = str(data["reform"])
    except (KeyError, ValueError, TypeError) as error:
        raise TitleTableInvalid(f"title table: {type(error).__name__}: {error}") from None
    sources = [m.source for m in maps]
    if len(set(sources)) != len(sources):
        raise TitleTableInvalid("title table: a catalogue is mapped twice")
    return TitleTable(reform, maps)


@dataclass(frozen=True, slots=True)
class Offered:
    """An ACTIVE entry of a predecessor's approved plan, offered to a successor."""

    entry_id: int
    plan_id: int
    unit_id: int  # the plan's planning unit (the origin unit)
    person_id: int
    catalogue: Catalogue  # the origin plan's: its planning unit's kind and its tier
    code: str  # the origin entry's title code


@dataclass(frozen=True, slots=True)
class Kept:
    """An offered entry the consolidation starts with, under the new title ``code``."""

    origin: Offered
    code: str


@dataclass(frozen=True, slots=True)
class Start:
    """What a consolidation starts with: the entries it keeps (new titles), the entries whose
    title has no successor (listed, not copied), and the origin plans it takes over."""

    kept: tuple[Kept, ...]
    leftovers: tuple[Offered, ...]

    @property
    def origin_plans(self) -> frozenset[int]:
        return frozenset(k.origin.plan_id for k in self.kept) | {o.plan_id for o in self.leftovers}


def start(offered: Sequence[Offered], *, table: TitleTable, into: Catalogue) -> Start:
    """Which offered entries a consolidation of catalogue ``into`` keeps, and under which
    title, and which it lists as leftovers. Entries of catalogues the table maps elsewhere are
    another consolidation's (a province's CENTRAL-managed titles are not in its PROVINCE
    plan); a title the table does not name has no known successor and is a leftover. A person
    planned for the same new title by two predecessors is kept once (the first offered)."""
    kept: list[Kept] = []
    leftovers: list[Offered] = []
    seen: set[tuple[int, str]] = set()
    for entry in offered:
        mapping = table.of(entry.catalogue)
        if mapping is None or mapping.to != into:
            continue
        code = mapping.titles.get(entry.code)
        if code is None:
            leftovers.append(entry)
        elif (entry.person_id, code) not in seen:
            seen.add((entry.person_id, code))
            kept.append(Kept(entry, code))
    return Start(tuple(kept), tuple(leftovers))


def supersedes_whole_plan(*, successors: int, consolidated: int) -> bool:
    """Whether approving a consolidation supersedes a predecessor's plan as a whole: a
    predecessor with one successor (or none: an abolished district, taken over by the province)
    is replaced at once; a split predecessor's plan only once each of its ``successors`` has an
    approved consolidation (``consolidated`` of them, this one included). Until then only the
    entries each successor took are superseded."""
    return successors <= 1 or consolidated >= successors
