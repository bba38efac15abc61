"""Every GraphQL example in the docs runs against the demo data without errors."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import Runner

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
EXAMPLES = [
    pytest.param(block, id=f"{path.name}:{number}")
    for path in DOCS
    for number, block in enumerate(
        re.findall(r"```graphql\n(.*?)```", path.read_text(encoding="utf-8"), re.S), start=1
    )
]


@pytest.mark.parametrize("document", EXAMPLES)
async def test_example_runs(run: Runner, document: str) -> None:
    data = await run.data(document)

    assert data
