"""What the client asked of the field being resolved: a resolver reads ahead only what is used."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.types.nodes import FragmentSpread, InlineFragment, SelectedField


def selects(info: strawberry.Info[Any, Any], name: str) -> bool:
    """Whether the field being resolved selects ``name`` among its own subfields (in a
    fragment too; fields deeper down do not count)."""
    pending: list[Any] = []
    for field in info.selected_fields:
        pending.extend(field.selections)
    while pending:
        selection = pending.pop()
        if isinstance(selection, SelectedField):
            if selection.name == name:
                return True
        elif isinstance(selection, FragmentSpread | InlineFragment):
            pending.extend(selection.selections)
    return False
