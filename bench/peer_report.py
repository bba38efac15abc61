"""The peer comparison's pure parts: the kit's records, the tables, the README's section.

bench/peer.py runs the servers and the kit; nothing here starts a process.
"""

from __future__ import annotations

import base64
import contextlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BEGIN, END = "<!-- peer:begin -->", "<!-- peer:end -->"
HEADING = "## Side by side with PostGraphile v5"
QUERIES = {  # the kit's name -> what the table shows
    "unit_by_id": "one unit by id (6 fields)",
    "entries_page": "≈50 entries with person and position (nested)",
    "entries_by_gender": "approved entries by gender over a province",
}
BUSY_PERCENT = 10.0  # the kit: "above a few percent, something else is competing"


@dataclass(frozen=True, slots=True)
class Measured:
    """One line of the kit's ``run.sh --json``: one server, one query, one concurrency."""

    label: str
    connections: int
    rps: float
    p50_us: float
    p99_us: float
    requests: int
    errors: int
    server_cpu_us: float | None
    db_cpu_us: float | None
    bg_cpu: float | None


def parse_kit_output(stdout: str) -> list[Measured]:
    """The records of the kit's ``--json`` output; other lines (its notices) are skipped."""
    found = []
    for line in stdout.splitlines():
        if not line.startswith("{"):
            continue
        r = json.loads(line)
        found.append(
            Measured(
                r["label"],
                int(r["concurrency"]),
                float(r["rps"]),
                float(r["p50_us"]),
                float(r["p99_us"]),
                int(r["requests"]),
                int(r["errors"]),
                r.get("server_cpu_us"),
                r.get("db_cpu_us"),
                r.get("bg_cpu"),
            )
        )
    return found


@dataclass(frozen=True, slots=True)
class Pair:
    query: str
    left: Measured  # PostGraphile v5, or ours with one worker
    right: Measured  # ours, or ours with two workers


def ms(us: float | None) -> str:
    return "-" if us is None else f"{us / 1000:.2f} ms"


def _cell(m: Measured) -> str:
    return f"{m.rps:,.0f} · {ms(m.p50_us)} · {ms(m.p99_us)} · {ms(m.server_cpu_us)}"


def _ratio(num: float | None, den: float | None) -> str:
    return "-" if num is None or not den else f"{num / den:.2f}×"


def side_by_side_table(pairs: Sequence[Pair]) -> str:
    lines = [
        "| query | c | PostGraphile v5 rps · p50 · p99 · server CPU/req "
        "| quyhoach rps · p50 · p99 · server CPU/req | ratio rps ours/theirs "
        "| server CPU ours/theirs | DB CPU/req theirs · ours |",
        "|---|--:|---|---|--:|--:|---|",
    ]
    shown = ""
    for p in pairs:
        name = f" {QUERIES.get(p.query, p.query)} " if p.query != shown else " "  # once
        shown = p.query
        lines.append(
            f"|{name}| {p.left.connections} | {_cell(p.left)} | {_cell(p.right)} "
            f"| {_ratio(p.right.rps, p.left.rps)} "
            f"| {_ratio(p.right.server_cpu_us, p.left.server_cpu_us)} "
            f"| {ms(p.left.db_cpu_us)} · {ms(p.right.db_cpu_us)} |"
        )
    return "\n".join(lines)


def scaling_table(pairs: Sequence[Pair]) -> str:
    lines = [
        "| query | c | 1 worker rps · p50 · p99 · server CPU/req "
        "| 2 workers rps · p50 · p99 · server CPU/req | rps 2/1 |",
        "|---|--:|---|---|--:|",
    ]
    lines += [
        f"| {QUERIES.get(p.query, p.query)} | {p.left.connections} | {_cell(p.left)} "
        f"| {_cell(p.right)} | {_ratio(p.right.rps, p.left.rps)} |"
        for p in pairs
    ]
    return "\n".join(lines)


def tail_at_one(pairs: Sequence[Pair]) -> str:
    """p99 / p50 at one connection (the target: within 3× for every scenario)."""
    parts = [
        f"{p.query} {_ratio(p.right.p99_us, p.right.p50_us)} "
        f"(PostGraphile {_ratio(p.left.p99_us, p.left.p50_us)})"
        for p in pairs
        if p.left.connections == 1
    ]
    return "p99/p50 of quyhoach at c=1: " + ("; ".join(parts) if parts else "not measured")


def busy_runs(measured: Iterable[Measured]) -> list[Measured]:
    return [m for m in measured if m.bg_cpu is not None and m.bg_cpu > BUSY_PERCENT]


def machine_line(measured: Sequence[Measured], cpus: int | None, model: str) -> str:
    seen = [m.bg_cpu for m in measured if m.bg_cpu is not None]
    bg = f"bg_cpu {min(seen):.0f}–{max(seen):.0f} %" if seen else "bg_cpu unknown"
    busy = len(busy_runs(measured))
    if busy:
        bg += (
            f" ({busy} of {len(measured)} runs above {BUSY_PERCENT:.0f} %: the machine was busy,"
            " compare CPU/req rather than rps and latency)"
        )
    return f"{cpus} CPUs ({model}), shared by wrk, both servers and both PostgreSQLs; {bg}"


def replace_section(
    text: str, section: str, markers: tuple[str, str] = (BEGIN, END), heading: str = HEADING
) -> str:
    """``text`` with what lies between the ``markers`` (the peer markers unless others are
    given, as bench/live.py's) replaced by ``section`` (the heading and markers appended when
    absent)."""
    opening, closing = markers
    begin, end = text.find(opening), text.find(closing)
    body = f"{opening}\n{section.strip()}\n{closing}"
    if begin == -1 and end == -1:
        return f"{text.rstrip()}\n\n{heading}\n\n{body}\n"
    if begin == -1 or end < begin:
        raise ValueError(f"the markers {opening} … {closing} are not in order")
    return text[:begin] + body + text[end + len(closing) :]


def entries_in(answer: dict[str, Any]) -> int:
    """How many entries an entries_page answer holds, of either server."""
    data = answer["data"]
    if "unitSubtreeEntries" in data:
        return len(data["unitSubtreeEntries"]["nodes"])
    return len(data["node"]["entries"])


def first_variables(kit: Path, target: str, query: str) -> str:
    """The first variable set of a kit query, global ids decoded (``Plan:2173``)."""
    raw = json.loads((kit / "queries" / target / f"{query}.json").read_text())
    first: dict[str, Any] = raw[0] if isinstance(raw, list) else raw
    shown = []
    for name, value in first.items():
        with contextlib.suppress(TypeError, ValueError):  # not a global id: as it is
            value = base64.b64decode(value, validate=True).decode()
        shown.append(f"{name} {value}")
    return ", ".join(shown)
