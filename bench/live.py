"""Live updates on one worker (issue 15): what idle subscriptions cost the server, and how long
a committed approval takes to reach its subscribers while ``approvePlan`` runs at a steady rate.

Prepares bench/var (bench/live_plans.py: commit timestamps on, the plans to approve APPRAISED,
an approver per province), starts bench/run.py's server (``quyhoach serve --demo``, one worker)
and, over real HTTP and WebSockets (graphql-transport-ws, bench/live_socket.py):

1. Memory: the server's RSS after a warm-up connection came and went, with 50 connections × 20
   subscriptions (the per-connection cap) caught up, then with 950 more connections × 1; from
   the two steps, the cost of an idle subscription and of an idle connection.
2. Latency, those idle ones still open: each approver subscribes to its province's
   ``planEvents`` and to its ``inboxChanged``; one approval per province shows they listen;
   then ``approvePlan`` is sent at each leg's rate for its seconds (``--legs``, default the
   issue's 20/s and then a rate one worker keeps up with; open loop: on schedule, whether or
   not the previous one answered). Each delivery is timed against the
   commit (PostgreSQL's ``pg_xact_commit_timestamp`` of the transaction its cursor names),
   and against the mutation's answer and request (the lower and upper bounds); every approved
   plan must arrive once on each, no more, no less.

Writes the report to bench/results/live-<timestamp>.md and into bench/README.md between the
``<!-- live:begin -->`` and ``<!-- live:end -->`` markers. Run: ``python -m bench.live``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import os
import platform
import resource
import shlex
import sys
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx
import psutil

from api.cli import open_database
from api.graphql import vietnam_now
from api.operator import DEMO_PASSWORD
from api.settings import Settings
from bench.authz import migrate_and_demo
from bench.live_plans import Approvable, Prepared, commit_times, prepare
from bench.live_report import (
    Drive,
    Memory,
    Stream,
    Timing,
    account,
    latency,
    percentile,
    render,
    replace_section,
)
from bench.live_socket import LiveError, LiveSocket
from bench.peer import README, git_commit
from bench.run import (
    DATA_DIR,
    LOGIN_QUERY,
    REPO,
    RESULTS_DIR,
    BenchError,
    cpu_model,
    free_port,
    server,
    wait_ready,
)
from schema.node import to_global_id
from schema.pagination import BY_NUMBER

IDLE_LOGIN = "viewer.22"  # the demo's province viewer: nothing the run approves concerns it
FIRST_CONNECTIONS = 50
MORE_CONNECTIONS = 950
OPENING_AT_ONCE = 50  # connections being opened at a time
SETTLE_S = 2.0  # after the last delivery, before reading RSS
WAIT_S = 60.0  # a bound on waiting for deliveries, not a measurement
DRAIN_S = 10.0  # after the last answer, for the last deliveries (or the missed ones)
ANSWER_TIMEOUT_S = 180.0
# The 20 approvals a second, and a rate one worker on two CPUs keeps up with: each
# approval costs it ~160 ms of CPU (bench/README.md).
DEFAULT_LEGS = "20:10,4:20"

FEED_FIELDS = "cursor node { plan action }"
PLAN_EVENTS = (
    "subscription ($unit: ID!, $after: String) "
    f"{{ planEvents(unit: $unit, after: $after) {{ {FEED_FIELDS} }} }}"
)
PLAN_CHANGED = (
    "subscription ($plan: ID!, $after: String) "
    f"{{ planChanged(plan: $plan, after: $after) {{ {FEED_FIELDS} }} }}"
)
INBOX_CHANGED = "subscription { inboxChanged { change planId plan { status } } }"
PROVINCE_QUERY = """
{ unit(code: "22") { id } }
"""
FEED_QUERY = """
query ($unit: ID!) { planEvents(unit: $unit, first: 100) { edges {
  cursor node { plan action planningUnit { id } } } } }
"""
APPROVE = """
mutation ($input: ApprovePlanInput!) { approvePlan(input: $input) {
  __typename ... on PlanPayload { plan { id status } } } }
