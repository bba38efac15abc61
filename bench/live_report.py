"""The live bench's pure parts: memory per subscription and per connection, delivery
accounting, latency percentiles, and the section written into bench/README.md.

bench/live.py runs the server, the sockets and the driver; nothing here starts anything.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from bench import peer_report

BEGIN, END = "<!-- live:begin -->", "<!-- live:end -->"
HEADING = "## Live updates: idle subscriptions and commit-to-delivery latency (issue 15)"
KIB = 1024


@dataclass(frozen=True, slots=True)
class Memory:
    """The server's RSS at three moments, and what was open at each (cumulative)."""

    baseline: int  # bytes, after a warm-up connection came and went
    first_connections: int  # then opened, each with ...
    per_connection: int  # ... this many subscriptions (the per-connection cap)
    with_first: int  # bytes, those caught up
    more_connections: int  # then opened, one subscription each
    with_more: int  # bytes, those caught up too

    @property
    def first_subscriptions(self) -> int:
        return self.first_connections * self.per_connection

    def costs(self) -> tuple[float, float]:
        """Bytes per idle subscription and per idle connection, from the two steps:
        step 1 adds ``first_connections`` connections and ``first_subscriptions``
        subscriptions, step 2 ``more_connections`` of each; two equations, two unknowns."""
        c1, n1 = self.first_connections, self.first_subscriptions
        c2 = n2 = self.more_connections
        d1, d2 = self.with_first - self.baseline, self.with_more - self.with_first
        det = c1 * n2 - n1 * c2
        if det == 0:
            raise ValueError("the two steps must differ in subscriptions per connection")
        per_connection = (d1 * n2 - n1 * d2) / det
        per_subscription = (c1 * d2 - c2 * d1) / det
        return per_subscription, per_connection


@dataclass(frozen=True, slots=True)
class Accounting:
    """What one subscription received against what it should have: once per approved plan."""

    expected: int
    received: int  # deliveries, duplicates and strays included
    missed: int  # expected plans never delivered
    duplicated: int  # deliveries of a plan beyond its first
    unexpected: int  # deliveries of a plan that was not expected

    @property
    def exact(self) -> bool:
        return self.missed == self.duplicated == self.unexpected == 0


def account(expected: Iterable[str], delivered: Iterable[str]) -> Accounting:
    """``delivered``: the plan id of each delivery, in arrival order."""
    wanted = set(expected)
    counts = Counter(delivered)
    return Accounting(
        expected=len(wanted),
        received=sum(counts.values()),
        missed=len(wanted - counts.keys()),
        duplicated=sum(n - 1 for plan, n in counts.items() if plan in wanted),
        unexpected=sum(n for plan, n in counts.items() if plan not in wanted),
    )


def percentile(values: Sequence[float], q: float) -> float:
    """The nearest-rank percentile (``q`` in 0–100): a value that was measured."""
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


@dataclass(frozen=True, slots=True)
class Timing:
    """One approval as the driver saw it, and when PostgreSQL says it committed."""

    sent: float  # epoch seconds: the request went out
    answered: float  # the response was read
    committed: float | None  # pg_xact_commit_timestamp; None when not recorded


@dataclass(frozen=True, slots=True)
class Latency:
    """Delivery minus each of the three clocks, in ms: (p50, p99) each, None if unknown."""

    from_commit: tuple[float, float] | None
    from_answer: tuple[float, float]
    from_request: tuple[float, float]
    count: int


def latency(arrivals: Mapping[str, float], timings: Mapping[str, Timing]) -> Latency:
    """``arrivals``: each plan's first delivery (epoch seconds) to one subscription."""
    plans = [plan for plan in arrivals if plan in timings]
    if not plans:
        raise ValueError("no delivery of an approved plan")

    def spread(clock: Iterable[tuple[float, float]]) -> tuple[float, float]:
        ms = [(arrived - start) * 1000 for arrived, start in clock]
        return percentile(ms, 50), percentile(ms, 99)

    committed = [(arrivals[p], timings[p].committed) for p in plans]
    return Latency(
        from_commit=(
            spread((a, c) for a, c in committed if c is not None)
            if all(c is not None for _, c in committed)
            else None
        ),
        from_answer=spread((arrivals[p], timings[p].answered) for p in plans),
        from_request=spread((arrivals[p], timings[p].sent) for p in plans),
        count=len(plans),
    )


