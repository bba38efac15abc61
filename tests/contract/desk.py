"""The demo as a client finds it, and the officials of one commune working a plan over HTTP.

``Demo`` is read once from answers: the province of Quảng Ninh, the national root, the communes
of the province that have no plan yet (each journey takes one of its own, so that no journey
sees another's plans), and position ids. ``Desk`` is one commune's clerk and head (accounts an
admin creates for the journey through GraphQL) and the province's appraiser and approver (demo
logins), carrying the plan's latest answer — and so its version — from call to call.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import count
from typing import Any

from tests.contract.client import Api, GraphQLClient

CYCLE = "2030-2035"
PROVINCE_CODE = "22"  # Tỉnh Quảng Ninh, where the demo logins are
DOCS_COMMUNE = "07132"  # Phường Quảng Yên: the commune the walkthrough of docs/plans.md uses
GOOD_BALLOT = {"step": "BTV", "summoned": 11, "present": 11, "votesFor": 9}
ACCOUNT_PASSWORD = "Hồ sơ quy hoạch của xã 2026"

PLAN = """
  __typename
  ... on PlanPayload {
    plan {
      id kind status version submittedAt receivedAt dueOn overdue decisionNumber decisionDate
      appraisalReport ruleSet
      planningUnit { id code } approvingUnit { code name }
      entries { id status change resultReason removalReason tier
                person { id fullName } position { id code } }
      validation { blocksSubmission errors { rule entry } }
      viewerCan { edit submit withdraw receive return appraise approve reject reopen }
    }
  }
  ... on ValidationFailed { problems { code field message } }
  ... on NotAllowed { code }
  ... on NotFound { id }
  ... on StaleVersion { currentVersion }
  ... on InvalidTransition { status action }
  ... on IdempotencyKeyReused { message }
"""

PERSON = """
  __typename
  ... on PersonPayload { person { id fullName version retirementMonth unit { code } } }
  ... on ValidationFailed { problems { code field } }
  ... on StaleVersion { currentVersion }
  ... on IdempotencyKeyReused { message }
