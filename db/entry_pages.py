"""A plan's entries as JSON composed by PostgreSQL (issue 14): one statement, no Python object
per row.

The page a client asks most (a plan's entries, each with its person and position) has a fixed
shape once its document is known. For a shape made only of plain columns, the statement builds
the answer itself (``json_agg`` of ``json_build_object``, the client's response keys, global
ids, the province's own seats and rank), so Python neither maps rows nor completes fields; the
text goes into the answer as it is. Row-level security holds inside the statement as in any
other (db/rls.py). Which GraphQL fields qualify, and how they are named, is the schema's
(schema/plans/shaped.py); the SQL of each column is here.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from db.reader import Reader

__all__ = ["ENTRY", "PERSON", "POSITION", "EntryShape", "shaped_entries"]


def _global_id(type_name: str, column: str) -> str:
    # schema.node.to_global_id in SQL: urlsafe base64 of "Type:id", padding kept.
    return (
        f"translate(encode(convert_to('{type_name}:' || {column}, 'UTF8'), 'base64'), '+/', '-_')"
    )


# The columns a shaped page may hold, by attribute of the GraphQL type that shows them.
ENTRY = {
    "id": _global_id("PlanEntry", "e.id"),
    "tier": "e.tier",
    "source": "e.source",
    "status": "e.status",
    "change": "e.change",
    "result_reason": "e.result_reason",
    "removal_reason": "e.removal_reason",
}
PERSON = {
    "id": _global_id("Person", "p.id"),
    "national_id": "p.national_id",
    "full_name": "p.full_name",
    "sex": "p.sex",
    "birth_year": "p.birth_year",
    "birth_month": "p.birth_month",
    "birth_day": "p.birth_day",
    "ethnicity": "p.ethnicity",
    "education": "p.education",
    "current_position": "p.current_position",
    "current_rank": "p.current_rank",
    "version": "p.version",
}
# As db.positions.effective_positions_in: the province's seats, and its rank where it set one.
POSITION = {
    "id": _global_id("Position", "q.id"),
    "code": "q.code",
    "title": "q.title",
    "body": "q.body",
    "rank": "coalesce(o.rank, q.rank)",
    "seats": "coalesce(o.seats, q.seats)",
    "committee_seat": "q.committee_seat",
    "managed_by": "q.managed_by",
}

Fields = tuple[tuple[str, str], ...]  # (response key, attribute), or (key, "__typename")


@dataclass(frozen=True, slots=True)
class EntryShape:
    """What a page holds: the entry's keys, and its person's and position's (key, fields)."""

    entry: Fields
    person: tuple[str, Fields] | None = None
    position: tuple[str, Fields] | None = None


def _object(fields: Fields, columns: dict[str, str], type_name: str) -> str:
    pairs = []
    for key, attribute in fields:
        value = f"'{type_name}'" if attribute == "__typename" else columns[attribute]
        pairs.append(f"'{key}', {value}")  # keys are GraphQL names: [_A-Za-z][_0-9A-Za-z]*
    return f"json_build_object({', '.join(pairs)})"


@functools.lru_cache(maxsize=256)
def _sql(shape: EntryShape) -> str:
    fields = [_object(shape.entry, ENTRY, "PlanEntry")[len("json_build_object(") : -1]]
    if shape.person is not None:
        key, person = shape.person
        fields.append(f"'{key}', {_object(person, PERSON, 'Person')}")
    if shape.position is not None:
        key, position = shape.position
        fields.append(f"'{key}', {_object(position, POSITION, 'Position')}")
    listed = ", ".join(f for f in fields if f)
    return (
        # Complete only if every entry's person and position could be read (row-level
        # security may hide a person): otherwise the caller reads the page the usual way.
        "SELECT bool_and(p.id IS NOT NULL AND q.id IS NOT NULL),"
        f" coalesce(json_agg(json_build_object({listed}) ORDER BY e.id), '[]'::json)::text"
        " FROM plan_entry e"
        " LEFT JOIN person p ON p.id = e.person_id"
        " LEFT JOIN position q ON q.id = e.position_id"
        " LEFT JOIN position_override o"
        "  ON o.position_id = e.position_id AND o.province_id = $2"
        " WHERE e.plan_id = $1"
    )


async def shaped_entries(
    reader: Reader, shape: EntryShape, *, plan_id: int, province_id: int | None
) -> str | None:
    """The entries of the plan as JSON text in ``shape``; None if one's person or position
    is out of the caller's sight (the usual reads then answer as they do)."""
    [(complete, page)] = await reader.fetch(_sql(shape), plan_id, province_id)
    return page if complete is not False else None
