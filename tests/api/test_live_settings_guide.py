"""docs/operators.md gives every live-update setting (QUYHOACH_WS_*) with the default it has."""

from __future__ import annotations

import re
from dataclasses import fields
from pathlib import Path

from api.settings import Settings

GUIDE = Path(__file__).resolve().parents[2] / "docs/operators.md"
# A row of the configuration table: | `NAME`, `NAME` | `default`, `default` | meaning |
ROW = re.compile(r"^\| (`QUYHOACH_WS_[^|]*) \| ([^|]*) \|", re.M)


def documented() -> dict[str, str]:
    settings: dict[str, str] = {}
    for names, defaults in ROW.findall(GUIDE.read_text(encoding="utf-8")):
        named = re.findall(r"`(QUYHOACH_WS_\w+)`", names)
        settings.update(zip(named, re.findall(r"`(\d+)`", defaults), strict=True))
    return settings


def test_the_guide_gives_each_live_setting_with_its_default() -> None:
    live = [field.name for field in fields(Settings) if field.name.startswith("ws_")]

    assert documented() == {
        f"QUYHOACH_{name.upper()}": str(getattr(Settings(), name)) for name in live
    }


def test_each_live_setting_the_guide_names_is_read() -> None:
    read = Settings.from_environ(dict.fromkeys(documented(), "7"))

    assert {
        getattr(read, field.name) for field in fields(Settings) if field.name.startswith("ws_")
    } == {7}
