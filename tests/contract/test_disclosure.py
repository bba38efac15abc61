"""Small cells stay hidden (docs/integrators.md §3) and the S&T indicator, over HTTP.

One commune plan of eight approved persons: seven men and one woman, seven Kinh and one Sán
Dìu, seven masters and one bachelor, one qualified in S&T (cán bộ có trình độ khoa học, công
nghệ)."""

from __future__ import annotations

import csv
import io
from typing import Any

from tests.contract.client import Api
from tests.contract.desk import CYCLE, PERSON, Demo, Desk, api_key

STATISTICS = """
query ($unit: ID!, $groupBy: [Dimension!]!) {
  statistics(input: {unit: $unit, cycle: "2030-2035", groupBy: $groupBy}) {
    exact
    total { entries persons personsShare averageAge suppressed }
    rows {
      group { dimension value label }
      entries persons personsShare averageAge suppressed
    }
  }
}
"""
INDICATORS = """
query ($unit: ID!) {
  indicators(input: {unit: $unit, cycle: "2030-2035"}) {
    exact values { code label value target met numerator denominator suppressed }
  }
}
"""
WARNINGS = """
query ($id: ID!) { validatePlan(plan: $id) { warnings { rule label numbers { name value } } } }
"""
VERSION = "query ($id: ID!) { node(id: $id) { ... on Person { version } } }"
RARE = "Sán Dìu"


async def _eight_approved(desk: Desk, demo: Demo) -> list[str]:
    """The plan of the commune, approved; the ids of its persons (the first is the woman)."""
    people = []
    for n in range(8):
        created = await desk.people["clerk"].mutate(
            "createPerson",
            "CreatePersonInput",
            PERSON,
            nationalId=f"0229{demo.number():08d}",
            fullName=f"Cán bộ {n}",
            sex="FEMALE" if n == 0 else "MALE",
            birthYear=1984,
            birthMonth=6,
            unit=desk.commune["id"],
            ethnicity=RARE if n == 1 else "Kinh",
            education="Cử nhân" if n == 2 else "Thạc sĩ",
            politicalTheory="CAO_CAP",
            currentRank=9,
            politicalStandardOk=True,
        )
        assert created["__typename"] == "PersonPayload", created
        people.append(created["person"]["id"])
    await desk.create()
    for n, person in enumerate(people):
        added = await desk.add(person, demo.position(n % 4))
        assert added["__typename"] == "PlanPayload", added
    return people


def _hidden_cells_stay_hidden(answer: dict[str, Any], measure: str) -> None:
    """total − sum(shown rows) never leaves one hidden row alone, so no hidden one is known."""
    rows = answer["rows"]
    hidden = [r for r in rows if r["suppressed"]]
    shown = sum(r[measure] for r in rows if not r["suppressed"])
    assert hidden, "the breakdown has a small cell"
    assert answer["total"][measure] is not None
    rest = answer["total"][measure] - shown
    assert len(hidden) >= 2
    # Each hidden row holds at least one: the rest must not single any of them out.
    assert rest - (len(hidden) - 1) > 1
    for row in hidden:
        assert (row["entries"], row["persons"], row["personsShare"], row["averageAge"]) == (
            None,
            None,
            None,
            None,
        )


