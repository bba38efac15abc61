"""Authorization: the Casbin model and role permissions. The only package that imports casbin.

Casbin answers the role question (may a holder of ROLE do ACT on OBJ at a target in RELATION
to the granted unit?) from ``model.conf`` and ``policy.csv``. The answers are few (roles x
permissions x relations), so they are computed once when a ``Policy`` is built; a check is
then a dictionary lookup per grant. Lists are filtered with the same answers turned into path
predicates (``reaches``), so "may I see this one?" and "which may I see?" cannot disagree.
Both apply scope through lineage the same way (``planning.access.reads_through_lineage``): a
grant that reads its whole subtree also reads its unit's inherited predecessor subtrees.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import casbin

from planning.access import (
    Principal,
    Reach,
    Relation,
    Role,
    Scope,
    covers,
    inherited_covers,
    reads_through_lineage,
    relation,
)

HERE = Path(__file__).resolve().parent
Permission = tuple[str, str]  # (resource, action)


class Policy:
    """The role permissions of ``policy.csv``, decided by Casbin once and then looked up."""

    def __init__(self, enforcer: casbin.Enforcer) -> None:
        enforcer.add_function("covers", lambda scope, rel: covers(Scope(scope), Relation(rel)))
        self.permissions: tuple[Permission, ...] = tuple(
            sorted({(obj, act) for _, obj, act, _ in enforcer.get_policy()})
        )
        self._allowed: dict[tuple[Role, str, str], frozenset[Relation]] = {
            (role, obj, act): frozenset(
                rel for rel in Relation if enforcer.enforce(role.value, obj, act, rel.value)
            )
            for role in Role
            for obj, act in self.permissions
        }

    @classmethod
    def from_files(
        cls, model: Path = HERE / "model.conf", policy: Path = HERE / "policy.csv"
    ) -> Policy:
        return cls(casbin.Enforcer(str(model), str(policy)))

    def relations(self, role: Role, resource: str, action: str) -> frozenset[Relation]:
        """Where a holder of ``role`` may do ``action`` on ``resource``, relative to its unit."""
        return self._allowed.get((role, resource, action), frozenset())

    def allows(
        self,
        principal: Principal | None,
        action: str,
        resource: str,
        path: str,
        *,
        reading: bool = False,
    ) -> bool:
        """Whether any grant of ``principal`` allows ``action`` on ``resource`` at unit ``path``
        (``reading``: the permission only gates a read, which follows lineage)."""
        if principal is None:
            return False
        for grant in principal.grants:
            allowed = self.relations(grant.role, resource, action)
            if relation(granted=grant.unit_path, target=path) in allowed:
                return True
            if reads_through_lineage(action, allowed, reading=reading) and inherited_covers(
                grant.inherited, path
            ):
                return True
        return False

    def reaches(
        self, principal: Principal | None, action: str, resource: str, *, reading: bool = False
    ) -> list[Reach]:
        """The units ``principal`` may do ``action`` on, as path predicates for SQL
        (``reading``: as ``allows``)."""
        if principal is None:
            return []
        found = []
        for grant in principal.grants:
            allowed = self.relations(grant.role, resource, action)
            if allowed:
                widened = reads_through_lineage(action, allowed, reading=reading)
                inherited = grant.inherited if widened else ()
                found.append(Reach(path=grant.unit_path, relations=allowed, inherited=inherited))
        return found

    def granted_permissions(self, role: Role) -> Iterable[tuple[str, str, Scope]]:
        """The (resource, action, scope) a role allows, for clients to show (`viewer`)."""
        for obj, act in self.permissions:
            allowed = self.relations(role, obj, act)
            for scope in Scope:
                if allowed and allowed == frozenset(r for r in Relation if covers(scope, r)):
                    yield obj, act, scope