"""


# --- HTTP -----------------------------------------------------------------------------------


async def ask(
    http: httpx.AsyncClient, query: str, token: str | None = None, **variables: Any
) -> dict[str, Any]:
    """One GraphQL request; its data, or BenchError on any error."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    answer = await http.post(
        "/graphql", json={"query": query, "variables": variables}, headers=headers
    )
    payload: dict[str, Any] = answer.json()
    if answer.status_code != 200 or payload.get("errors") or not payload.get("data"):
        raise BenchError(f"{query.strip()[:60]!r} answered {answer.status_code}: {payload}")
    data: dict[str, Any] = payload["data"]
    return data


async def log_in(http: httpx.AsyncClient, username: str) -> str:
    answer = (await ask(http, LOGIN_QUERY, u=username, p=DEMO_PASSWORD))["login"]
    if answer["__typename"] != "AuthPayload":
        raise BenchError(f"the login {username} was refused: {answer}")
    token: str = answer["accessToken"]
    return token


# --- 1. Memory per idle subscription and connection -----------------------------------------


@dataclass(frozen=True, slots=True)
class IdleTargets:
    """A demo plan of the idle login's province and its commune, with the cursors before their
    last event: a subscription after them delivers that one event, then waits."""

    commune: str
    plan: str
    commune_after: str
    plan_after: str

    def subscribe(self, socket: LiveSocket, number: int) -> Awaitable[None]:
        kind = number % 3
        if kind == 0:
            return socket.subscribe(
                "planEvents", PLAN_EVENTS, unit=self.commune, after=self.commune_after
            )
        if kind == 1:
            return socket.subscribe(
                "planChanged", PLAN_CHANGED, plan=self.plan, after=self.plan_after
            )
        return socket.subscribe("inboxChanged", INBOX_CHANGED)

    @staticmethod
    def delivering(count: int) -> int:
        """How many of ``count`` subscriptions (numbered from 0) deliver on catching up."""
        return count - count // 3  # the inboxes deliver nothing until a plan moves


async def idle_targets(http: httpx.AsyncClient, token: str) -> IdleTargets:
    """The demo plan of province 22 with the most events, and its commune."""
    province = (await ask(http, PROVINCE_QUERY, token))["unit"]["id"]

    async def feed(unit: str) -> list[dict[str, Any]]:
        edges: list[dict[str, Any]] = (await ask(http, FEED_QUERY, token, unit=unit))["planEvents"][
            "edges"
        ]
        if len(edges) >= 100:
            raise BenchError(f"the feed of {unit} is not the demo's: {len(edges)} events or more")
        return edges

    events = await feed(province)
    busiest = Counter(edge["node"]["plan"] for edge in events).most_common(1)
    if not busiest or busiest[0][1] < 2:
        raise BenchError(f"no demo plan with two events in province 22 for {IDLE_LOGIN}")
    plan = busiest[0][0]
    own = [edge for edge in events if edge["node"]["plan"] == plan]
    commune = own[0]["node"]["planningUnit"]["id"]
    return IdleTargets(commune, plan, (await feed(commune))[-2]["cursor"], own[-2]["cursor"])


def rss(pid: int) -> int:
    return int(psutil.Process(pid).memory_info().rss)


async def settled_rss(pid: int) -> int:
    await asyncio.sleep(SETTLE_S)
    samples = []
    for _ in range(3):
        samples.append(rss(pid))
        await asyncio.sleep(0.5)
    return sorted(samples)[1]


async def until(done: Callable[[], bool], what: str, seconds: float = WAIT_S) -> None:
    deadline = time.monotonic() + seconds
    while not done():
        if time.monotonic() > deadline:
            raise BenchError(f"waited {seconds:.0f} s for {what}")
        await asyncio.sleep(0.02)


def check(sockets: Iterable[LiveSocket]) -> None:
    for socket in sockets:
        if socket.refusals or socket.closed:
            raise BenchError(f"a subscription was refused: {socket.refusals or socket.closed}")


async def open_idle(
    url: str, token: str, targets: IdleTargets, connections: int, each: int, first: int
) -> list[LiveSocket]:
    """``connections`` sockets of ``each`` subscriptions, numbered from ``first``; caught up."""
    gate = asyncio.Semaphore(OPENING_AT_ONCE)

    async def one(index: int) -> LiveSocket:
        async with gate:
            socket = await LiveSocket.open(url, token)
            for n in range(each):
                await targets.subscribe(socket, first + index * each + n)
            return socket

    sockets = list(await asyncio.gather(*(one(i) for i in range(connections))))
    expected = IdleTargets.delivering(first + connections * each) - IdleTargets.delivering(first)
    await until(
        lambda: (
            sum(len(s.deliveries) for s in sockets) >= expected or any(s.refusals for s in sockets)
        ),
        f"{expected} catch-up deliveries",
    )
    check(sockets)
    return sockets


