"""The top-level package names are generic; make sure they are ours, not namesakes from PyPI."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("name", ["api", "schema", "db", "policies", "planning"])
def test_package_imports_from_this_repository(name: str) -> None:
    module = importlib.import_module(name)

    assert module.__file__ is not None
    assert Path(module.__file__).resolve().parent == ROOT / name
