"""How long a text argument may be, and which characters no text may hold, declared in the SDL.

Every text argument and input field (``String``, ``ID``, ``Date``, ``DateTime``) carries
``@maxLength(chars: n)`` in schema.graphql, so a client tool reads the limit where it reads the
type. The limit is the ceiling the server accepts at all; a field's own rule may be stricter and
answers with its own code (a username has 3–64 characters: ``BAD_USERNAME``).
schema/input_guard.py enforces both the ceilings and the characters before any resolver runs.

The ceilings exist because PostgreSQL refuses an index row over ≈2.7 KB (an idempotency key is
part of a primary key) and because a free-text field without one stores whatever a client
sends (a 300 KB ``education`` was accepted). The characters are those PostgreSQL ``text`` cannot
hold (NUL), those UTF-8 cannot encode (a lone UTF-16 surrogate, which JSON can carry as
``"\\ud800"``), and those XML 1.0 cannot hold (other C0 controls, U+FFFE, U+FFFF), since every
stored text may end up in an xlsx export.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import strawberry
from graphql import (
    GraphQLArgument,
    GraphQLInputField,
    GraphQLInputObjectType,
    GraphQLObjectType,
    GraphQLSchema,
    get_named_type,
)
from strawberry.schema_directive import Location

from planning.access import PasswordRules
from schema.search import MAX_SEARCH_LENGTH

__all__ = [
    "MaxLength",
    "declare_text_limits",
    "max_length",
    "unstorable_character",
]

# The scalars whose values are text, and the ceiling of a field that is not named below. Short
# codes, ids, cursors, names and keys take 200; a date or a moment in ISO 8601 far less (their
# own parsing then refuses what is not one). Int, Float, Boolean and enums carry no text.
DEFAULT_MAX_LENGTHS: Mapping[str, int] = {"String": 200, "ID": 200, "Date": 32, "DateTime": 64}

# Fields whose domain needs more room (free text), or whose rule is known exactly. A name here
# applies to every argument or input field of that name, on every type.
MAX_LENGTHS: Mapping[str, int] = {
    # Free text a person writes: a reason, an appraisal report, a record's description.
    "reason": 2_000,
    "report": 20_000,
    "education": 1_000,
    "currentPosition": 500,
    "civilServiceGrade": 100,
    "ethnicity": 100,
    "fullName": 200,
    "decisionNumber": 100,
    # A password is hashed whole: its rule's own ceiling (planning/access.py).
    "password": PasswordRules().max_length,
    "newPassword": PasswordRules().max_length,
    "search": MAX_SEARCH_LENGTH,
    # A retry key is part of a primary key: far below PostgreSQL's index row limit.
    "idempotencyKey": 200,
    # Whole unit lists and lineage files, bounded in practice by the request body limit.
    "unitsCsv": 2_000_000,
    "lineageCsv": 2_000_000,
}

# NUL; C0 controls but tab, line feed and carriage return; lone surrogates; U+FFFE and U+FFFF.
_UNSTORABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@strawberry.schema_directive(
    locations=[Location.ARGUMENT_DEFINITION, Location.INPUT_FIELD_DEFINITION],
    name="maxLength",
    description="The most characters (Unicode code points) this text may have; a longer one "
    "is refused with BAD_USER_INPUT before anything runs. No text may hold NUL, other control "
    "characters than tab, line feed and carriage return, lone UTF-16 surrogates, U+FFFE or "
    "U+FFFF.",
)
class MaxLength:
    chars: int


def unstorable_character(value: str) -> str | None:
    """The first character of ``value`` no stored text may hold, as ``U+0000``; else None."""
    found = _UNSTORABLE.search(value)
    return f"U+{ord(found.group()):04X}" if found else None


def max_length(definition: GraphQLArgument | GraphQLInputField) -> int | None:
    """The declared ceiling of a text argument or input field; None if it holds no text."""
    strawberry_definition = definition.extensions.get("strawberry-definition")
    for directive in getattr(strawberry_definition, "directives", None) or ():
        if isinstance(directive, MaxLength):
            return directive.chars
    return None


def _declare(definition: GraphQLArgument | GraphQLInputField, name: str) -> None:
    scalar = get_named_type(definition.type).name
    if scalar not in DEFAULT_MAX_LENGTHS:
        return
    strawberry_definition = definition.extensions.get("strawberry-definition")
    if strawberry_definition is None or max_length(definition) is not None:
        return  # declared in the code already (or built twice): the code's word stands
    limit = MAX_LENGTHS.get(name, DEFAULT_MAX_LENGTHS[scalar])
    strawberry_definition.directives = [*strawberry_definition.directives, MaxLength(chars=limit)]


def declare_text_limits(schema: GraphQLSchema) -> None:
    """Give every text argument and input field of ``schema`` its ``@maxLength``.

    Done once, on the built schema, so that no resolver can forget one; a field that declares
    its own (``strawberry.argument(directives=[MaxLength(chars=…)])``) keeps it.
    """
    for named in schema.type_map.values():
        if named.name.startswith("__"):
            continue
        if isinstance(named, GraphQLObjectType):
            for field in named.fields.values():
                for arg_name, argument in field.args.items():
                    _declare(argument, arg_name)
        elif isinstance(named, GraphQLInputObjectType):
            for field_name, input_field in named.fields.items():
                _declare(input_field, field_name)