@dataclass(frozen=True, slots=True)
class Stream:
    """One kind of subscription of the latency run, over all its subscribers."""

    name: str
    subscribers: int
    accounting: Accounting
    latency: Latency | None  # None when nothing arrived


@dataclass(frozen=True, slots=True)
class Drive:
    """The approvals: what was asked, at which rate, and how it went."""

    rate: float  # asked, per second
    seconds: float  # asked
    approved: int
    refused: int  # answers other than an approved plan
    span_s: float  # first request sent to last answer read
    answer_ms: tuple[float, float]  # p50, p99 of request to answer
    server_cpu_s: float  # CPU the server process spent meanwhile (user + system)

    @property
    def achieved(self) -> float:
        return self.approved / self.span_s if self.span_s > 0 else 0.0


def _pair(values: tuple[float, float] | None) -> str:
    return "-" if values is None else f"{values[0]:.1f} / {values[1]:.1f}"


def memory_table(memory: Memory) -> str:
    per_subscription, per_connection = memory.costs()
    mib = KIB * KIB
    return "\n".join(
        [
            "| idle server (RSS) | MiB |",
            "|---|--:|",
            f"| after a warm-up connection came and went | {memory.baseline / mib:.1f} |",
            f"| + {memory.first_connections:,} connections × {memory.per_connection} "
            f"subscriptions = {memory.first_subscriptions:,} | {memory.with_first / mib:.1f} |",
            f"| + {memory.more_connections:,} connections × 1 subscription "
            f"| {memory.with_more / mib:.1f} |",
            f"| **per idle subscription** | **{per_subscription / KIB:.1f} KiB** |",
            f"| **per idle connection** (its own, beyond its subscriptions) "
            f"| **{per_connection / KIB:.1f} KiB** |",
        ]
    )


def latency_table(streams: Sequence[Stream]) -> str:
    lines = [
        "| subscription | subscribers | deliveries | missed | duplicated | unexpected "
        "| commit → delivery ms p50 / p99 | answer → delivery (lower bound) "
        "| request → delivery (upper bound) |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for s in streams:
        a, t = s.accounting, s.latency
        lines.append(
            f"| {s.name} | {s.subscribers} | {a.received:,} | {a.missed} | {a.duplicated} "
            f"| {a.unexpected} | {_pair(t.from_commit if t else None)} "
            f"| {_pair(t.from_answer if t else None)} | {_pair(t.from_request if t else None)} |"
        )
    return "\n".join(lines)


def drive_line(drive: Drive) -> str:
    return (
        f"approvePlan asked at {drive.rate:g}/s for {drive.seconds:g} s: {drive.approved:,} "
        f"approved, {drive.refused} refused, in {drive.span_s:.1f} s ({drive.achieved:.1f}/s "
        f"achieved); request to answer p50 {drive.answer_ms[0]:.1f} ms, "
        f"p99 {drive.answer_ms[1]:.1f} ms; the server process spent {drive.server_cpu_s:.1f} s "
        f"of CPU meanwhile ({drive.server_cpu_s * 1000 / max(drive.approved, 1):.0f} ms per "
        "approval, deliveries included)"
    )


def render(
    header: str,
    memory: Memory,
    legs: Sequence[tuple[Drive, Sequence[Stream]]],
    *,
    exact: bool,
) -> str:
    """The report: ``header`` (command, date, machine), memory, then each leg of approvals."""
    clock = (
        "commit → delivery is the delivery's read time minus `pg_xact_commit_timestamp` of the"
        " transaction its cursor names (`track_commit_timestamp = on`)"
        if exact
        else "commit → delivery was not measured (`track_commit_timestamp` was off)"
    )
    idle = memory.first_subscriptions + memory.more_connections
    parts = [header, memory_table(memory)]
    for number, (drive, streams) in enumerate(legs):
        then = f"Then, those {idle:,} idle subscriptions still open, " if not number else "Then "
        parts += [f"{then}{drive_line(drive)}.", latency_table(streams)]
    parts.append(
        f"Times in ms, p50 / p99 over the timed approvals: {clock}; the answer and the request"
        " bound the commit from after and from before."
    )
    return "\n\n".join(parts) + "\n"


def replace_section(text: str, section: str) -> str:
    """bench/README.md with the live section between its markers replaced."""
    return peer_report.replace_section(text, section, (BEGIN, END), HEADING)
