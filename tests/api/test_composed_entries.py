"""A plan's entries composed as JSON by PostgreSQL (db/entry_pages.py) answer exactly what the
field-by-field path answers: the same keys, aliases, ids, enums, and the province's seats."""

from __future__ import annotations

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from api.demo_plans import load_demo_plans
from schema.access.services import AccessServices
from schema.node import to_global_id
from schema.root import schema
from tests.conftest import NOW

PAGE = """query ($plan: ID!) { node(id: $plan) { ... on Plan { id entries {
  __typename id status tier source change
  who: person { id fullName sex birthYear birthMonth education version }
  position { id code title rank seats managedBy ... on Position { body } }
} } } }"""
# A field PostgreSQL does not compose (a person's unit): the page is answered field by field.
MIXED = PAGE.replace("version }", "version unit { code } }")


async def _post(client: httpx.AsyncClient, query: str, plan: str) -> object:
    answer = await client.post("/graphql", json={"query": query, "variables": {"plan": plan}})
    body = answer.json()
    assert "errors" not in body, body
    return body["data"]


async def test_a_composed_page_is_the_page_answered_field_by_field(
    official: httpx.AsyncClient, session: AsyncSession, access: AccessServices
) -> None:
    await load_demo_plans(session, access, now=NOW)
    await session.commit()
    found = await session.scalars(
        text("SELECT DISTINCT plan_id FROM plan_entry ORDER BY plan_id LIMIT 4")
    )
    plans = [to_global_id("Plan", plan_id) for plan_id in found]
    assert plans
    for query in (PAGE, MIXED):
        for plan in plans:
            first = await _post(official, query, plan)  # the full pipeline: field by field
            assert schema.prepared.get(query) is not None
            again = await _post(official, query, plan)  # prepared: composed where it can be
            assert again == first
