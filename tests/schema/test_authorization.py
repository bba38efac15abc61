"""Every root field is authorized: it carries a permission, or it is explicitly public."""

from __future__ import annotations

from strawberry.permission import PermissionExtension
from strawberry.types import get_object_definition

from schema.permissions import PUBLIC_FIELDS
from schema.root import Mutation, Query, schema

graphql_name = schema.config.name_converter.from_field


def test_every_query_and_mutation_field_has_an_authorization_path() -> None:
    unguarded = []
    for root in (Query, Mutation):
        definition = get_object_definition(root, strict=True)
        for field in definition.fields:
            name = graphql_name(field)
            guarded = any(isinstance(e, PermissionExtension) for e in field.extensions)
            if not guarded and name not in PUBLIC_FIELDS:
                unguarded.append(f"{root.__name__}.{name}")

    assert unguarded == []


def test_the_public_fields_exist() -> None:
    names = {
        graphql_name(f)
        for root in (Query, Mutation)
        for f in get_object_definition(root, strict=True).fields
    }

    assert names >= PUBLIC_FIELDS
