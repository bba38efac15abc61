"""Secrets on the wire: password hashes, access tokens, refresh tokens, API key secrets.

Access tokens are short-lived JWTs (HS256, checked with an explicit algorithm list, so a token
claiming ``alg: none`` or another algorithm is refused). Refresh tokens and API key secrets are
random strings of which only a SHA-256 hash is stored: they carry 256 bits of entropy, so a
fast hash is enough, unlike passwords, which get argon2id.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_API_KEY = re.compile(r"qh_(\d{1,18})_([A-Za-z0-9_-]{43})")
# A hash to verify against when the username is unknown, so that the answer takes as long
# as for a known user and does not reveal which usernames exist.
_DUMMY_PASSWORD = "not-a-real-password-only-for-timing"


@dataclass(frozen=True, slots=True)
class AccessClaims:
    user_id: int
    session_id: uuid.UUID  # the login session (refresh-token family) the token was issued in
    expires_at: datetime


class InvalidToken(Exception):
    """The bearer token is malformed, tampered with, expired, or of the wrong kind."""


_VERIFIED_TOKENS = 10_000


class Credentials:
    def __init__(
        self,
        *,
        secret: str,
        access_ttl: timedelta,
        refresh_ttl: timedelta,
        hasher: PasswordHasher | None = None,
    ) -> None:
        self._secret = secret
        # Tokens whose signature was verified, with what they claim: a client sends the same
        # token with every request until it expires, and checking its HMAC again was a twentieth
        # of a small request. Expiry is still checked per request, and sessions by the caller.
        self._verified: dict[str, AccessClaims] = {}
        self.access_ttl = access_ttl
        self.refresh_ttl = refresh_ttl
        self._hasher = hasher or PasswordHasher()  # argon2id, t=3, m=64 MiB, p=4
        self._dummy_hash = self._hasher.hash(_DUMMY_PASSWORD)

    async def hash_password(self, password: str) -> str:
        # About 150 ms of CPU: off the event loop, so other requests keep flowing.
        return await asyncio.to_thread(self._hasher.hash, password)

    async def verify_password(self, stored_hash: str | None, password: str) -> bool:
        def verify() -> bool:
            try:
                return self._hasher.verify(stored_hash or self._dummy_hash, password)
            except (VerificationError, InvalidHashError):
                return False

        return await asyncio.to_thread(verify) and stored_hash is not None

    def access_token(
        self, *, user_id: int, session_id: uuid.UUID, now: datetime
    ) -> tuple[str, datetime]:
        """A token of ``user_id`` in the login session ``session_id`` (its ``sid`` claim): it
        works while that session is live, and stops when the session ends, not at ``exp``."""
        expires_at = now + self.access_ttl
        claims = {
            "sub": str(user_id),
            "sid": str(session_id),
            "typ": "access",
            "iat": now,
            "exp": expires_at,
        }
        return jwt.encode(claims, self._secret, algorithm="HS256"), expires_at

    def read_access_token(self, token: str, *, now: datetime) -> AccessClaims:
        """:raises InvalidToken: for anything but a valid, unexpired access token of ours"""
        claimed = self._verified.get(token)
        if claimed is None:
            claimed = self._verify(token, now=now)
            if len(self._verified) >= _VERIFIED_TOKENS:
                self._verified.clear()  # bounded; refilled by the next requests
            self._verified[token] = claimed
        # Expiry is checked against the request's clock, the one every rule uses.
        if claimed.expires_at <= now:
            raise InvalidToken("expired")
        return claimed

    def _verify(self, token: str, *, now: datetime) -> AccessClaims:
        try:
            claims = jwt.decode(
                token,
                self._secret,
                algorithms=["HS256"],
                # Times are the request's clock's, checked below; PyJWT's own would refuse a
                # token another host issued a moment "in the future" of this one's clock.
                options={
                    "require": ["sub", "sid", "exp", "typ"],
                    "verify_exp": False,
                    "verify_iat": False,
                },
            )
            subject = int(claims["sub"])
            session_id = uuid.UUID(str(claims["sid"]))
            expires_at = datetime.fromtimestamp(int(claims["exp"]), tz=now.tzinfo)
        except (jwt.PyJWTError, ValueError, TypeError, OverflowError) as error:
            raise InvalidToken(type(error).__name__) from None
        if claims["typ"] != "access":
            raise InvalidToken("not an access token")
        return AccessClaims(user_id=subject, session_id=session_id, expires_at=expires_at)

    @staticmethod
    def new_refresh_token() -> tuple[str, bytes]:
        token = secrets.token_urlsafe(32)
        return token, hash_secret(token)

    @staticmethod
    def hash_refresh_token(token: str) -> bytes:
        return hash_secret(token)

    @staticmethod
    def new_api_key_secret(key_id: int) -> tuple[str, bytes]:
        random_part = secrets.token_urlsafe(32)
        return f"qh_{key_id}_{random_part}", hash_secret(random_part)

    @staticmethod
    def parse_api_key(value: str) -> tuple[int, bytes] | None:
        """Split an API key into (key id, hash of its secret), or None if it is not one."""
        match = _API_KEY.fullmatch(value)
        if match is None:
            return None
        return int(match.group(1)), hash_secret(match.group(2))


def hash_secret(value: str) -> bytes:
    return hashlib.sha256(value.encode()).digest()
