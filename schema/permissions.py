"""Field permissions: who may call a root field at all. Object checks happen in resolvers.

Every root field carries one of these or is listed in ``PUBLIC_FIELDS``; a test walks the
schema and fails on a field with neither.
"""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.extensions.field_extension import FieldExtension
from strawberry.permission import BasePermission, PermissionExtension

from schema.context import Context
from schema.errors import ClientError

# Fields anyone may call: logging in needs no login.
PUBLIC_FIELDS = frozenset({"login", "refreshToken", "logout"})


class LoggedIn(BasePermission):
    """An official's login or an integrator's API key."""

    def has_permission(
        self, source: Any, info: strawberry.Info[Context, None], **kwargs: Any
    ) -> bool:
        return info.context.principal is not None

    def on_unauthorized(self) -> None:
        raise ClientError("UNAUTHENTICATED")


class Official(BasePermission):
    """An official's login: API keys (integrators) never reach personal data or accounts."""

    def has_permission(
        self, source: Any, info: strawberry.Info[Context, None], **kwargs: Any
    ) -> bool:
        principal = info.context.principal
        return principal is not None and principal.is_official

    def on_unauthorized(self) -> None:
        raise ClientError("OFFICIALS_ONLY")


def logged_in() -> list[FieldExtension]:
    return [PermissionExtension(permissions=[LoggedIn()])]


def official() -> list[FieldExtension]:
    return [PermissionExtension(permissions=[LoggedIn(), Official()])]
