"""Accent- and case-insensitive word-prefix search on a name column."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, Text, func, literal, literal_column, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import InstrumentedAttribute


def words_match(name: InstrumentedAttribute[str], words: Sequence[str]) -> ColumnElement[bool]:
    """Every word must start a word of ``name``, accents and case ignored.

    The document is the same expression as the GIN indexes on names (migrations 0001, 0003),
    so the index answers the search.
    """
    word = func.unnest(literal(list(words), ARRAY(Text))).column_valued("w")
    query = func.to_tsquery(
        literal_column("'simple'"),
        func.array_to_string(
            select(func.array_agg(func.immutable_unaccent(word) + ":*")).scalar_subquery(), " & "
        ),
    )
    document = func.to_tsvector(literal_column("'simple'"), func.immutable_unaccent(name))
    return document.bool_op("@@")(query)
