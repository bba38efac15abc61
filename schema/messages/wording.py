"""The two languages of the catalogue, and one message in both."""

from __future__ import annotations

import string
from dataclasses import dataclass
from enum import StrEnum


class Language(StrEnum):
    VI = "vi"
    EN = "en"

    @classmethod
    def from_accept_language(cls, header: str | None) -> Language:
        """Pick the first supported language of an Accept-Language header; Vietnamese by default."""
        for part in (header or "").split(","):
            tag = part.split(";")[0].strip().lower()
            for language in cls:
                if tag == language or tag.startswith(f"{language}-"):
                    return language
        return cls.VI


@dataclass(frozen=True, slots=True)
class Message:
    """A ``str.format`` template in Vietnamese and in English, with the same placeholders."""

    vi: str
    en: str

    def template(self, language: Language) -> str:
        return self.vi if language is Language.VI else self.en


def placeholders(template: str) -> frozenset[str]:
    """The names a template formats: ``"{id!r} of {expected}"`` → ``{"id", "expected"}``."""
    return frozenset(name for _, name, _, _ in string.Formatter().parse(template) if name)
