"""Positions (chức danh): the body a title belongs to, and which titles head a unit."""

from __future__ import annotations

from enum import StrEnum


class PositionBody(StrEnum):
    """The body a title belongs to; state posts have an age reference month of their own."""

    PARTY = "PARTY"  # cấp ủy, đảng
    STATE = "STATE"  # HĐND, UBND
    FRONT = "FRONT"  # Mặt trận Tổ quốc, tổ chức chính trị - xã hội


# Heads of a unit for the non-local indicator: the party secretary and the committee chair.
HEAD_CODES = frozenset({"BI_THU", "CT_UBND"})
