"""The benchmark's scenarios: the GraphQL queries measured, and the ids they run on."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

UNIT_QUERY = "query ($id: ID!) { unit(id: $id) { id code name kind parent { name } } }"
UNITS_QUERY = (
    "query ($p: ID!) { units(parent: $p, first: 50) { totalCount"
    " edges { cursor node { id code name kind } } pageInfo { hasNextPage endCursor } } }"
)
# The cycle and tree bench.seed fills: the province is Hà Nội of the three-tier tree.
SEEDED_CYCLE = "2025-2030"
STATISTICS_QUERY = (
    "query ($u: ID!, $c: String!, $at: Date) {"
    " statistics(input: {unit: $u, cycle: $c, groupBy: [GENDER], at: $at})"
    " { exact total { entries persons averageAge } rows { group { value label } entries persons"
    " personsShare averageAge suppressed } } }"
)
INDICATORS_QUERY = (
    "query ($u: ID!, $c: String!) { indicators(input: {unit: $u, cycle: $c,"
    " includeSubmitted: false}) { approvedOnly exact values { code value target met numerator"
    " denominator suppressed } } }"
)
PROGRESS_QUERY = (
    "query ($u: ID!, $c: String!) { progress(input: {unit: $u, cycle: $c})"
    " { totals { status count } overdueDecisions lateChildren"
    " children { unit { code name } counts { status count }"
    " overdueDecisions deadline submissionOverdue plans { id status dueOn } } } }"
)
# The reads row-level security guards (migration 0023): a page of person records, and a unit's
# plans with their entries and candidates (plan, plan_entry and person rows, each walled).
PERSONS_QUERY = (
    "query ($u: ID!) { persons(unit: $u, first: 50) { totalCount"
    " edges { node { id nationalId fullName birthYear unit { code } } } } }"
)
PLANS_QUERY = (
    "query ($u: ID!) { plans(unit: $u, first: 20) { totalCount edges { node { id status"
    " entries { id status person { fullName birthYear } position { title } } } } } }"
)
PICK_QUERY = """{
  twoTier: unit(code: "01") { id name children { totalCount } }
  threeTier: unit(code: "01", at: "2025-06-30") { id name validTo children { totalCount } }
  root: unit(code: "VN") { id name }
}"""
SCENARIO_NAMES = (
    "unit",
    "units",
    "statistics-province",
    "statistics-national",
    "indicators-province",
    "indicators-national",
    "progress-province",
    "statistics-province-past",
    "statistics-national-past",
    "statistics-province-new",
    "statistics-national-new",
    "progress-province-new",
    "persons-province",
    "plans-province",
)
# A past day is read from the history of facts, not the rollups: a scan of the subtree's facts.
PAST_DAY = "2026-11-01"


@dataclass(frozen=True, slots=True)
class Scenario:
    key: str  # what --scenarios names
    name: str  # what the table shows
    query: str
    variables: dict[str, str]
    seeded: bool = False  # reads what bench.seed loads

    def body(self) -> str:
        return json.dumps({"query": self.query, "variables": self.variables})


def every_scenario(picked: dict[str, Any]) -> list[Scenario]:
    """Every scenario, on the units ``PICK_QUERY`` found."""
    two, three, root = picked["twoTier"], picked["threeTier"], picked["root"]
    province = {"u": three["id"], "c": SEEDED_CYCLE}
    national = {"u": root["id"], "c": SEEDED_CYCLE}
    # The same province on the two-tier tree: its figures are its predecessor's, read through
    # lineage from rollup rows of its own. The national root is in force on both trees: on the
    # new one it answers from the same rows (each fact once, through the old provinces' paths),
    # which the new provinces' figures add up to (tests/bench/test_lineage_totals.py).
    new_province = {"u": two["id"], "c": SEEDED_CYCLE}
    return [
        Scenario("unit", "unit(id:)", UNIT_QUERY, {"id": three["id"]}),
        Scenario("units", "units(parent:) first 50", UNITS_QUERY, {"p": two["id"]}),
        Scenario(
            "statistics-province",
            "statistics by GENDER, province",
            STATISTICS_QUERY,
            province,
            seeded=True,
        ),
        Scenario(
            "statistics-national",
            "statistics by GENDER, national root",
            STATISTICS_QUERY,
            national,
            seeded=True,
        ),
        Scenario(
            "indicators-province", "indicators, province", INDICATORS_QUERY, province, seeded=True
        ),
        Scenario(
            "indicators-national",
            "indicators, national root",
            INDICATORS_QUERY,
            national,
            seeded=True,
        ),
        Scenario("progress-province", "progress, province", PROGRESS_QUERY, province, seeded=True),
        Scenario(
            "statistics-province-past",
            f"statistics by GENDER, province, at {PAST_DAY}",
            STATISTICS_QUERY,
            {**province, "at": PAST_DAY},
            seeded=True,
        ),
        Scenario(
            "statistics-national-past",
            f"statistics by GENDER, national root, at {PAST_DAY}",
            STATISTICS_QUERY,
            {**national, "at": PAST_DAY},
            seeded=True,
        ),
        Scenario(
            "statistics-province-new",
            "statistics by GENDER, new province through lineage",
            STATISTICS_QUERY,
            new_province,
            seeded=True,
        ),
        Scenario(
            "statistics-national-new",
            "statistics by GENDER, national root on the new tree",
            STATISTICS_QUERY,
            national,
            seeded=True,
        ),
        Scenario(
            "progress-province-new",
            "progress, new province through lineage",
            PROGRESS_QUERY,
            new_province,
            seeded=True,
        ),
        Scenario(
            "persons-province",
            "persons(unit:) first 50, new province",
            PERSONS_QUERY,
            # The records followed the 2025 reform: they are on the two-tier tree's units.
            {"u": two["id"]},
            seeded=True,
        ),
        Scenario(
            "plans-province",
            "plans(unit:) first 20 with entries, province",
            PLANS_QUERY,
            {"u": three["id"]},
            seeded=True,
        ),
    ]
