"""The `search` argument of the lists that can be searched by name (units, persons)."""

from __future__ import annotations

import re
import unicodedata

from schema.errors import ClientError

MAX_SEARCH_LENGTH = 200


def search_words(search: str | None) -> tuple[str, ...]:
    """Split a search into words; each must start a word of the name, accents ignored."""
    if search is None:
        return ()
    if len(search) > MAX_SEARCH_LENGTH:
        raise ClientError(
            "BAD_ARGUMENTS",
            vi=f"`search` dài quá {MAX_SEARCH_LENGTH} ký tự",
            en=f"`search` is longer than {MAX_SEARCH_LENGTH} characters",
        )
    return tuple(re.findall(r"\w+", unicodedata.normalize("NFC", search)))
