"""The approval clock over HTTP (DOMAIN.md §5.4): a plan received on the test day is due 30
working days later on the calendar a client reads; a day off the national admin adds inside
the window moves it by one working day, the extension by its working days, once."""

from __future__ import annotations

from typing import Any

from tests.contract.client import Api
from tests.contract.desk import PROVINCE_CODE, Demo, Desk

CALENDAR = "query ($year: Int!) { holidays(year: $year) { day kind source } }"
SET_DAY = """
mutation ($input: SetHolidayInput!) { setHoliday(input: $input) {
  __typename ... on HolidayPayload { rescheduledPlans } } }
"""
REMOVE_DAY = """
mutation ($day: Date!) { removeHoliday(input: {day: $day}) {
  __typename ... on RemoveHolidayPayload { rescheduledPlans } } }
"""
EXTEND = """
mutation ($input: ExtendDeadlineInput!) { extendDeadline(input: $input) {
  __typename
  ... on PlanPayload { plan { version dueOn deadlineExtension { workingDays reason } } }
  ... on ValidationFailed { problems { code field message } } } }
"""
DUE = """
query ($id: ID!) { node(id: $id) { ... on Plan { version dueOn
  history { action reason before after } } } }
"""


async def test_the_due_date_follows_the_calendar_and_one_extension(
    api: Api, desk: Desk, demo: Demo
) -> None:
    national = await api.login("admin")
    appraiser = desk.people["appraiser"]
    await desk.create()
    await desk.add(await desk.person("Vũ Thị Thu"), demo.position(0))
    assert (await desk.do("head", "submitPlan"))["__typename"] == "PlanPayload"
    received = (await desk.do("appraiser", "receivePlan"))["plan"]
    days_2026 = {d["day"]: d for d in (await appraiser.data(CALENDAR, {"year": 2026}))["holidays"]}
    days_2027 = {d["day"]: d for d in (await appraiser.data(CALENDAR, {"year": 2027}))["holidays"]}

    # Received Saturday 21/11/2026: 30 working days skip 24/11 (Ngày Văn hóa Việt Nam) and
    # 01/01/2027, both statutory, computed and not typed.
    assert received["receivedAt"][:10] == "2026-11-21"
    assert received["dueOn"] == "2027-01-05"
    assert days_2026["2026-11-24"] == {"day": "2026-11-24", "kind": "OFF", "source": "STATUTORY"}
    assert days_2027["2027-01-01"]["source"] == "STATUTORY"
    assert {f"2027-02-0{d}" for d in range(4, 10)} <= set(days_2027)  # Tết Đinh Mùi

    bridge = {"day": "2026-12-31", "kind": "OFF", "name": "Nghỉ bù Tết Dương lịch"}
    added = (await national.data(SET_DAY, {"input": bridge}))["setHoliday"]
    moved = (await appraiser.data(DUE, {"id": received["id"]}))["node"]
    assert added["rescheduledPlans"] >= 1  # this plan, and any other of the demo it covers
    assert moved["dueOn"] == "2027-01-06"
    assert moved["version"] == received["version"] + 1

    ask: dict[str, Any] = {
        "plan": received["id"],
        "version": moved["version"],
        "workingDays": 16,
        "reason": "Cần xác minh thêm hồ sơ",
    }
    too_long = (await appraiser.data(EXTEND, {"input": ask}))["extendDeadline"]
    extended = (await appraiser.data(EXTEND, {"input": {**ask, "workingDays": 10}}))[
        "extendDeadline"
    ]
    again = {**ask, "workingDays": 2, "version": extended["plan"]["version"]}
    second = (await appraiser.data(EXTEND, {"input": again}))["extendDeadline"]
    removed = (await national.data(REMOVE_DAY, {"day": "2026-12-31"}))["removeHoliday"]
    final = (await appraiser.data(DUE, {"id": received["id"]}))["node"]

    assert [p["code"] for p in too_long["problems"]] == ["BAD_EXTENSION"]
    assert "15" in too_long["problems"][0]["message"]
    assert extended["plan"]["dueOn"] == "2027-01-20"
    assert extended["plan"]["deadlineExtension"] == {
        "workingDays": 10,
        "reason": "Cần xác minh thêm hồ sơ",
    }
    assert [p["code"] for p in second["problems"]] == ["ALREADY_EXTENDED"]
    # The day off taken back: 40 working days from the receipt again end a day earlier.
    assert removed["rescheduledPlans"] >= 1
    assert final["dueOn"] == "2027-01-19"
    assert [
        (e["action"], e["before"]["dueOn"], e["after"]["dueOn"]) for e in final["history"][-3:]
    ] == [
        ("RESCHEDULE", "2027-01-05", "2027-01-06"),
        ("EXTEND_DEADLINE", "2027-01-06", "2027-01-20"),
        ("RESCHEDULE", "2027-01-20", "2027-01-19"),
    ]


async def test_the_calendar_is_named_in_the_callers_language(api: Api) -> None:
    named = "query ($year: Int!) { holidays(year: $year) { day kind name source } }"
    vietnamese = await api.login(f"viewer.{PROVINCE_CODE}")
    english = await api.login(f"viewer.{PROVINCE_CODE}", language="en")

    vi = {d["day"]: d for d in (await vietnamese.data(named, {"year": 2026}))["holidays"]}
    en = {d["day"]: d for d in (await english.data(named, {"year": 2026}))["holidays"]}

    assert (vi["2026-09-02"]["name"], en["2026-09-02"]["name"]) == ("Quốc khánh", "National Day")
    # A Saturday the statute makes a working day, in exchange for a day off.
    assert {k: en["2026-08-22"][k] for k in ("kind", "source", "name")} == {
        "kind": "WORKING",
        "source": "STATUTORY",
        "name": "Working day in exchange",
    }
    assert vi["2026-08-22"]["name"] == "Ngày làm việc bù"
