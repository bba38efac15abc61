"""The planning enums are registered with strawberry in schema/enums.py, and nowhere else."""

from __future__ import annotations

import ast
from pathlib import Path

from strawberry.types.enum import StrawberryEnumDefinition

import schema.enums
from schema.root import schema as built

SCHEMA = Path(__file__).resolve().parents[2] / "schema"


def test_every_planning_enum_of_the_schema_is_registered_in_schema_enums() -> None:
    registered = {getattr(schema.enums, name) for name in schema.enums.__all__}
    planning_enums = set()
    for graphql_type in built._schema.type_map.values():
        definition = (getattr(graphql_type, "extensions", None) or {}).get("strawberry-definition")
        if isinstance(definition, StrawberryEnumDefinition) and (
            definition.wrapped_cls.__module__.startswith("planning.")
        ):
            planning_enums.add(definition.wrapped_cls)

    assert planning_enums == registered


def _registrations(tree: ast.Module) -> list[int]:
    """Lines calling `strawberry.enum(SomeEnum, ...)`: registering a class defined elsewhere.

    `@strawberry.enum(description=...)` on a class the module defines itself is not one.
    """
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "enum"
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "strawberry"
        and node.args
    ]


def test_no_other_module_registers_an_enum_as_a_side_effect() -> None:
    found = {
        str(path.relative_to(SCHEMA.parent)): lines
        for path in sorted(SCHEMA.rglob("*.py"))
        if path.name != "enums.py" or path.parent != SCHEMA
        if (lines := _registrations(ast.parse(path.read_text(encoding="utf-8"))))
    }

    assert found == {}
    assert _registrations(ast.parse((SCHEMA / "enums.py").read_text(encoding="utf-8")))