async def idle_memory(
    url: str, pid: int, token: str, targets: IdleTargets
) -> tuple[Memory, list[LiveSocket]]:
    warm = await open_idle(url, token, targets, 1, 3, 0)  # first use: imports, caches, pools
    for socket in warm:
        await socket.close()
    baseline = await settled_rss(pid)
    print(f"RSS {baseline / 2**20:.1f} MiB; opening {FIRST_CONNECTIONS} × 20 …", file=sys.stderr)
    first = await open_idle(url, token, targets, FIRST_CONNECTIONS, 20, 0)
    with_first = await settled_rss(pid)
    print(f"RSS {with_first / 2**20:.1f} MiB; opening {MORE_CONNECTIONS} × 1 …", file=sys.stderr)
    more = await open_idle(url, token, targets, MORE_CONNECTIONS, 1, FIRST_CONNECTIONS * 20)
    with_more = await settled_rss(pid)
    print(f"RSS {with_more / 2**20:.1f} MiB", file=sys.stderr)
    memory = Memory(baseline, FIRST_CONNECTIONS, 20, with_first, MORE_CONNECTIONS, with_more)
    return memory, first + more


# --- 2. Commit-to-delivery latency under approvePlan ----------------------------------------


@dataclass(frozen=True, slots=True)
class Approval:
    plan: str  # global id
    sent: float
    answered: float
    approved: bool


async def approve(http: httpx.AsyncClient, token: str, plan: Approvable) -> Approval:
    plan_id = to_global_id("Plan", plan.plan_id)
    decision = {
        "plan": plan_id,
        "version": plan.version,
        "decisionNumber": f"{plan.plan_id}-QĐ/UBND",
        "decisionDate": vietnam_now().date().isoformat(),
    }
    sent = time.time()
    answer = await http.post(
        "/graphql",
        json={"query": APPROVE, "variables": {"input": decision}},
        headers={"Authorization": f"Bearer {token}"},
    )
    answered = time.time()
    result = ((answer.json().get("data") or {}).get("approvePlan")) or {}
    approved = (result.get("plan") or {}).get("status") == "APPROVED"
    if not approved:
        print(f"approvePlan {plan_id} answered {answer.text[:200]}", file=sys.stderr)
    return Approval(plan_id, sent, answered, approved)


def interleaved(plans: Sequence[Approvable]) -> list[Approvable]:
    """One province after the other, so that each approver works at its share of the rate."""
    by_province: dict[str, list[Approvable]] = {}
    for plan in plans:
        by_province.setdefault(plan.province, []).append(plan)
    rounds = itertools.zip_longest(*by_province.values())
    return [plan for batch in rounds for plan in batch if plan is not None]


@dataclass(frozen=True, slots=True)
class Run:
    approvals: list[Approval]
    events: list[tuple[str, float, str]]  # plan, read at, cursor
    inbox: list[tuple[str, float]]  # plan, read at
    subscribers: int
    rate: float
    seconds: float
    server_cpu_s: float  # what the server process spent while the approvals ran


@dataclass(frozen=True, slots=True)
class Leg:
    """Approvals at ``rate`` per second for ``seconds``."""

    rate: float
    seconds: int

    @property
    def count(self) -> int:
        return round(self.rate * self.seconds)


def legs(raw: str) -> list[Leg]:
    try:
        found = [Leg(float(r), int(s)) for r, s in (part.split(":") for part in raw.split(","))]
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a list like 5:20,20:10: {raw!r}") from None
    if not found or any(leg.count < 1 for leg in found):
        raise argparse.ArgumentTypeError(f"each leg must approve at least one plan: {raw!r}")
    return found


