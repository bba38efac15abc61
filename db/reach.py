"""Turn the reaches of a principal's grants into a SQL predicate on a unit path."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, Text, and_, any_, cast, false, func, literal, or_
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import InstrumentedAttribute

from db.base import LTree
from planning.access import Reach, Relation

PathColumn = ColumnElement[str] | InstrumentedAttribute[str]


def _relation_clause(path: PathColumn, granted: str, related: Relation) -> ColumnElement[bool]:
    granted_path = func.text2ltree(granted)
    below = path.bool_op("<@")(granted_path)
    depth = func.nlevel(path) - func.nlevel(granted_path)
    if related is Relation.SELF:
        return path.bool_op("=")(granted_path)
    if related is Relation.CHILD:
        return and_(below, depth == 1)
    if related is Relation.DESCENDANT:
        return and_(below, depth > 1)
    return false()  # OUTSIDE is never granted: scopes reach down, not across


def within(path: PathColumn, reaches: Sequence[Reach]) -> ColumnElement[bool]:
    """True for rows whose unit ``path`` some reach covers; false when there are none.

    The predecessor subtrees read through lineage make one predicate over all their roots
    (``path <@ ANY(roots)``: a bitmap of one GiST lookup per root).
    """
    clauses: list[ColumnElement[bool]] = []
    roots = sorted({root for reach in reaches for root in reach.inherited})
    if roots:
        clauses.append(path.bool_op("<@")(any_(cast(literal(roots, ARRAY(Text)), ARRAY(LTree)))))
    for reach in reaches:
        granted = func.text2ltree(reach.path)
        if reach.relations >= {Relation.SELF, Relation.CHILD, Relation.DESCENDANT}:
            clauses.append(path.bool_op("<@")(granted))  # the whole subtree: one GiST lookup
        else:
            clauses.extend(_relation_clause(path, reach.path, r) for r in sorted(reach.relations))
    return or_(false(), *clauses)
