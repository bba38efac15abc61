"""HTTP benchmark: GraphQL queries against the demo data, measured with wrk.

Starts ``quyhoach serve --demo`` on its own database (bench/var) and a free port, runs every
chosen scenario (``--scenarios``) at every concurrency, prints a markdown table and writes it to
bench/results/. The statistics, indicators and progress scenarios read the national-scale data of
``python -m bench.seed`` (cycle 2025–2030 on the three-tier tree); run it first.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from api.operator import DEMO_PASSWORD
from bench.scenarios import (
    PICK_QUERY,
    SCENARIO_NAMES,
    SEEDED_CYCLE,
    STATISTICS_QUERY,
    Scenario,
    every_scenario,
)

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
DATA_DIR = BENCH_DIR / "var"
RESULTS_DIR = BENCH_DIR / "results"
SERVER_LOG = DATA_DIR / "server.log"
LUA_SCRIPT = BENCH_DIR / "post.lua"
READY_TIMEOUT_S = 900.0  # the first run imports ~14,000 units
STOP_TIMEOUT_S = 60.0
# wrk leaves requests slower than its timeout (default 2 s) out of the latency distribution:
# a generous one keeps the slow tail in p99; any request that still times out fails the run.
WRK_TIMEOUT_S = 30
TOKEN_VARIABLE = "QUYHOACH_BENCH_TOKEN"  # sent as `Authorization: Bearer …` when set


class BenchError(Exception):
    """The benchmark cannot go on, or its numbers would be wrong."""


@dataclass(frozen=True, slots=True)
class Result:
    scenario: str
    connections: int
    requests_per_s: float
    p50_ms: float
    p99_ms: float


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def log_tail(lines: int = 40) -> str:
    try:
        text = SERVER_LOG.read_text(errors="replace")
    except OSError:
        return "(no server log)"
    return "\n".join(text.splitlines()[-lines:])


@contextmanager
def server(port: int, workers: int, *, as_owner: bool = False) -> Iterator[subprocess.Popen[bytes]]:
    """Run ``quyhoach serve --demo`` on bench/var; stop it (SIGINT, then wait) on exit."""
    DATA_DIR.mkdir(exist_ok=True)
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)  # always the embedded server of bench/var, never another
    env.update(
        QUYHOACH_DATA_DIR=str(DATA_DIR),
        QUYHOACH_HOST="127.0.0.1",
        QUYHOACH_PORT=str(port),
        QUYHOACH_WORKERS=str(workers),
        # The owner is outside row-level security: the "before" of what the wall costs.
        QUYHOACH_SERVE_AS_OWNER="1" if as_owner else "",
    )
    command = [sys.executable, "-m", "api.cli", "serve", "--demo"]  # = `quyhoach serve --demo`
    with SERVER_LOG.open("wb") as log:
        # Own session: a Ctrl-C in the terminal reaches only us, and we stop the server once.
        process = subprocess.Popen(
            command, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            yield process
        finally:
            stop(process)


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    print("Stopping the server …", file=sys.stderr)
    process.send_signal(signal.SIGINT)
    try:
        process.wait(STOP_TIMEOUT_S)
        return
    except subprocess.TimeoutExpired:
        print(f"server still up after {STOP_TIMEOUT_S:.0f} s: SIGTERM", file=sys.stderr)
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def wait_ready(process: subprocess.Popen[bytes], base: str) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BenchError(f"the server exited with {process.returncode}:\n{log_tail()}")
        try:
            with urllib.request.urlopen(f"{base}/readyz", timeout=2) as answer:
                if answer.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass  # not listening yet, or 503 (HTTPError) until migrations are current
        time.sleep(0.5)
    raise BenchError(f"/readyz did not answer 200 within {READY_TIMEOUT_S:.0f} s:\n{log_tail()}")


def graphql(url: str, query: str, variables: dict[str, str] | None = None) -> dict[str, Any]:
    """Send one request; raise unless it answers 200 with data and no errors."""
    body = json.dumps({"query": query, "variables": variables}).encode()
    headers = {"Content-Type": "application/json"}
    if token := os.environ.get(TOKEN_VARIABLE):
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            payload: dict[str, Any] = json.load(answer)
    except urllib.error.HTTPError as error:
        hint = f" (is {TOKEN_VARIABLE} a valid token?)" if error.code == 401 else ""
        detail = error.read().decode()
        raise BenchError(f"{query!r} answered {error.code}{hint}: {detail}") from None
    codes = {(e.get("extensions") or {}).get("code") for e in payload.get("errors") or []}
    if codes & {"UNAUTHENTICATED", "INVALID_TOKEN"}:
        raise BenchError(
            f"the API wants a bearer token: set {TOKEN_VARIABLE} to an access token or API key"
            f" valid on bench/var's database. It answered {json.dumps(payload, ensure_ascii=False)}"
        )
    if payload.get("errors") or not payload.get("data"):
        raise BenchError(f"{query!r} answered {json.dumps(payload, ensure_ascii=False)}")
    data: dict[str, Any] = payload["data"]
    return data


LOGIN_QUERY = """
mutation ($u: String!, $p: String!) {
  login(input: {username: $u, password: $p}) { __typename ... on AuthPayload { accessToken } }
}
"""


def log_in(url: str) -> None:
    """Log in as the demo national admin unless a token was given (tokens last 15 minutes)."""
    if os.environ.get(TOKEN_VARIABLE):
        return
    answer = graphql(url, LOGIN_QUERY, {"u": "admin", "p": DEMO_PASSWORD})["login"]
    if answer["__typename"] != "AuthPayload":
        raise BenchError(f"the demo login `admin` was refused: {answer}")
    os.environ[TOKEN_VARIABLE] = answer["accessToken"]  # read by graphql() and by post.lua


def scenarios(url: str, keys: Sequence[str]) -> list[Scenario]:
    """Pick real ids: Hà Nội of the three-tier tree (on 2025-06-30) and of the two-tier one,
    and the national root; build the scenarios named by ``keys``."""
    picked = graphql(url, PICK_QUERY)
    two, three, root = picked["twoTier"], picked["threeTier"], picked["root"]
    if two is None or three is None or root is None:
        raise BenchError(f"Hà Nội (code 01) or the root missing from the demo data: {picked}")
    print(
        f"unit(id:): {three['name']} (three-tier, valid to {three['validTo']}, "
        f"{three['children']['totalCount']} children); "
        f"units(parent:): {two['name']} (two-tier, {two['children']['totalCount']} children)",
        file=sys.stderr,
    )
    every = every_scenario(picked)
    national = {"u": root["id"], "c": SEEDED_CYCLE}
    chosen = [s for s in every if s.key in keys]
    if any(s.seeded for s in chosen):
        check_seeded(url, national)
    return chosen


SEEDED_ENTRIES = 100_000  # far more than the demo's own, far fewer than bench.seed's


def check_seeded(url: str, national: dict[str, str]) -> None:
    found = graphql(url, STATISTICS_QUERY, national)["statistics"]["total"]["entries"] or 0
    if found < SEEDED_ENTRIES:
        raise BenchError(
            f"cycle {SEEDED_CYCLE} has {found:,} approved entries: seed bench/var first with"
            " `python -m bench.seed`"
        )


_DURATION = re.compile(r"([\d.]+)(us|ms|s|m|h)")
_TO_MS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3, "h": 3600e3}


def _ms(text: str) -> float:
    match = _DURATION.fullmatch(text)
    if match is None:
        raise BenchError(f"unreadable wrk latency {text!r}")
    return float(match[1]) * _TO_MS[match[2]]


def _find(pattern: str, output: str) -> str | None:
    match = re.search(pattern, output, re.MULTILINE)
    return match[1] if match else None


def wrk(url: str, scenario: Scenario, connections: int, duration: int) -> tuple[float, str]:
    """Run wrk once; return its req/s and full output; raise on any failed request."""
    command = [
        "wrk",
        f"-t{min(connections, 2)}",
        f"-c{connections}",
        f"-d{duration}s",
        f"--timeout={WRK_TIMEOUT_S}s",
        "--latency",
        "-s",
        str(LUA_SCRIPT),
        url,
    ]
    env = dict(os.environ, WRK_BODY=scenario.body())
    run = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    output = run.stdout + run.stderr
    where = f"{scenario.name} at {connections} connection(s)"
    if run.returncode != 0:
        raise BenchError(f"wrk failed ({run.returncode}) for {where}:\n{output}")
    problems = []
    if non_2xx := _find(r"Non-2xx or 3xx responses:\s+(\d+)", output):
        problems.append(f"{non_2xx} non-2xx responses")
    if socket_errors := _find(r"Socket errors:\s+(.*)$", output):
        problems.append(f"socket errors ({socket_errors})")
    graphql_errors = _find(r"^GraphQL errors:\s+(\d+)", output)
    if graphql_errors is None:
        raise BenchError(f"{LUA_SCRIPT.name} did not report its error count:\n{output}")
    if int(graphql_errors):
        problems.append(f"{graphql_errors} answers with GraphQL errors")
    if problems:
        raise BenchError(f"{where}: {', '.join(problems)}:\n{output}\n{log_tail()}")
    rate = _find(r"^Requests/sec:\s+([\d.]+)", output)
    if rate is None:
        raise BenchError(f"no Requests/sec in wrk's output:\n{output}")
    return float(rate), output


def measure(url: str, scenario: Scenario, connections: int, duration: int) -> Result:
    rate, output = wrk(url, scenario, connections, duration)
    p50, p99 = _find(r"^\s+50%\s+(\S+)", output), _find(r"^\s+99%\s+(\S+)", output)
    if p50 is None or p99 is None:
        raise BenchError(f"no latency distribution in wrk's output:\n{output}")
    return Result(scenario.name, connections, rate, _ms(p50), _ms(p99))


def table(results: Sequence[Result]) -> str:
    lines = [
        "| scenario | connections | req/s | p50 ms | p99 ms |",
        "|---|--:|--:|--:|--:|",
    ]
    lines += [
        f"| `{r.scenario}` | {r.connections} | {r.requests_per_s:,.0f} "
        f"| {r.p50_ms:.2f} | {r.p99_ms:.2f} |"
        for r in results
    ]
    return "\n".join(lines)


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def connection_counts(raw: str) -> list[int]:
    try:
        counts = [int(part) for part in raw.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a list like 1,8,32: {raw!r}") from None
    if not counts or min(counts) < 1:
        raise argparse.ArgumentTypeError(f"connections must be at least 1: {raw!r}")
    return counts


def scenario_keys(raw: str) -> list[str]:
    keys = [part.strip() for part in raw.split(",") if part.strip()]
    unknown = [k for k in keys if k not in SCENARIO_NAMES]
    if unknown or not keys:
        raise argparse.ArgumentTypeError(
            f"unknown scenario(s) {unknown or raw!r}; choose among {', '.join(SCENARIO_NAMES)}"
        )
    return keys


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    root.add_argument("--duration", type=int, default=10, help="seconds per run (default 10)")
    root.add_argument(
        "--connections", type=connection_counts, default=[1, 8, 32], help="default 1,8,32"
    )
    root.add_argument("--workers", type=int, default=1, help="uvicorn workers (default 1)")
    root.add_argument("--warmup", type=int, default=3, help="seconds per scenario (default 3)")
    root.add_argument(
        "--scenarios",
        type=scenario_keys,
        default=list(SCENARIO_NAMES),
        help=f"comma-separated, among {','.join(SCENARIO_NAMES)} (default: all)",
    )
    root.add_argument(
        "--as-owner",
        action="store_true",
        help="serve as the tables' owner, outside row-level security (to measure its cost)",
    )
    return root


def bench(args: argparse.Namespace, argv: Sequence[str]) -> str:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    url = f"{base}/graphql"
    print(f"Starting the server on {base} (log: {SERVER_LOG}) …", file=sys.stderr)
    with server(port, args.workers, as_owner=args.as_owner) as process:
        wait_ready(process, base)
        log_in(url)
        chosen = scenarios(url, args.scenarios)
        for scenario in chosen:
            graphql(url, scenario.query, scenario.variables)
            if args.warmup > 0:
                print(f"Warming up {scenario.name} …", file=sys.stderr)
                wrk(url, scenario, 8, args.warmup)
        results = []
        for scenario in chosen:
            for connections in args.connections:
                print(f"{scenario.name}, {connections} connection(s) …", file=sys.stderr)
                # wrk stops with requests still queued in the server; one answer first, so that
                # a slow run's backlog is not measured as the next run's latency.
                graphql(url, scenario.query, scenario.variables)
                results.append(measure(url, scenario, connections, args.duration))
    command = shlex.join(["python", "-m", "bench.run", *argv])
    return (
        f"`{command}` on {datetime.now().astimezone():%Y-%m-%d %H:%M %Z}: "
        f"{os.cpu_count()} CPUs ({cpu_model()}), shared by wrk and the server; "
        f"{args.workers} uvicorn worker(s), {args.duration} s per run.\n\n{table(results)}\n"
    )


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parser().parse_args(argv)
    if shutil.which("wrk") is None:
        print(
            "bench: wrk is not installed. On Debian/Ubuntu: sudo apt-get install wrk",
            file=sys.stderr,
        )
        return 2
    try:
        report = bench(args, argv)
    except BenchError as error:
        print(f"bench: error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("bench: interrupted", file=sys.stderr)
        return 130
    print(report)
    RESULTS_DIR.mkdir(exist_ok=True)
    path = RESULTS_DIR / f"{datetime.now():%Y%m%d-%H%M%S}.md"
    path.write_text(report)
    print(f"Written to {path.relative_to(REPO)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
