"""Building blocks of the export tests: callers, GraphQL answers, and readers of the files."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, timedelta
from typing import Any
from xml.etree import ElementTree

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.demo_plans import load_demo_plans
from db.models import Unit
from db.plan_models import Plan
from planning.access import Role
from planning.lifecycle import PlanStatus
from schema.access.services import AccessServices
from schema.node import to_global_id
from tests.conftest import NOW, log_in
from tests.factories import PASSWORD, make_user, unit

Client = httpx.AsyncClient
Headers = dict[str, str]
CYCLE = "2030-2035"
MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"

PLANS = """
query ($unit: ID!) {
  plans(unit: $unit, first: 100) {
    pageInfo { hasNextPage }
    edges { node {
      id kind status decisionNumber decisionDate
      cycle { code }
      planningUnit { code name }
      approvingUnit { code name }
      entries {
        id status tier source
        person { fullName sex birthYear birthMonth ethnicity currentPosition education
                 politicalTheory }
        position { code title body managedBy }
      }
    } }
  }
}
"""
STATISTICS = """
query ($input: StatisticsInput!) {
  statistics(input: $input) {
    approvedOnly
    total { entries persons personsShare averageAge suppressed }
    rows { group { dimension value label } entries persons personsShare averageAge suppressed }
  }
}
"""
INDICATORS = """
query ($input: IndicatorsInput!) {
  indicators(input: $input) {
    approvedOnly values { code label value target met numerator denominator suppressed }
  }
}
"""
CREATE_KEY = """
mutation ($unit: ID!) {
  createApiKey(input: {name: "Bảng điều khiển", unit: $unit}) {
    __typename ... on ApiKeyCreated { secret }
  }
}
"""


async def bearer(
    client: Client, session: AsyncSession, access: AccessServices, name: str, code: str, role: Role
) -> Headers:
    await make_user(session, access, name, unit_code=code, roles=[role])
    await session.commit()
    return {"authorization": f"Bearer {(await log_in(client, name, PASSWORD))['accessToken']}"}


async def unit_id(session: AsyncSession, code: str) -> str:
    return to_global_id("Unit", (await unit(session, code)).id)


async def planning_units(session: AsyncSession, province: str) -> list[str]:
    """The units of ``province`` that have plans of any status (where to ask GraphQL)."""
    path = (await unit(session, province)).path
    ids = await session.scalars(
        select(Plan.planning_unit_id)
        .join(Unit, Unit.id == Plan.planning_unit_id)
        .where(Unit.path.bool_op("<@")(path))
        .distinct()
    )
    return [to_global_id("Unit", row_id) for row_id in ids]


async def approved_commune(session: AsyncSession, province: str) -> str:
    """The code of the commune of ``province`` whose demo plan is approved."""
    path = (await unit(session, province)).path
    code = await session.scalar(
        select(Unit.code)
        .join(Plan, Plan.planning_unit_id == Unit.id)
        .where(Plan.status == PlanStatus.APPROVED, Unit.path.bool_op("<@")(path))
    )
    assert code is not None
    return code


async def graphql(client: Client, headers: Headers, query: str, **variables: Any) -> Any:
    response = await client.post(
        "/graphql", json={"query": query, "variables": variables}, headers=headers
    )
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


def csv_rows(response: httpx.Response) -> list[list[str]]:
    assert response.content.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs for UTF-8
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def column_index(ref: str) -> int:
    """The 0-based column of a cell reference: A1 → 0, AA7 → 26."""
    index = 0
    for letter in ref.rstrip("0123456789"):
        index = index * 26 + ord(letter) - 64
    return index - 1


def sheet_rows(content: bytes) -> list[list[str]]:
    """The cells of the only sheet, read with the standard library: the file is a valid zip
    whose parts parse as XML and name each other as Excel expects."""
    archive = zipfile.ZipFile(io.BytesIO(content))
    assert archive.testzip() is None
    types = ElementTree.fromstring(archive.read("[Content_Types].xml"))
    assert {o.get("PartName") for o in types} >= {"/xl/workbook.xml", "/xl/worksheets/sheet1.xml"}
    relations = ElementTree.fromstring(archive.read("_rels/.rels"))
    assert [r.get("Target") for r in relations] == ["xl/workbook.xml"]
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    assert len(list(workbook.iter(f"{MAIN}sheet"))) == 1
    ElementTree.fromstring(archive.read("xl/styles.xml"))
    sheet = ElementTree.fromstring(archive.read("xl/worksheets/sheet1.xml"))
    rows = []
    for number, row in enumerate(sheet.iter(f"{MAIN}row"), start=1):
        assert row.get("r") == str(number)
        cells: dict[int, str] = {}
        for cell in row.iter(f"{MAIN}c"):
            value = cell.findtext(f"{MAIN}v") or ""
            if cell.get("t") == "inlineStr":
                value = "".join(t.text or "" for t in cell.iter(f"{MAIN}t"))
            elif cell.get("t") == "b":
                value = {"1": "true", "0": "false"}[value]
            elif cell.get("s") == "2":  # a date: days since 30/12/1899
                value = (date(1899, 12, 30) + timedelta(days=int(value))).isoformat()
            cells[column_index(str(cell.get("r")))] = value
        rows.append(cells)
    width = len(rows[0])
    return [[cells.get(i, "") for i in range(width)] for cells in rows]


def text(value: Any) -> str:
    """A JSON value as the CSV writes it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


