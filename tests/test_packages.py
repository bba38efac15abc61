"""The top-level packages: ours, not namesakes from PyPI; and `planning` on the standard library."""

from __future__ import annotations

import ast
import importlib
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("name", ["api", "schema", "db", "policies", "planning"])
def test_package_imports_from_this_repository(name: str) -> None:
    module = importlib.import_module(name)

    assert module.__file__ is not None
    assert Path(module.__file__).resolve().parent == ROOT / name


def foreign_imports(source: str) -> list[str]:
    """The modules ``source`` imports that are neither the standard library nor `planning`."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue  # not an import, or a relative one: inside planning
        found += [
            name
            for name in names
            if name.partition(".")[0] != "planning"
            and name.partition(".")[0] not in sys.stdlib_module_names
        ]
    return found


def test_the_allow_list_check_catches_what_is_not_standard_library() -> None:
    source = "import json\nfrom strawberry import type\nimport db.models\nfrom . import units\n"

    assert foreign_imports(source) == ["strawberry", "db.models"]


@pytest.mark.parametrize("path", sorted((ROOT / "planning").rglob("*.py")), ids=lambda p: p.name)
def test_planning_imports_only_the_standard_library_and_itself(path: Path) -> None:
    # An allow-list: import-linter's contracts can only forbid packages one by one.
    assert foreign_imports(path.read_text(encoding="utf-8")) == []