async def drive(
    url: str, pid: int, http: httpx.AsyncClient, prepared: Prepared, plan_legs: Sequence[Leg]
) -> list[Run]:
    tokens = {p.code: await log_in(http, p.approver) for p in prepared.provinces}
    sockets = []
    for province in prepared.provinces:
        socket = await LiveSocket.open(url, tokens[province.code])
        unit = to_global_id("Unit", province.unit_id)
        await socket.subscribe("planEvents", PLAN_EVENTS, unit=unit, after=prepared.feed_end)
        await socket.subscribe("inboxChanged", INBOX_CHANGED)
        sockets.append(socket)
    # One approval per province, delivered on both: its subscriptions listen (the inbox has
    # read what waits on its approver); what comes after it is timed.
    for warmup in prepared.warmups:
        await approve(http, tokens[warmup.province], warmup)
    await until(lambda: all(len(s.deliveries) >= 2 for s in sockets), "the warm-up deliveries")
    check(sockets)
    planned = iter(interleaved(prepared.plans))
    runs = []
    for leg in plan_legs:
        plans = list(itertools.islice(planned, leg.count))
        runs.append(await drive_leg(pid, http, sockets, tokens, plans, leg))
    for socket in sockets:
        await socket.close()
    return runs


async def drive_leg(
    pid: int,
    http: httpx.AsyncClient,
    sockets: Sequence[LiveSocket],
    tokens: dict[str, str],
    plans: Sequence[Approvable],
    leg: Leg,
) -> Run:
    """``plans`` approved on schedule (open loop), then what their subscribers received."""
    marks = [len(s.deliveries) for s in sockets]
    print(f"approvePlan at {leg.rate:g}/s for {leg.seconds} s …", file=sys.stderr)
    cpu = psutil.Process(pid).cpu_times()
    start = time.monotonic()
    tasks = []
    for number, plan in enumerate(plans):
        delay = start + number / leg.rate - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(approve(http, tokens[plan.province], plan)))
    approvals = list(await asyncio.gather(*tasks))
    spent = psutil.Process(pid).cpu_times()
    server_cpu_s = spent.user + spent.system - cpu.user - cpu.system
    expected = 2 * sum(a.approved for a in approvals)

    def arrived() -> int:
        return sum(len(s.deliveries) - m for s, m in zip(sockets, marks, strict=True))

    with contextlib.suppress(BenchError):  # what did not arrive is counted as missed
        await until(lambda: arrived() >= expected, "the last deliveries", DRAIN_S)
    await asyncio.sleep(0.5)  # a duplicate would come right after
    check(sockets)
    events, inbox = [], []
    for socket, mark in zip(sockets, marks, strict=True):
        for delivery in socket.deliveries[mark:]:
            if delivery.label == "planEvents":
                edge = delivery.data["planEvents"]
                events.append((edge["node"]["plan"], delivery.at, edge["cursor"]))
            else:
                inbox.append((delivery.data["inboxChanged"]["planId"], delivery.at))
    return Run(approvals, events, inbox, len(sockets), leg.rate, leg.seconds, server_cpu_s)


def streams(run: Run, committed: dict[int, datetime] | None) -> tuple[Drive, list[Stream]]:
    txid_of: dict[str, int] = {}
    for plan, _, cursor in run.events:
        position = BY_NUMBER.position(cursor)
        assert position is not None
        txid_of.setdefault(plan, position[0])
    timings = {}
    for a in run.approvals:
        if not a.approved:
            continue
        txid = txid_of.get(a.plan)
        commit = committed.get(txid) if committed is not None and txid is not None else None
        timings[a.plan] = Timing(a.sent, a.answered, commit.timestamp() if commit else None)
    approved = [a for a in run.approvals if a.approved]
    answers = [(a.answered - a.sent) * 1000 for a in run.approvals]
    drive_ = Drive(
        rate=run.rate,
        seconds=run.seconds,
        approved=len(approved),
        refused=len(run.approvals) - len(approved),
        span_s=max(a.answered for a in run.approvals) - min(a.sent for a in run.approvals),
        answer_ms=(percentile(answers, 50), percentile(answers, 99)),
        server_cpu_s=run.server_cpu_s,
    )
    result = []
    for name, deliveries in (
        (
            "`planEvents(unit: province, after:)` of each approver",
            [(p, at) for p, at, _ in run.events],
        ),
        ("`inboxChanged` of each approver (LEFT)", run.inbox),
    ):
        arrivals: dict[str, float] = {}
        for plan, at in deliveries:
            arrivals.setdefault(plan, at)
        accounting = account(timings, [plan for plan, _ in deliveries])
        result.append(
            Stream(
                name, run.subscribers, accounting, latency(arrivals, timings) if arrivals else None
            )
        )
    return drive_, result