async def test_a_small_cell_cannot_be_recovered_from_the_total_nor_a_rare_value_read(
    api: Api, demo: Demo, desk: Desk
) -> None:
    await _eight_approved(desk, demo)
    await desk.approve_all()
    secret, _ = await api_key(api, demo.province)
    key = await api.with_token(secret, language="vi")
    unit = desk.commune["id"]

    by_gender = (await key.data(STATISTICS, {"unit": unit, "groupBy": ["GENDER"]}))["statistics"]
    by_ethnicity = (await key.data(STATISTICS, {"unit": unit, "groupBy": ["ETHNICITY"]}))[
        "statistics"
    ]
    official = (
        await desk.people["viewer"].data(STATISTICS, {"unit": unit, "groupBy": ["GENDER"]})
    )["statistics"]
    async with api.http(secret) as http:
        exported = await http.get(
            "/exports/statistics.csv",
            params={"unit": unit, "cycle": CYCLE, "groupBy": "ETHNICITY"},
        )

    # One woman: her row is hidden, and so is the men's, else 8 − 7 would tell her count.
    assert by_gender["exact"] is False
    assert by_gender["total"]["persons"] == 8
    assert [(r["group"][0]["value"], r["suppressed"]) for r in by_gender["rows"]] == [
        ("FEMALE", True),
        ("MALE", True),
    ]
    for measure in ("entries", "persons"):
        _hidden_cells_stay_hidden(by_gender, measure)
    # Officials whose scope covers the persons see it all.
    assert [(r["group"][0]["value"], r["persons"]) for r in official["rows"]] == [
        ("FEMALE", 1),
        ("MALE", 7),
    ]
    # The one Sán Dìu is "other", never named, and hidden with the Kinh row beside it.
    assert [(g["value"], g["label"]) for r in by_ethnicity["rows"] for g in r["group"]] == [
        ("Kinh", "Kinh"),
        ("OTHER", "khác"),
    ]
    _hidden_cells_stay_hidden(by_ethnicity, "persons")
    assert RARE not in str(by_ethnicity)
    assert exported.status_code == 200
    text = exported.content.decode("utf-8-sig")
    assert RARE not in text
    lines = list(csv.reader(io.StringIO(text)))
    assert any("OTHER" in line for line in lines)


async def test_the_sci_tech_indicator_counts_the_recorded_attribute(
    api: Api, demo: Demo, desk: Desk
) -> None:
    people = await _eight_approved(desk, demo)
    clerk = desk.people["clerk"]
    before = (await clerk.data(WARNINGS, {"id": desk.plan["id"]}))["validatePlan"]["warnings"]
    version = (await clerk.data(VERSION, {"id": people[3]}))["node"]["version"]
    updated = await clerk.mutate(
        "updatePerson",
        "UpdatePersonInput",
        "__typename ... on PersonPayload { person { isSciTech } }",
        person=people[3],
        version=version,
        isSciTech=True,
    )
    after = (await clerk.data(WARNINGS, {"id": desk.plan["id"]}))["validatePlan"]["warnings"]
    await desk.approve_all()
    viewer = await api.login("viewer.22", language="vi")
    exact = (await viewer.data(INDICATORS, {"unit": desk.commune["id"]}))["indicators"]
    secret, _ = await api_key(api, demo.province)
    key = await api.with_token(secret, language="en")
    hidden = (await key.data(INDICATORS, {"unit": desk.commune["id"]}))["indicators"]

    def indicator(answer: dict[str, Any], code: str = "SCI_TECH") -> dict[str, Any]:
        [found] = [dict(v) for v in answer["values"] if v["code"] == code]
        return found

    sci_tech = indicator

    # None of the eight is S&T: the plan's report says so, named in the caller's language.
    assert [w for w in before if w["rule"] == "T-SCI_TECH"] == [
        {
            "rule": "T-SCI_TECH",
            "label": "cán bộ có trình độ khoa học, công nghệ",
            "numbers": [{"name": "value", "value": "0%"}, {"name": "target", "value": "5%"}],
        }
    ]
    assert updated == {"__typename": "PersonPayload", "person": {"isSciTech": True}}
    assert [w for w in after if w["rule"] == "T-SCI_TECH"] == []  # 1 of 8 is over 5%
    assert sci_tech(exact) == {
        "code": "SCI_TECH",
        "label": "cán bộ có trình độ khoa học, công nghệ",
        "value": 0.125,
        "target": 0.05,
        "met": True,
        "numerator": 1,
        "denominator": 8,
        "suppressed": False,
    }
    # One person is a small cell: an integrator does not learn it.
    assert sci_tech(hidden)["suppressed"] is True
    assert sci_tech(hidden)["numerator"] is None
    assert sci_tech(hidden)["label"] == "cadres qualified in science and technology"
    # 7 of 8 masters: the one bachelor is 8 − 7, so the share is hidden from the key too.
    assert (
        indicator(exact, "MASTER_PHD")["numerator"],
        indicator(exact, "MASTER_PHD")["denominator"],
    ) == (7, 8)
    assert indicator(hidden, "MASTER_PHD")["suppressed"] is True
    assert indicator(hidden, "MASTER_PHD")["denominator"] is None
