"""The next reform is an import, over HTTP: a national administrator dry-runs the 2025 reform
(which the demo loaded through the same code) and reads a report that changes nothing; a bad
line is refused by its number with nothing written; nobody else may run it; a province
administrator reads the persons waiting for a unit in their province.

Not here: assigning a waiting person. It needs a person recorded on a split old commune before
the reform, which no HTTP call can do today (persons are recorded today, on units in force);
tests/schema/test_person_assignment.py covers `assignPersonUnit` from the inside."""

from __future__ import annotations

from tests.contract.client import Api

REPORT = """
mutation ($input: ReorganizeInput!) {
  reorganize(input: $input) {
    __typename
    ... on ReorganisationReport {
      effective dryRun
      total { opened closed alreadyClosed linksAdded personsMoved awaiting
              plansToConsolidate { cycle plans } }
      provinces { province { code name } counts { opened alreadyClosed linksAdded } }
    }
    ... on ReorganisationRefused { message units { line code } lineage { line code message } }
    ... on NotAllowed { code }
    ... on ValidationFailed { problems { code field } }
  }
}
"""
WAITING = """
query ($unit: ID!) { personsAwaitingUnit(unit: $unit) { totalCount edges { node { id } } } }
"""


async def test_a_national_admin_dry_runs_the_2025_reform_and_reads_a_report(api: Api) -> None:
    admin = await api.login("admin")

    answer = (await admin.data(REPORT, {"input": {"reform": "2025", "dryRun": True}}))["reorganize"]

    assert answer["__typename"] == "ReorganisationReport", answer
    assert (answer["effective"], answer["dryRun"]) == ("2025-07-01", True)
    # The demo loaded this reform: running it again would change nothing.
    total = answer["total"]
    assert (total["opened"], total["closed"], total["linksAdded"]) == (0, 0, 0)
    assert (total["personsMoved"], total["awaiting"]) == (0, 0)
    assert total["alreadyClosed"] == 10_810  # every unit of the three-tier tree
    provinces = answer["provinces"]
    assert len(provinces) == 34
    quang_ninh = next(p for p in provinces if p["province"]["code"] == "22")
    assert quang_ninh["province"]["name"] == "Tỉnh Quảng Ninh"
    assert quang_ninh["counts"]["alreadyClosed"] == 185
    assert sum(p["counts"]["alreadyClosed"] for p in provinces) == total["alreadyClosed"]


async def test_a_bad_line_is_refused_by_its_number_and_nothing_is_written(api: Api) -> None:
    admin = await api.login("admin")
    units = "kind,code,name,parent_code\nPROVINCE,98,Tỉnh Thử,\nCOMMUNE,98001,Xã Thử,97\n"
    lineage = (
        "predecessor_code,predecessor_kind,successor_code,successor_kind\n"
        "22,PROVINCE,98,PROVINCE\n"
        "99999,COMMUNE,98001,COMMUNE\n"
    )
    given = {"unitsCsv": units, "lineageCsv": lineage, "effective": "2027-01-01"}

    refused = (await admin.data(REPORT, {"input": given}))["reorganize"]
    after = (await admin.data('{ unit(code: "98") { code } }'))["unit"]
    quang_ninh = (await admin.data('{ unit(code: "22") { validTo } }'))["unit"]

    assert refused["__typename"] == "ReorganisationRefused", refused
    assert refused["units"] == [{"line": 3, "code": "UNKNOWN_PARENT"}]
    assert [(p["line"], p["code"]) for p in refused["lineage"]] == [(3, "UNKNOWN_PREDECESSOR")]
    assert after is None  # nothing was created
    assert quang_ninh == {"validTo": None}  # and nothing closed


async def test_only_a_national_admin_may_run_it(api: Api) -> None:
    for login in ("admin.22", "viewer.22"):  # a province's admin; a viewer of the province
        client = await api.login(login)

        answer = (await client.data(REPORT, {"input": {"reform": "2025", "dryRun": True}}))[
            "reorganize"
        ]

        assert answer == {"__typename": "NotAllowed", "code": "NOT_ALLOWED"}


async def test_an_unknown_reform_or_a_missing_file_is_refused(api: Api) -> None:
    admin = await api.login("admin")

    unknown = (await admin.data(REPORT, {"input": {"reform": "1975"}}))["reorganize"]
    missing = (await admin.data(REPORT, {"input": {"unitsCsv": "kind,code,name,parent_code\n"}}))[
        "reorganize"
    ]

    assert unknown["problems"] == [{"code": "UNKNOWN_REFORM", "field": "reform"}]
    assert [p["code"] for p in missing["problems"]] == ["REORGANISATION_INPUT_REQUIRED"]


async def test_a_province_admin_reads_the_persons_waiting_in_the_province(api: Api) -> None:
    admin = await api.login("admin.22")
    province = (await admin.data('{ unit(code: "22") { id } }'))["unit"]["id"]

    waiting = (await admin.data(WAITING, {"unit": province}))["personsAwaitingUnit"]

    # No demo person worked in a split commune of Quảng Ninh: nobody waits.
    assert waiting == {"totalCount": 0, "edges": []}
