"""The rules as DOMAIN.md states them, seen by a client over HTTP (issue 11): an undecided
political standard and a missing ballot block submission, a political theory level is a level,
and an OLD_2012 report names the date its ages assume."""

from __future__ import annotations

from typing import Any

from tests.contract.desk import GOOD_BALLOT, PERSON, Demo, Desk

REPORT = """
query ($id: ID!) {
  node(id: $id) {
    ... on Plan {
      dueOn
      validation {
        ruleSet blocksSubmission ageReference { month basis day }
        errors { rule entry message numbers { name value } }
      }
    }
  }
}
"""
THEORY_REQUIRED = (
    "query ($id: ID!) { node(id: $id) { ... on Position { politicalTheoryRequired } } }"
)


async def report(desk: Desk, who: str = "clerk") -> dict[str, Any]:
    return dict((await desk.people[who].data(REPORT, {"id": desk.plan["id"]}))["node"])


async def record(desk: Desk, name: str, **fields: Any) -> dict[str, Any]:
    """A cadre record of the desk's commune, created as the clerk does, with ``fields``."""
    created = await desk.people["clerk"].mutate(
        "createPerson",
        "CreatePersonInput",
        PERSON + " ... on PersonPayload { person { politicalTheory politicalStandardOk } }",
        nationalId=f"0229{desk.demo.number():08d}",
        fullName=name,
        sex="MALE",
        birthYear=1984,
        birthMonth=6,
        unit=desk.commune["id"],
        currentRank=9,
        **fields,
    )
    assert created["__typename"] == "PersonPayload", created
    return dict(created["person"])


async def standard_title(desk: Desk, level: str) -> str:
    """A demo title whose political theory standard is ``level``, found from answers."""
    for code in sorted(desk.demo.positions):
        position = desk.demo.positions[code]
        data = await desk.people["viewer"].data(THEORY_REQUIRED, {"id": position})
        if data["node"]["politicalTheoryRequired"] == level:
            return position
    raise AssertionError(f"no demo title requires {level}")


async def test_an_undecided_political_standard_blocks_submission_until_concluded(
    desk: Desk, demo: Demo
) -> None:
    pending = await record(desk, "Lê Văn Chờ", politicalTheory="CAO_CAP")
    await desk.create()
    await desk.add(pending["id"], demo.position(0))

    seen = await report(desk)
    refused = await desk.do("head", "submitPlan")
    concluded = await desk.people["clerk"].mutate(
        "updatePerson",
        "UpdatePersonInput",
        PERSON,
        person=pending["id"],
        version=pending["version"],
        politicalStandardOk=True,
    )
    submitted = await desk.do("head", "submitPlan")

    assert pending["politicalStandardOk"] is None
    [error] = seen["validation"]["errors"]
    assert error["rule"] == "E13"
    assert error["message"] == "tiêu chuẩn chính trị chưa được kết luận; phải được kết luận là đạt"
    assert seen["validation"]["blocksSubmission"] is True
    assert refused["__typename"] == "ValidationFailed"
    assert [p["code"] for p in refused["problems"]] == ["E13"]
    assert concluded["__typename"] == "PersonPayload", concluded
    assert submitted["plan"]["status"] == "SUBMITTED", submitted


async def test_an_entry_without_a_ballot_blocks_submission_until_one_is_recorded(
    desk: Desk, demo: Demo
) -> None:
    await desk.create()
    added = await desk.do(
        "clerk",
        "addPlanEntry",
        person=await desk.person("Đỗ Văn Thiếu"),
        position=demo.position(0),
        tier="T1",
    )
    [entry] = added["plan"]["entries"]

    seen = await report(desk)
    refused = await desk.do("head", "submitPlan")
    balloted = await desk.do("clerk", "updatePlanEntry", entry=entry["id"], ballots=[GOOD_BALLOT])
    submitted = await desk.do("head", "submitPlan")

    assert [(e["rule"], e["entry"]) for e in seen["validation"]["errors"]] == [("V0", entry["id"])]
    assert [p["code"] for p in refused["problems"]] == ["V0"]
    assert balloted["__typename"] == "PlanPayload", balloted
    assert submitted["plan"]["status"] == "SUBMITTED", submitted


async def test_a_person_recorded_with_trung_cap_meets_a_trung_cap_standard(desk: Desk) -> None:
    title = await standard_title(desk, "TRUNG_CAP")
    meets = await record(desk, "Vũ Văn Đạt", politicalTheory="TRUNG_CAP", politicalStandardOk=True)
    lacks = await record(desk, "Vũ Văn Thấp", politicalTheory="SO_CAP", politicalStandardOk=True)
    free_text = await desk.people["clerk"].answer(
        "mutation ($input: CreatePersonInput!) { createPerson(input: $input) { __typename } }",
        {
            "input": {
                "nationalId": f"0229{desk.demo.number():08d}",
                "fullName": "Vũ Văn Chữ",
                "sex": "MALE",
                "birthYear": 1984,
                "unit": desk.commune["id"],
                "politicalTheory": "Trung cấp",
            }
        },
    )
    await desk.create()
    await desk.add(meets["id"], title)
    await desk.add(lacks["id"], title)

    seen = await report(desk)

    assert meets["politicalTheory"] == "TRUNG_CAP"
    second = desk.plan["entries"][1]["id"]
    [error] = seen["validation"]["errors"]  # the TRUNG_CAP person meets it, SO_CAP does not
    assert (error["rule"], error["entry"]) == ("E8", second)
    assert error["message"] == "chức danh yêu cầu lý luận chính trị trung cấp, hiện có: sơ cấp"
    assert free_text.data is None  # free text is no level: the request is refused as invalid
    assert "PoliticalTheory" in str(free_text.errors)


async def test_an_old_2012_plan_names_the_date_its_ages_assume(desk: Desk, demo: Demo) -> None:
    created = await desk.create(ruleSet="OLD_2012")
    await desk.add(await desk.person("Tạ Văn Cũ"), demo.position(0))

    drafted = await report(desk)
    await desk.do("head", "submitPlan")
    await desk.do("appraiser", "receivePlan")
    received = await report(desk)

    assert created["plan"]["ruleSet"] == "OLD_2012"
    assert drafted["validation"]["ageReference"] == {
        "month": "11/2026",
        "basis": "TODAY",
        "day": "2026-11-21",
    }
    due = received["dueOn"]
    assert received["validation"]["ageReference"] == {
        "month": f"{due[5:7]}/{due[:4]}",
        "basis": "DUE_DATE",
        "day": due,
    }
