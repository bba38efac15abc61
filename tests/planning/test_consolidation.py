"""The pure rules of a consolidation (planning/consolidation.py) and the committee sizes of
Q4–Q6 (planning/quotas.py), on the shipped title table and rule sets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from planning.consolidation import (
    Catalogue,
    Offered,
    TitleTableInvalid,
    parse_titles,
    start,
    supersedes_whole_plan,
)
from planning.quotas import bounds, committee_seats
from planning.units import UnitKind
from tests.planning.test_rules import OLD, QD377

DATA = Path(__file__).resolve().parents[2] / "data/rules"
TABLE = parse_titles(json.loads((DATA / "titles-2025.json").read_text(encoding="utf-8")))
OLD_COMMUNE = Catalogue(UnitKind.COMMUNE, UnitKind.DISTRICT)
NEW_COMMUNE = Catalogue(UnitKind.COMMUNE, UnitKind.PROVINCE)
DISTRICT = Catalogue(UnitKind.DISTRICT, UnitKind.PROVINCE)
PROVINCE = Catalogue(UnitKind.PROVINCE, UnitKind.PROVINCE)
CENTRAL = Catalogue(UnitKind.PROVINCE, UnitKind.CENTRAL)


def offered(entry: int, person: int, catalogue: Catalogue, code: str, plan: int = 1) -> Offered:
    return Offered(entry, plan, 100 + plan, person, catalogue, code)


def test_every_old_title_is_in_the_table_and_maps_to_a_title_of_the_new_tree() -> None:
    positions = json.loads((DATA / "positions.json").read_text(encoding="utf-8"))["catalogues"]
    codes = {
        (Catalogue(UnitKind(c["unit_kind"]), UnitKind(c["managed_by"])), c.get("valid_to")): {
            p["code"] for p in c["positions"]
        }
        for c in positions
    }
    new = {cat: titles for (cat, valid_to), titles in codes.items() if valid_to is None}
    for (catalogue, valid_to), titles in codes.items():
        mapping = TABLE.of(catalogue)
        if mapping is None:  # a catalogue of the new tree only
            assert valid_to is None
            assert catalogue == NEW_COMMUNE
            continue
        assert set(mapping.titles) == titles, catalogue
        targets = {t for t in mapping.titles.values() if t is not None}
        assert targets <= new[mapping.to], catalogue


def test_an_old_commune_title_becomes_the_same_title_managed_by_the_province() -> None:
    decided = start(
        [offered(1, 7, OLD_COMMUNE, "PCT_UBND"), offered(2, 7, OLD_COMMUNE, "BCH")],
        table=TABLE,
        into=NEW_COMMUNE,
    )
    assert [(k.origin.entry_id, k.code) for k in decided.kept] == [(1, "PCT_UBND"), (2, "BCH")]
    assert decided.leftovers == ()
    assert decided.origin_plans == {1}


def test_district_titles_have_no_successor_and_are_the_provinces_leftovers() -> None:
    entries = [offered(1, 7, DISTRICT, "BI_THU"), offered(2, 8, PROVINCE, "GD_SO", plan=2)]
    province = start(entries, table=TABLE, into=PROVINCE)
    commune = start(entries, table=TABLE, into=NEW_COMMUNE)

    assert [k.code for k in province.kept] == ["GD_SO"]
    assert [o.entry_id for o in province.leftovers] == [1]
    assert province.origin_plans == {1, 2}
    assert (commune.kept, commune.leftovers) == ((), ())


def test_a_provinces_centrally_managed_titles_go_to_its_central_consolidation() -> None:
    entries = [offered(1, 7, CENTRAL, "BI_THU"), offered(2, 8, PROVINCE, "BCH", plan=2)]
    assert [k.code for k in start(entries, table=TABLE, into=CENTRAL).kept] == ["BI_THU"]
    assert [k.code for k in start(entries, table=TABLE, into=PROVINCE).kept] == ["BCH"]


def test_a_person_planned_for_one_title_by_two_predecessors_is_kept_once() -> None:
    decided = start(
        [offered(1, 7, OLD_COMMUNE, "CT_MTTQ"), offered(2, 7, OLD_COMMUNE, "CT_MTTQ", plan=2)],
        table=TABLE,
        into=NEW_COMMUNE,
    )
    assert [k.origin.entry_id for k in decided.kept] == [1]


def test_a_title_the_table_does_not_name_is_a_leftover() -> None:
    decided = start([offered(1, 7, OLD_COMMUNE, "UNKNOWN")], table=TABLE, into=NEW_COMMUNE)
    assert [o.entry_id for o in decided.leftovers] == [1]


@pytest.mark.parametrize(
    ("successors", "consolidated", "whole"),
    [
        (0, 1, True),  # a district: the province took it over
        (1, 1, True),  # merged or renamed: one successor replaces it at once
        (2, 1, False),  # split: only the entries this successor took
        (2, 2, True),  # the last successor consolidated: the plan ends
        (3, 2, False),
    ],
)
def test_a_split_predecessors_plan_ends_when_every_successor_has_consolidated(
    successors: int, consolidated: int, whole: bool
) -> None:
    assert supersedes_whole_plan(successors=successors, consolidated=consolidated) is whole


def test_a_malformed_title_table_names_the_problem() -> None:
    with pytest.raises(TitleTableInvalid, match="twice"):
        parse_titles(
            {
                "reform": "x",
                "catalogues": [
                    {"from": vars_(OLD_COMMUNE), "to": vars_(NEW_COMMUNE), "titles": {}},
                    {"from": vars_(OLD_COMMUNE), "to": vars_(NEW_COMMUNE), "titles": {}},
                ],
            }
        )
    with pytest.raises(TitleTableInvalid, match="catalogues"):
        parse_titles({"reform": "x"})


def vars_(catalogue: Catalogue) -> dict[str, str]:
    return {"unit_kind": catalogue.unit_kind.value, "managed_by": catalogue.managed_by.value}


@pytest.mark.parametrize(
    ("code", "merged_from", "seats", "counted"),
    [
        ("BCH", 1, 33, 27),  # not merged: ≤27
        ("BCH", 2, 33, 27),  # merged from 2: ≤27
        ("BCH", 3, 33, 33),  # merged from 3 or more: ≤33
        ("BCH", 7, 33, 33),
        ("BCH", 3, 30, 30),  # a province's own smaller number stands
        ("BTV", 3, 15, 11),  # BTV 9–11
        ("PHO_BI_THU", 1, 3, 2),  # two deputy secretaries
        ("CT_UBND", 3, 1, 1),  # not a committee size
    ],
)
def test_q5_commune_committee_sizes_follow_the_merger(
    code: str, merged_from: int, seats: int, counted: int
) -> None:
    sized = committee_seats(
        unit_kind=UnitKind.COMMUNE,
        code=code,
        cycle="2025-2030",
        merged_from=merged_from,
        seats=seats,
        rules=QD377,
    )
    assert (sized.seats, sized.capped) == (counted, counted < seats)


def test_q5_feeds_q1_and_holds_only_for_its_cycle_rule_set_and_kind() -> None:
    small = committee_seats(
        unit_kind=UnitKind.COMMUNE,
        code="BCH",
        cycle="2025-2030",
        merged_from=2,
        seats=33,
        rules=QD377,
    )
    # Q1 on 27 seats: at most ⌈1.5 × 27⌉ = 41 planned (not 50 on the catalogue's 33).
    assert bounds(seats=small.seats, committee_seat=True, rules=QD377).most == 41
    for unit_kind, cycle, rules in (
        (UnitKind.COMMUNE, "2030-2035", QD377),
        (UnitKind.PROVINCE, "2025-2030", QD377),  # Q6: provinces keep their designated numbers
        (UnitKind.COMMUNE, "2025-2030", OLD),
    ):
        sized = committee_seats(
            unit_kind=unit_kind, code="BCH", cycle=cycle, merged_from=2, seats=33, rules=rules
        )
        assert sized.seats == 33
