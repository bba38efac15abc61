"""What ``quyhoach documents add`` reads: a client build's GraphQL documents, checked.

Three forms, told apart by the file:

- a ``.graphql`` (or ``.gql``) file: its whole text is one document;
- a JSON map ``{"key": "document text", …}``, the persisted-documents manifest of
  graphql-codegen's client preset (``persisted-documents.json``) and of Relay: a key that is
  a SHA-256 (``sha256:…`` or 64 hex digits) must be the hash of its text, for it is the id the
  client will send; any other key (a name, an MD5 or SHA-1 id) is only a label, and the client
  must send the ``sha256:`` id printed for it;
- Apollo's ``generate-persisted-query-manifest`` output, ``{"format":
  "apollo-persisted-query-manifest", "version": 1, "operations": [{"id", "body", …}]}``, whose
  ids are the SHA-256 of the body (Apollo Client sends them as
  ``extensions.persistedQuery.sha256Hash``).

Every document is parsed and validated against the schema this server serves; one problem in
any of them refuses the whole registration, so that a build registers all of its documents or
none.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from graphql import GraphQLError, GraphQLSchema, OperationDefinitionNode, parse, validate

from api.trusted_documents import PREFIX, document_id
from db.trusted_documents import NewDocument

APOLLO_FORMAT = "apollo-persisted-query-manifest"
_SHA256 = re.compile(r"(?:sha256:)?([0-9a-f]{64})")


@dataclass(frozen=True, slots=True)
class Found:
    """One document of a file, where it came from (``file`` or ``file:key``)."""

    where: str
    document: NewDocument


class DocumentsRefused(Exception):
    """Problems of the files given, one line each: nothing is registered."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = list(problems)


def _texts(path: Path) -> Iterator[tuple[str, str, str | None]]:
    """(where, text, the id the file gives it or None) of every document of ``path``."""
    raw = path.read_text(encoding="utf-8")
    if path.suffix.lower() != ".json":
        yield str(path), raw, None
        return
    try:
        manifest = json.loads(raw)
    except ValueError as error:
        raise DocumentsRefused([f"{path}: not JSON ({error})"]) from None
    if isinstance(manifest, dict) and manifest.get("format") == APOLLO_FORMAT:
        operations = manifest.get("operations")
        if manifest.get("version") != 1 or not isinstance(operations, list):
            raise DocumentsRefused([f"{path}: an {APOLLO_FORMAT} of version 1 has `operations`"])
        for index, operation in enumerate(operations):
            where = f"{path}:operations[{index}]"
            body = operation.get("body") if isinstance(operation, dict) else None
            if not isinstance(body, str):
                raise DocumentsRefused([f"{where}: no `body` text"])
            given = operation.get("id")
            yield where, body, _as_id(given if isinstance(given, str) else "")
        return
    if not isinstance(manifest, dict) or not all(isinstance(v, str) for v in manifest.values()):
        raise DocumentsRefused(
            [f"{path}: expected a map of id or name to document text, or an {APOLLO_FORMAT}"]
        )
    for key, text in manifest.items():
        yield f"{path}:{key}", text, _as_id(key) if _SHA256.fullmatch(key) else None


def _as_id(given: str) -> str:
    """A SHA-256 as the client gives it (with or without ``sha256:``) as our ids spell it."""
    hashed = _SHA256.fullmatch(given)
    return PREFIX + hashed.group(1) if hashed else given


def _problems(schema: GraphQLSchema, text: str) -> tuple[list[str], tuple[str, ...]]:
    """What is wrong with ``text`` against ``schema``, and the names of its operations."""
    try:
        document = parse(text)
    except GraphQLError as error:
        return [error.message], ()
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    names = tuple(o.name.value for o in operations if o.name is not None)
    problems = [error.message for error in validate(schema, document)]
    if not operations:
        problems.append("no operation (a document of fragments only cannot be run)")
    return problems, names


def read(paths: Sequence[Path], schema: GraphQLSchema) -> list[Found]:
    """Every document of ``paths``, checked; raises DocumentsRefused with all the problems."""
    found: list[Found] = []
    problems: list[str] = []
    for path in paths:
        try:
            texts = list(_texts(path))
        except OSError as error:
            problems.append(f"{path}: {error.strerror or error}")
            continue
        except UnicodeDecodeError:
            problems.append(f"{path}: not UTF-8 text")
            continue
        except DocumentsRefused as refused:
            problems.extend(refused.problems)
            continue
        for where, text, given in texts:
            computed = document_id(text)
            if given is not None and given != computed:
                problems.append(
                    f"{where}: the id {given!r} is not the SHA-256 of the text ({computed});"
                    " the client would send an id this server cannot know"
                )
                continue
            wrong, names = _problems(schema, text)
            problems.extend(f"{where}: {message}" for message in wrong)
            if not wrong:
                found.append(Found(where, NewDocument(computed, text, names)))
    if problems:
        raise DocumentsRefused(problems)
    return found