async def expected_plan_list(
    client: Client, headers: Headers, session: AsyncSession, province: str
) -> list[list[str]]:
    """The approved plan list of a province as the GraphQL `plans` query tells it."""
    plans = []
    for planning_unit in await planning_units(session, province):
        page = (await graphql(client, headers, PLANS, unit=planning_unit))["plans"]
        assert not page["pageInfo"]["hasNextPage"]  # a unit has a handful of plans
        plans += [edge["node"] for edge in page["edges"]]
    rows = []
    for plan in plans:
        if plan["status"] != "APPROVED" or plan["cycle"]["code"] != CYCLE:
            continue
        for entry in plan["entries"]:
            if entry["status"] != "ACTIVE":
                continue
            person, position = entry["person"], entry["position"]
            rows.append(
                [
                    text(v)
                    for v in (
                        plan["planningUnit"]["code"],
                        plan["planningUnit"]["name"],
                        plan["approvingUnit"]["code"],
                        plan["approvingUnit"]["name"],
                        plan["cycle"]["code"],
                        plan["id"],
                        plan["kind"],
                        plan["decisionNumber"],
                        plan["decisionDate"],
                        entry["id"],
                        person["fullName"],
                        person["sex"],
                        person["birthYear"],
                        person["birthMonth"],
                        person["ethnicity"],
                        person["currentPosition"],
                        person["education"],
                        person["politicalTheory"],
                        position["code"],
                        position["title"],
                        position["body"],
                        position["managedBy"],
                        entry["tier"],
                        entry["source"],
                        entry["status"],
                    )
                ]
            )
    return rows


async def api_key(client: Client, session: AsyncSession, access: AccessServices) -> Headers:
    """An integrator's key on Quảng Ninh, created over HTTP by an admin of the province."""
    admin = await bearer(client, session, access, "admin.qn", "22", Role.ADMIN)
    created = await graphql(client, admin, CREATE_KEY, unit=await unit_id(session, "22"))
    return {"authorization": f"Bearer {created['createApiKey']['secret']}"}


def code_of(response: httpx.Response) -> str:
    [error] = response.json()["errors"]
    assert set(error["extensions"]["messages"]) == {"vi", "en"}
    assert error["message"]
    return str(error["extensions"]["code"])


def statistics_csv(data: Any, group_by: list[str]) -> list[list[str]]:
    """A `statistics` answer laid out as the export promises: rows, then the total."""
    statistics = data["statistics"]
    measures = ("entries", "persons", "personsShare", "averageAge", "suppressed")
    header = ["row"]
    for dimension in group_by:
        header += [dimension, f"{dimension}_LABEL"]
    lines = [[*header, *measures, "approvedOnly"]]
    for kind, row in [*(("group", r) for r in statistics["rows"]), ("total", statistics["total"])]:
        groups = {g["dimension"]: g for g in row.get("group", [])}
        cells = [kind]
        for dimension in group_by:
            cells += (
                [groups[dimension]["value"], groups[dimension]["label"]] if groups else ["", ""]
            )
        lines.append(
            [text(v) for v in (*cells, *(row[m] for m in measures), statistics["approvedOnly"])]
        )
    return lines


async def load_demo(session: AsyncSession, access: AccessServices) -> None:
    """Three provinces with one approved commune plan of four persons each."""
    await load_demo_plans(session, access, now=NOW)
    await session.commit()
