"""Who is calling: the bearer token of a request, turned into a principal."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from api.responses import RequestRejected
from api.settings import Settings
from db import Session, access as access_db, rls
from db.access_cache import PrincipalCache
from planning.access import PasswordRules, Principal
from policies import Policy
from schema.access.credentials import Credentials, InvalidToken
from schema.access.services import AccessServices
from schema.errors import ClientError

COMMON_PASSWORDS = Path(__file__).resolve().parent.parent / "data/security/common-passwords.txt"


def build_access(settings: Settings) -> AccessServices:
    """The access services of a process, from its settings and the shipped policy files."""
    lines = COMMON_PASSWORDS.read_text(encoding="utf-8").splitlines()
    return AccessServices(
        policy=Policy.from_files(),
        credentials=Credentials(
            secret=settings.secret,
            access_ttl=settings.access_ttl,
            refresh_ttl=settings.refresh_ttl,
        ),
        throttle=settings.throttle,
        passwords=PasswordRules(),
        common_passwords=frozenset(
            line.strip().casefold() for line in lines if line.strip() and not line.startswith("#")
        ),
    )


def _invalid_token() -> RequestRejected:
    return RequestRejected(401, ClientError("INVALID_TOKEN"))


async def authenticate(
    authorization: str | None,
    *,
    session: Session,
    access: AccessServices,
    cache: PrincipalCache,
    now: datetime,
) -> Principal | None:
    """The caller of a request; None when no credentials were sent.

    :raises RequestRejected: 401 for credentials that were sent but are not valid now
    """
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise _invalid_token()
    token = token.strip()
    if token.startswith("qh_"):
        parsed = access.credentials.parse_api_key(token)
        if parsed is None:
            raise _invalid_token()
        key_id, secret_hash = parsed
        # Authentication comes before any scope: these two reads alone cross it (db/rls.py).
        principal = await rls.across(rls.AUTHENTICATION, access_db.principal_of_api_key)(
            session, key_id=key_id, secret_hash=secret_hash, now=now
        )
    else:
        try:
            claims = access.credentials.read_access_token(token, now=now)
        except InvalidToken:
            raise _invalid_token() from None
        # The session must be live: it ends (logout, a reused refresh token, deactivation, a
        # password reset) before the token expires. Checked in the process's cache, which
        # every process drops on the notification of the end: no query per request.
        principal = await cache.in_session(
            claims.user_id,
            claims.session_id,
            lambda user_id: rls.across(rls.AUTHENTICATION, access_db.account_of_user)(
                session, user_id=user_id, now=now
            ),
        )
    if principal is None:  # a revoked or expired key, a deactivated user, an ended session
        raise _invalid_token()
    return principal
