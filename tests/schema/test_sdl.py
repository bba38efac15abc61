"""The committed schema.graphql is the public contract: it must match the code."""

from __future__ import annotations

from pathlib import Path

from schema.root import schema

SDL = Path(__file__).resolve().parents[2] / "schema.graphql"


def test_committed_sdl_matches_the_code() -> None:
    printed = schema.as_str() + "\n"

    assert SDL.read_text(encoding="utf-8") == printed, (
        "schema.graphql is out of date: run `make schema` and review the diff"
    )
