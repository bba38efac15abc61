"""The next reform is an import, over HTTP: a national administrator dry-runs the 2025 reform
(which the demo loaded through the same code) and reads a report that changes nothing; a bad
line is refused by its number with nothing written; nobody else may run it; a province
administrator gives the demo's cadres of a split commune (Phường Hà Khẩu, recorded before the
reform) one of its successors."""

from __future__ import annotations

from api.demo_plans import ENTRIES_PER_PLAN as ENTRIES_PER_DEMO_PLAN
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
query ($unit: ID!) { personsAwaitingUnit(unit: $unit) { totalCount edges { node {
  effective fromUnit { code } candidates { id code }
  person { id unit { code } } } } } }
"""
ASSIGN = """
mutation ($input: AssignPersonUnitInput!) { assignPersonUnit(input: $input) {
  __typename
  ... on PersonPayload { person { unit { code } unitHistory { unit { code } validTo } } }
  ... on ValidationFailed { problems { code } }
} }
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


async def test_a_province_admin_gives_a_waiting_cadre_one_of_the_successors(api: Api) -> None:
    admin = await api.login("admin.22")
    province = (await admin.data('{ unit(code: "22") { id } }'))["unit"]["id"]

    waiting = (await admin.data(WAITING, {"unit": province}))["personsAwaitingUnit"]

    # The demo's cadres of Phường Hà Khẩu, which the reform split between Việt Hưng and Tuần
    # Châu: held by the province until its admin picks one.
    nodes = [edge["node"] for edge in waiting["edges"]]
    assert waiting["totalCount"] == len(nodes) == ENTRIES_PER_DEMO_PLAN
    assert {n["fromUnit"]["code"] for n in nodes} == {"06655"}
    assert {n["effective"] for n in nodes} == {"2025-07-01"}
    [candidates] = {tuple(c["code"] for c in n["candidates"]) for n in nodes}
    assert candidates == ("06661", "06706")
    assert {n["person"]["unit"]["code"] for n in nodes} == {"22"}

    chosen = nodes[0]
    tuan_chau = next(c for c in chosen["candidates"] if c["code"] == "06706")
    assigned = (
        await admin.data(
            ASSIGN,
            {
                "input": {
                    "person": chosen["person"]["id"],
                    "unit": tuan_chau["id"],
                    "reason": "QĐ 12",
                }
            },
        )
    )["assignPersonUnit"]
    again = (
        await admin.data(
            ASSIGN, {"input": {"person": chosen["person"]["id"], "unit": tuan_chau["id"]}}
        )
    )["assignPersonUnit"]
    left = (await admin.data(WAITING, {"unit": province}))["personsAwaitingUnit"]

    assert assigned["__typename"] == "PersonPayload", assigned
    person = assigned["person"]
    assert person["unit"]["code"] == "06706"
    # The history keeps the old commune and the wait on the province.
    assert [p["unit"]["code"] for p in person["unitHistory"]][:2] == ["06655", "22"]
    assert again["__typename"] == "ValidationFailed"
    assert [p["code"] for p in again["problems"]] == ["ALREADY_ASSIGNED"]
    assert left["totalCount"] == ENTRIES_PER_DEMO_PLAN - 1


async def test_a_communes_admin_sees_nobody_waiting_on_the_province(api: Api) -> None:
    admin = await api.login("admin.07132")
    quang_ninh = (await admin.data('{ unit(code: "22") { id } }'))["unit"]["id"]

    waiting = (await admin.data(WAITING, {"unit": quang_ninh}))["personsAwaitingUnit"]

    # The province holds them (DOMAIN.md A.11): its communes do not see or count them.
    assert waiting["totalCount"] == 0
