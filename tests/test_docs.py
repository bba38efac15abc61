"""Every GraphQL query example in the docs runs without errors.

Mutation examples (they need ids and a plan in the right state) are the ones the workflow tests
in tests/schema/test_plan_workflow.py drive end to end.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from planning.access import Role
from schema.access.services import AccessServices
from tests.conftest import Runner
from tests.factories import make_user

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
# A ```graphql block, and the ```json block of its variables when one follows it at once.
EXAMPLE = re.compile(r"```graphql\n(.*?)```(?:\n```json\n(.*?)```)?", re.S)
EXAMPLES = [
    pytest.param(block, json.loads(variables or "{}"), id=f"{path.name}:{number}")
    for path in DOCS
    for number, (block, variables) in enumerate(
        EXAMPLE.findall(path.read_text(encoding="utf-8")), start=1
    )
    if not block.lstrip().startswith("mutation")
]


@pytest.mark.parametrize(("document", "variables"), EXAMPLES)
async def test_example_runs(
    run: Runner,
    session: AsyncSession,
    access: AccessServices,
    document: str,
    variables: dict[str, Any],
) -> None:
    _, reader = await make_user(session, access, "docs.reader", roles=[Role.VIEWER])

    data = await run.as_(reader).data(document, variables)

    assert data


@pytest.mark.parametrize(("unit_id", "code"), [("VW5pdDoxMDgyMQ==", "22"), ("VW5pdDox", "VN")])
async def test_the_ids_the_guides_give_are_the_units_they_name(
    run: Runner, session: AsyncSession, access: AccessServices, unit_id: str, code: str
) -> None:
    _, reader = await make_user(session, access, "docs.reader", roles=[Role.VIEWER])

    data = await run.as_(reader).data(
        "query ($id: ID!) { unit(id: $id) { code } }", {"id": unit_id}
    )

    assert data["unit"]["code"] == code
