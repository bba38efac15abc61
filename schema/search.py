"""The `search` argument of the lists that can be searched by name (units, persons)."""

from __future__ import annotations

import re
import unicodedata

from planning.problems import problem
from schema.errors import ClientError

MAX_SEARCH_LENGTH = 200


def search_words(search: str | None) -> tuple[str, ...]:
    """Split a search into words; each must start a word of the name, accents ignored."""
    if search is None:
        return ()
    if len(search) > MAX_SEARCH_LENGTH:
        raise ClientError(
            "BAD_ARGUMENTS", reason=problem("SEARCH_TOO_LONG", "search", most=MAX_SEARCH_LENGTH)
        )
    return tuple(re.findall(r"\w+", unicodedata.normalize("NFC", search)))