# --- The run ---------------------------------------------------------------------------------


def enough_files(sockets: int) -> None:
    """Raise the soft limit on open files (the server inherits it) to what the sockets need."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    needed = sockets + 256
    if soft >= needed:
        return
    if hard != resource.RLIM_INFINITY and hard < needed:
        raise BenchError(f"{needed} open files needed, `ulimit -Hn` is {hard}")
    resource.setrlimit(resource.RLIMIT_NOFILE, (needed, hard))


async def measure(
    base: str, pid: int, prepared: Prepared, args: argparse.Namespace
) -> tuple[Memory, list[Run]]:
    url = base.replace("http://", "ws://", 1) + "/graphql"
    # A saturated worker answers the last of a leg's approvals long after they were sent.
    async with httpx.AsyncClient(base_url=base, timeout=ANSWER_TIMEOUT_S) as http:
        token = await log_in(http, IDLE_LOGIN)
        memory, idle = await idle_memory(url, pid, token, await idle_targets(http, token))
        try:
            runs = await drive(url, pid, http, prepared, args.legs)
        finally:
            await asyncio.gather(*(socket.close() for socket in idle))
    return memory, runs


def bench(args: argparse.Namespace) -> tuple[Memory, list[tuple[Drive, list[Stream]]], bool]:
    settings = Settings(data_dir=DATA_DIR)
    enough_files(FIRST_CONNECTIONS + MORE_CONNECTIONS + 64)
    print("Preparing bench/var (plans to approve, approvers, commit timestamps) …", file=sys.stderr)
    started = time.monotonic()
    wanted = sum(leg.count for leg in args.legs)
    with open_database(settings) as url, contextlib.redirect_stdout(sys.stderr):
        asyncio.run(migrate_and_demo(url, settings))
        prepared = asyncio.run(prepare(url, settings, wanted))
    print(f"… prepared in {time.monotonic() - started:.0f} s", file=sys.stderr)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with server(port, 1) as process:
        wait_ready(process, base)
        memory, runs = asyncio.run(measure(base, process.pid, prepared, args))
        with open_database(settings) as url:  # joins the server's PostgreSQL
            positions = [BY_NUMBER.position(c) for run in runs for _, _, c in run.events]
            txids = [position[0] for position in positions if position is not None]
            committed = asyncio.run(commit_times(url, txids))
    return memory, [streams(run, committed) for run in runs], committed is not None


def header(command: str) -> str:
    """The exact command, date, commit and machine, the report's first line."""
    return (
        f"`{command}` on {datetime.now().astimezone():%Y-%m-%d %H:%M %Z}, commit"
        f" {git_commit()}: {os.cpu_count()} CPUs ({cpu_model()}), Python"
        f" {platform.python_version()}; one uvicorn worker (`quyhoach serve --demo` on"
        " bench/var), its PostgreSQL and the client on the same machine."
    )


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="python -m bench.live", description=__doc__)
    root.add_argument(
        "--legs",
        type=legs,
        default=legs(DEFAULT_LEGS),
        help=f"approvals per second:seconds, one after the other (default {DEFAULT_LEGS})",
    )
    return root


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parser().parse_args(argv)
    try:
        memory, measured, exact = bench(args)
    except (BenchError, LiveError) as error:
        print(f"bench.live: error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("bench.live: interrupted", file=sys.stderr)
        return 130
    command = shlex.join(["python", "-m", "bench.live", *argv])
    report = render(header(command), memory, measured, exact=exact)
    print(report)
    RESULTS_DIR.mkdir(exist_ok=True)
    path = RESULTS_DIR / f"live-{datetime.now():%Y%m%d-%H%M%S}.md"
    path.write_text(report)
    print(f"Written to {path.relative_to(REPO)}", file=sys.stderr)
    try:
        README.write_text(replace_section(README.read_text(), report))
    except ValueError as error:
        print(f"bench.live: bench/README.md left as it was: {error}", file=sys.stderr)
        return 1
    print("… and into bench/README.md", file=sys.stderr)
    if any(d.refused or not all(s.accounting.exact for s in ss) for d, ss in measured):
        print("bench.live: deliveries missed, duplicated or approvals refused", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
