"""Every GraphQL query example in the docs runs without errors.

Mutation examples (they need ids and a plan in the right state) are the ones the workflow tests
in tests/schema/test_plan_workflow.py drive end to end.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from planning.access import Role
from schema.access.services import AccessServices
from tests.conftest import Runner
from tests.factories import make_user

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
EXAMPLES = [
    pytest.param(block, id=f"{path.name}:{number}")
    for path in DOCS
    for number, block in enumerate(
        re.findall(r"```graphql\n(.*?)```", path.read_text(encoding="utf-8"), re.S), start=1
    )
    if not block.lstrip().startswith("mutation")
]


@pytest.mark.parametrize("document", EXAMPLES)
async def test_example_runs(
    run: Runner, session: AsyncSession, access: AccessServices, document: str
) -> None:
    _, reader = await make_user(session, access, "docs.reader", roles=[Role.VIEWER])

    data = await run.as_(reader).data(document)

    assert data
