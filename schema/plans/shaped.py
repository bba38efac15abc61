"""Which selections of a plan's `entries` PostgreSQL can answer by itself (db/entry_pages.py).

A selection qualifies when every field it asks of an entry, of its person and of its position
is a plain column (or `__typename`), with no argument, directive or repeated response key:
the common page of a client (who is planned, for which title). Anything else (an open removal
proposal, a person's unit, ballots) is answered the usual way, field by field.
"""

from __future__ import annotations

import functools
from typing import Any

import strawberry
from strawberry.types.nodes import FragmentSpread, InlineFragment, SelectedField

from db.entry_pages import ENTRY, PERSON, POSITION, EntryShape, Fields

__all__ = ["Shaped", "entry_shape"]


class Shaped(str):
    """A field's answer already composed as JSON: the executor puts it in as it is."""


@functools.cache
def _attributes(found: Any) -> dict[str, str]:
    """GraphQL field name → attribute, for the plain fields of the GraphQL type ``found``."""
    columns = {"PlanEntry": ENTRY, "Person": PERSON, "Position": POSITION}[found.name]
    named: dict[str, str] = {}
    for name, field in getattr(found, "fields", {}).items():
        definition: Any = (field.extensions or {}).get("strawberry-definition")
        attribute = getattr(definition, "python_name", None)
        if attribute in columns and getattr(field.resolve, "_is_default", False) and not field.args:
            named[name] = attribute
    return named


def _flat(selections: list[Any], type_name: str) -> list[SelectedField] | None:
    found: list[SelectedField] = []
    for selection in selections:
        if isinstance(selection, SelectedField):
            found.append(selection)
        elif isinstance(selection, FragmentSpread | InlineFragment):
            if selection.type_condition not in (None, type_name) or selection.directives:
                return None
            inner = _flat(selection.selections, type_name)
            if inner is None:
                return None
            found.extend(inner)
        else:
            return None
    return found


def _fields(
    info: strawberry.Info[Any, Any], selections: list[Any], type_name: str
) -> Fields | None:
    fields = _flat(selections, type_name)
    if fields is None:
        return None
    attributes = _attributes(info._raw_info.schema.get_type(type_name))
    keys: list[tuple[str, str]] = []
    for field in fields:
        if field.arguments or field.directives or field.selections:
            return None
        attribute = "__typename" if field.name == "__typename" else attributes.get(field.name)
        if attribute is None:
            return None
        keys.append((field.alias or field.name, attribute))
    if len({key for key, _ in keys}) != len(keys):
        return None  # a repeated key merges in GraphQL, not in json_build_object
    return tuple(keys)


def entry_shape(info: strawberry.Info[Any, Any]) -> EntryShape | None:
    """The shape of the `entries` being resolved, if PostgreSQL can compose it."""
    [entries] = info.selected_fields
    selections = _flat(entries.selections, "PlanEntry")
    if selections is None:
        return None
    plain: list[SelectedField] = []
    nested: dict[str, tuple[str, Fields]] = {}
    for field in selections:
        if field.name in ("person", "position"):
            key = field.alias or field.name
            inner = _fields(
                info, field.selections, "Person" if field.name == "person" else "Position"
            )
            if inner is None or field.arguments or field.directives or field.name in nested:
                return None
            nested[field.name] = (key, inner)
        else:
            plain.append(field)
    entry = _fields(info, plain, "PlanEntry")
    if entry is None:
        return None
    keys = [key for key, _ in entry] + [key for key, _ in nested.values()]
    if len(set(keys)) != len(keys):
        return None
    return EntryShape(entry=entry, person=nested.get("person"), position=nested.get("position"))