"""

# Plan mutations by input type.
INPUTS = {
    "createPlan": "CreatePlanInput",
    "addPlanEntry": "AddPlanEntryInput",
    "updatePlanEntry": "UpdatePlanEntryInput",
    "removePlanEntry": "RemovePlanEntryInput",
    "appraisePlan": "AppraisePlanInput",
    "approvePlan": "ApprovePlanInput",
}

CREATE_KEY = """
mutation ($name: String!, $unit: ID!) {
  createApiKey(input: {name: $name, unit: $unit}) {
    __typename
    ... on ApiKeyCreated { secret apiKey { id unit { code } } }
  }
}
"""
DEMO_PLANS = """
query ($province: ID!, $cycle: String!) {
  progress(input: {unit: $province, cycle: $cycle}) {
    children {
      unit { id code name }
      counts { status count }
      plans { entries { position { id code } } }
    }
  }
}
"""


@dataclass
class Demo:
    """What the tests know of the demo, every id from an answer."""

    province: str
    root: str
    communes: list[dict[str, str]]  # of the province, without a plan of the cycle yet
    positions: dict[str, str]  # code → id of the commune positions managed by the province
    numbers: count[int] = field(default_factory=lambda: count(1))

    @classmethod
    async def read(cls, api: Api) -> Demo:
        viewer = await api.login(f"viewer.{PROVINCE_CODE}")
        units = await viewer.data(
            '{ province: unit(code: "22") { id } root: unit(code: "VN") { id } }'
        )
        progress = (
            await viewer.data(DEMO_PLANS, {"province": units["province"]["id"], "cycle": CYCLE})
        )["progress"]
        # The journeys plan the titles the demo plans hold (commune titles managed by the
        # province, no committee seat), read from their entries: `positions` lists them too.
        positions = {
            entry["position"]["code"]: entry["position"]["id"]
            for child in progress["children"]
            for plan in child["plans"]
            for entry in plan["entries"]
        }
        free = [
            child["unit"]
            for child in progress["children"]
            if not child["counts"] and child["unit"]["code"] != DOCS_COMMUNE
        ]
        return cls(units["province"]["id"], units["root"]["id"], free, positions)

    def commune(self) -> dict[str, str]:
        """A commune no other test has taken."""
        return self.communes.pop(0)

    def position(self, index: int) -> str:
        """The id of a position by its place in code order (the demo samples them)."""
        return self.positions[sorted(self.positions)[index]]

    def number(self) -> int:
        """A number no other call of the run has had (for national ids, usernames, keys)."""
        return next(self.numbers)


class Desk:
    """The officials of one commune plan and their province, calling the plan mutations."""

    def __init__(self, api: Api, demo: Demo, commune: dict[str, str]) -> None:
        self.api = api
        self.demo = demo
        self.commune = commune
        self.people: dict[str, GraphQLClient] = {}
        self.usernames: dict[str, str] = {}
        self.national_ids: dict[str, str] = {}  # person id → the national id it was made with
        self.plan: dict[str, Any] = {}

    @classmethod
    async def open(cls, api: Api, demo: Demo) -> Desk:
        desk = cls(api, demo, demo.commune())
        for role in ("CLERK", "HEAD"):
            username = await account(api, desk.commune, role, demo.number())
            desk.usernames[role.lower()] = username
            desk.people[role.lower()] = await api.login(username, password=ACCOUNT_PASSWORD)
        for role in ("appraiser", "approver", "viewer"):
            desk.usernames[role] = f"{role}.{PROVINCE_CODE}"
            desk.people[role] = await api.login(f"{role}.{PROVINCE_CODE}")
        return desk

    async def person(self, name: str, *, sex: str = "MALE", birth_year: int = 1984) -> str:
        """A new cadre record of the commune, eligible for the demo positions."""
        national_id = f"0229{self.demo.number():08d}"
        created = await self.people["clerk"].mutate(
            "createPerson",
            "CreatePersonInput",
            PERSON,
            nationalId=national_id,
            fullName=name,
            sex=sex,
            birthYear=birth_year,
            birthMonth=6,
            unit=self.commune["id"],
            education="Thạc sĩ",
            politicalTheory="CAO_CAP",
            currentRank=9,
            politicalStandardOk=True,
        )
        assert created["__typename"] == "PersonPayload", created
        self.national_ids[created["person"]["id"]] = national_id
        return str(created["person"]["id"])

    async def do(self, who: str, name: str, **input: Any) -> dict[str, Any]:
        """Call plan mutation ``name`` as ``who``; the plan and version default to the last seen."""
        if self.plan and name != "createPlan":
            defaults = {"version": self.plan["version"]}
            if "entry" not in input:
                defaults["plan"] = self.plan["id"]
            input = {**defaults, **input}
        answer = await self.people[who].mutate(
            name, INPUTS.get(name, "PlanActionInput"), PLAN, **input
        )
        if answer["__typename"] == "PlanPayload":
            self.plan = answer["plan"]
        return answer

    async def create(self, kind: str = "NEXT_TERM", **extra: Any) -> dict[str, Any]:
        return await self.do(
            "clerk",
            "createPlan",
            unit=self.commune["id"],
            cycle=CYCLE,
            kind=kind,
            managedBy="PROVINCE",
            **extra,
        )

    async def add(
        self, person: str, position: str, ballot: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        return await self.do(
            "clerk",
            "addPlanEntry",
            person=person,
            position=position,
            tier="T1",
            ballots=[ballot or GOOD_BALLOT],
        )

    async def approve_all(self) -> dict[str, Any]:
        """Submit, receive, appraise and approve the plan as it stands."""
        for who, name, extra in (
            ("head", "submitPlan", {}),
            ("appraiser", "receivePlan", {}),
            ("appraiser", "appraisePlan", {"report": "Hồ sơ đầy đủ"}),
            (
                "approver",
                "approvePlan",
                {"decisionNumber": "7-QĐ/TU", "decisionDate": "2026-11-21"},
            ),
        ):
            answer = await self.do(who, name, **extra)
            assert answer["__typename"] == "PlanPayload", (name, answer)
        return self.plan

    async def read(self, plan_id: str | None = None, who: str = "viewer") -> dict[str, Any]:
        """A plan as ``who`` reads it with ``node(id:)``."""
        data = await self.people[who].data(
            "query ($id: ID!) { node(id: $id) { ... on Plan { id status version"
            " entries { id status change } history { action fromStatus toStatus reason } } } }",
            {"id": plan_id or self.plan["id"]},
        )
        return dict(data["node"])


async def api_key(api: Api, unit: str, admin: str = "admin.22") -> tuple[str, str]:
    """A new API key on ``unit`` (its secret and id), created by ``admin`` as the guide says."""
    created = (
        await (await api.login(admin)).data(
            CREATE_KEY, {"name": "contract dashboard", "unit": unit}
        )
    )["createApiKey"]
    assert created["__typename"] == "ApiKeyCreated", created
    return str(created["secret"]), str(created["apiKey"]["id"])


async def account(
    api: Api, unit: dict[str, str], role: str, number: int, admin: str = f"admin.{PROVINCE_CODE}"
) -> str:
    """A new login on ``unit`` holding ``role`` there, made by ``admin`` through GraphQL; its
    username (the password is ``ACCOUNT_PASSWORD``)."""
    creator = await api.login(admin)
    username = f"{role.lower()}.contract{number}"
    created = await creator.mutate(
        "createUser",
        "CreateUserInput",
        "__typename ... on UserPayload { user { id } }"
        " ... on ValidationFailed { problems { code field } }",
        username=username,
        password=ACCOUNT_PASSWORD,
        fullName=f"Cán bộ {role.lower()} {unit['name']}",
        unit=unit["id"],
    )
    assert created["__typename"] == "UserPayload", created
    granted = await creator.mutate(
        "grantRole",
        "GrantRoleInput",
        "__typename ... on GrantPayload { grant { role unit { code } } }",
        user=created["user"]["id"],
        role=role,
        unit=unit["id"],
        reason="contract test",
    )
    assert granted["grant"] == {"role": role, "unit": {"code": unit["code"]}}, granted
    return username
