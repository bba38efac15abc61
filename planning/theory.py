"""Political theory levels (trình độ lý luận chính trị), compared as levels, not as text."""

from __future__ import annotations

import unicodedata
from enum import StrEnum


class PoliticalTheory(StrEnum):
    """The levels of political theory training; ``rank`` orders them for E8 (DOMAIN §6.2)."""

    SO_CAP = "SO_CAP"  # sơ cấp
    TRUNG_CAP = "TRUNG_CAP"  # trung cấp
    CAO_CAP = "CAO_CAP"  # cao cấp
    CU_NHAN = "CU_NHAN"  # cử nhân: counts as cao cấp (HD 45 II.5.1)

    @property
    def rank(self) -> int:
        return _RANKS[self]

    def meets(self, required: PoliticalTheory) -> bool:
        return self.rank >= required.rank


_RANKS = {
    PoliticalTheory.SO_CAP: 1,
    PoliticalTheory.TRUNG_CAP: 2,
    PoliticalTheory.CAO_CAP: 3,
    PoliticalTheory.CU_NHAN: 3,
}


def _folded(text: str) -> str:
    """Lower case, without diacritics (đ as d), spaces and underscores squeezed to one."""
    decomposed = unicodedata.normalize("NFD", text.strip().lower().replace("đ", "d"))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.replace("_", " ").split())


_BY_FOLDED = {_folded(level.value): level for level in PoliticalTheory} | {
    "so cap": PoliticalTheory.SO_CAP,
    "trung cap": PoliticalTheory.TRUNG_CAP,
    "cao cap": PoliticalTheory.CAO_CAP,
    "cu nhan": PoliticalTheory.CU_NHAN,
}


def theory_level(text: str) -> PoliticalTheory | None:
    """The level a recorded text names, whatever its case and diacritics (``trung cấp``,
    ``Trung cap``, ``TRUNG_CAP``); None when it names none. The import of old records and
    migration 0015 read free text through the same folding."""
    return _BY_FOLDED.get(_folded(text))


def at_least(required: PoliticalTheory) -> frozenset[PoliticalTheory]:
    """The levels that meet ``required`` (``TRUNG_CAP``: trung cấp, cao cấp, cử nhân)."""
    return frozenset(level for level in PoliticalTheory if level.meets(required))
