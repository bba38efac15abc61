"""Trusted documents (persisted operations): a client sends the id of a registered document.

The id is ``sha256:`` and the lower-case hex SHA-256 of the document's exact UTF-8 text (the
GraphQL-over-HTTP "persisted documents" appendix). Documents are registered at the client's
build (``quyhoach documents add``), never by a request: that is what makes them trusted, and
what lets ``QUYHOACH_TRUSTED_DOCUMENTS=only`` refuse every other text.

A request names its document by ``documentId`` (POST body or GET parameter), or in the shape
of Apollo's automatic persisted queries, ``extensions.persistedQuery.sha256Hash``, looked up
the same way (registered documents only: an APQ client's text is never stored). What comes
out is the document's text, and the request goes on as if the client had sent it.

Ids are their content, so a hit is cached for the life of the process and costs no query after
its first use. A miss is remembered only for ``MISS_SECONDS``: a document registered while the
server runs becomes usable that soon, without a listener connection per process (a short
negative cache is enough: a miss is rare in steady state, a stale or hostile client at most).
"""

from __future__ import annotations

import hashlib
import re
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping

from api.responses import RequestRejected
from api.settings import TrustedDocumentsMode
from db import Session, trusted_documents as documents_db
from planning.problems import problem
from schema.errors import ClientError

PREFIX = "sha256:"
_DOCUMENT_ID = re.compile(r"sha256:[0-9a-f]{64}")
_SHA256_HEX = re.compile(r"[0-9a-f]{64}")
# How long an unknown id is answered from memory; registering takes effect within it.
MISS_SECONDS = 5.0
# Misses remembered at most: clients choose the ids, so the memory of them is bounded.
MAX_MISSES = 10_000


def document_id(text: str) -> str:
    """The id of the document ``text``: the SHA-256 of its exact UTF-8 bytes."""
    return PREFIX + hashlib.sha256(text.encode("utf-8")).hexdigest()


def _refused(code: str, **values: object) -> RequestRejected:
    return RequestRejected(400, ClientError(code, **values))


def names_a_document(params: Mapping[str, object]) -> bool:
    """Whether request parameters may name a document by id (Apollo's in `extensions`)."""
    return "documentId" in params or "extensions" in params


def requested_id(data: Mapping[str, object]) -> str | None:
    """The document id a request names, checked for its form; None if it names none."""
    given = data.get("documentId")
    if given is not None and not (isinstance(given, str) and _DOCUMENT_ID.fullmatch(given)):
        raise _refused("INVALID_DOCUMENT_ID", detail=problem("DOCUMENT_ID_FORM", "documentId"))
    extensions = data.get("extensions")
    apq = extensions.get("persistedQuery") if isinstance(extensions, dict) else None
    if apq is None:
        return given
    sha = apq.get("sha256Hash") if isinstance(apq, dict) else None
    if not (isinstance(sha, str) and _SHA256_HEX.fullmatch(sha)):
        detail = problem("PERSISTED_QUERY_HASH_FORM", "extensions.persistedQuery.sha256Hash")
        raise _refused("INVALID_DOCUMENT_ID", detail=detail)
    if given is not None and given != PREFIX + sha:
        raise _refused("DOCUMENT_ID_MISMATCH")
    return PREFIX + sha


class TrustedDocuments:
    """The registered documents as the server reads them, behind a process cache."""

    def __init__(
        self,
        mode: TrustedDocumentsMode,
        *,
        miss_seconds: float = MISS_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.mode = mode
        self.miss_seconds = miss_seconds
        self.clock = clock
        self._known: dict[str, str] = {}
        self._missed: OrderedDict[str, float] = OrderedDict()  # id -> when to ask again

    async def body(self, session: Session, document: str) -> str | None:
        """The text registered under the id ``document``, or None."""
        known = self._known.get(document)
        if known is not None:
            return known
        retry_at = self._missed.get(document)
        if retry_at is not None and self.clock() < retry_at:
            return None
        found = (await documents_db.bodies(session, [document])).get(document)
        if found is None:
            self._missed.pop(document, None)
            self._missed[document] = self.clock() + self.miss_seconds
            if len(self._missed) > MAX_MISSES:
                self._missed.popitem(last=False)
            return None
        self._missed.pop(document, None)
        self._known[document] = found
        return found

    async def query_of(self, data: Mapping[str, object], session: Session) -> object:
        """The document the request ``data`` runs: its ``query`` as given, or the text of the
        document it names. Refuses (RequestRejected) what the mode does not allow."""
        query = data.get("query")
        text = query if isinstance(query, str) and query.strip() else None
        document = requested_id(data)
        if document is None:
            if (
                self.mode == "only"
                and text is not None
                and await self.body(session, document_id(text)) is None
            ):
                raise _refused("TRUSTED_DOCUMENTS_ONLY")
            return query
        if self.mode == "off":
            # As Apollo answers: a 200 an APQ client reads as "send the text instead".
            raise RequestRejected(200, ClientError("PERSISTED_QUERY_NOT_SUPPORTED"))
        if text is not None:
            # Both sent (an APQ client after a miss): they must agree, and the text counts as
            # text, registered or not as the mode requires.
            if document_id(text) != document:
                raise _refused("DOCUMENT_ID_MISMATCH")
            if self.mode == "only" and await self.body(session, document) is None:
                raise _refused("TRUSTED_DOCUMENTS_ONLY")
            return text
        found = await self.body(session, document)
        if found is None:
            # 200, as Apollo Server answers it: Apollo Client's persisted-query link then
            # retries with the text (allowed mode), where a 4xx made older ones stop using ids.
            raise RequestRejected(200, ClientError("PERSISTED_QUERY_NOT_FOUND", id=document))
        return found
