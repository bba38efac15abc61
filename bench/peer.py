"""Side by side with PostGraphile v5: the peer kit's three scenarios against both servers.

Starts what is not running of the kit in ../shared/peer-bench (its PostgreSQL with the
PostGraphile seed, PostGraphile v5) and ``quyhoach serve --demo`` on bench/var (bench/run.py's
server, one worker, the application's role). For each scenario and concurrency it runs
PostGraphile, then quyhoach, back to back through the kit's ``run.sh`` (wrk; CPU per request
of each server's process tree and of its PostgreSQL), then ours with one worker against two.
Writes the table to bench/results/peer-<timestamp>.md and into bench/README.md between the
``<!-- peer:begin -->`` and ``<!-- peer:end -->`` markers. Stops only what it started.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from bench.peer_report import (
    QUERIES,
    Measured,
    Pair,
    busy_runs,
    entries_in,
    first_variables,
    machine_line,
    ms,
    parse_kit_output,
    replace_section,
    scaling_table,
    side_by_side_table,
    tail_at_one,
)
from bench.run import (
    DATA_DIR,
    REPO,
    RESULTS_DIR,
    TOKEN_VARIABLE,
    BenchError,
    connection_counts,
    cpu_model,
    free_port,
    log_in,
    server,
    wait_ready,
)

KIT = REPO.parent / "shared" / "peer-bench"
README = REPO / "bench" / "README.md"
OUR_PGDATA = DATA_DIR / "postgres"  # the embedded server daemonizes: not under our server's pid
SCALED = ("unit_by_id", "entries_page")
SCALING_CONNECTIONS = (8, 32)
TOKEN_MAX_AGE_S = 600.0  # access tokens last 15 minutes


class Kit:
    """The peer kit's scripts, with its own environment; stops only what it started."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.started: list[str] = []  # the scripts to stop at the end, in order

    def env(self, pgdata: Path | None = None) -> dict[str, str]:
        env = dict(os.environ, BENCH_PGL_VERSION="5")
        env.pop("DATABASE_URL", None)  # env.sh: an exported DATABASE_URL would win over the kit's
        if pgdata is None:
            env.pop("BENCH_PGDATA", None)  # the kit's own PostgreSQL
        else:
            env["BENCH_PGDATA"] = str(pgdata)  # whose postmaster cpu/req[db] counts
        return env

    def script(self, *args: str, pgdata: Path | None = None) -> subprocess.CompletedProcess[str]:
        """Run one of the kit's scripts; its output is read, its errors shown."""
        return subprocess.run(
            [str(self.root / args[0]), *args[1:]],
            env=self.env(pgdata),
            stdout=subprocess.PIPE,
            text=True,
            check=False,
        )

    def step(self, *args: str) -> None:
        """Start or stop part of the kit, its progress shown (npm ci, the seed)."""
        print(f"peer kit: {' '.join(args)} …", file=sys.stderr)
        done = subprocess.run(
            [str(self.root / args[0]), *args[1:]], env=self.env(), check=False, stdout=sys.stderr
        )
        if done.returncode != 0:
            raise BenchError(f"the kit's {' '.join(args)} failed ({done.returncode})")

    def up(self) -> tuple[str, int]:
        """Start the kit's PostgreSQL and PostGraphile v5 unless they run; their URL and pid."""
        if not (self.root / "run.sh").is_file():
            raise BenchError(f"no peer kit in {self.root} (--kit)")
        status = self.script("db.sh", "status")
        if status.returncode != 0:  # 3: not running; 1: running, seed missing or stale
            if status.returncode != 3 and self.script("postgraphile.sh", "status").returncode == 0:
                # The kit: re-seeding drops PostGraphile's extras; it is not ours to restart.
                raise BenchError(
                    "the kit's seed is stale under a running PostGraphile: run its"
                    " `db.sh up` and `BENCH_PGL_VERSION=5 postgraphile.sh restart`"
                )
            if status.returncode == 3:
                self.started.append("db.sh")  # stopped at the end, even if the seed fails
            self.step("db.sh", "up")
        status = self.script("postgraphile.sh", "status")
        if status.returncode != 0:
            self.started.append("postgraphile.sh")
            self.step("postgraphile.sh", "start")
            status = self.script("postgraphile.sh", "status")
        words = status.stdout.replace("(", " ").replace(")", " ").split()
        try:  # "running (pid 23842) at http://127.0.0.1:5051/graphql"
            return words[words.index("at") + 1], int(words[words.index("pid") + 1])
        except (ValueError, IndexError):
            raise BenchError(f"unreadable postgraphile.sh status: {status.stdout!r}") from None

    def down(self) -> None:
        while self.started:
            name = self.started.pop()
            try:
                self.step(name, "stop")
            except BenchError as error:
                print(f"bench.peer: {error}", file=sys.stderr)

    def run(
        self,
        url: str,
        query: str,
        c: int,
        args: argparse.Namespace,
        pid: int,
        *extra: str,
        pgdata: Path | None = None,
    ) -> Measured:
        """One run of the kit's run.sh (its answer check, warm-up, then wrk) at ``c``."""
        command = ["run.sh", url, query, "-c", str(c), "-d", str(args.duration)]
        command += ["-w", str(args.warmup), "--server-pid", str(pid), "--json", *extra]
        done = self.script(*command, pgdata=pgdata)
        found = parse_kit_output(done.stdout)
        if done.returncode != 0 or len(found) != 1:
            raise BenchError(f"run.sh {query} at c={c} failed ({done.returncode}):\n{done.stdout}")
        m = found[0]
        if m.errors:
            raise BenchError(f"{query} at c={c}: {m.errors} failed requests")
        if busy_runs([m]):
            print(
                f"warning: bg_cpu {m.bg_cpu:.0f} % before {query} at c={c}: the machine was"
                " busy, rps and latency are suspect",
                file=sys.stderr,
            )
        print(
            f"{query:<28} c={c:<3} rps={m.rps:,.0f} p50={ms(m.p50_us)} p99={ms(m.p99_us)}"
            f" cpu/req[server]={ms(m.server_cpu_us)} cpu/req[db]={ms(m.db_cpu_us)}",
            file=sys.stderr,
        )
        return m

    def show(self, url: str, query: str, *extra: str) -> dict[str, Any]:
        """The answer to the query's first variable set."""
        done = self.script("run.sh", url, query, "--show", *extra)
        try:
            answer: dict[str, Any] = json.loads(done.stdout)
        except ValueError:
            raise BenchError(f"run.sh {query} --show answered {done.stdout!r}") from None
        return answer


class Ours:
    """Our server's URL, pid and a bearer token renewed before it expires."""

    def __init__(self, url: str, pid: int, given: str | None) -> None:
        self.url, self.pid = url, pid
        self.given = given  # the caller's own token or API key, in QUYHOACH_BENCH_TOKEN
        self.logged_in: float | None = None

    def authorization(self) -> tuple[str, str]:
        """run.sh's header option, with a token logged in less than 10 minutes ago."""
        if self.given:
            return "-H", f"Authorization:Bearer {self.given}"
        if self.logged_in is None or time.monotonic() - self.logged_in > TOKEN_MAX_AGE_S:
            os.environ.pop(TOKEN_VARIABLE, None)  # else sent, maybe expired, with the login
            log_in(self.url)
            self.logged_in = time.monotonic()
        return "-H", f"Authorization:Bearer {os.environ[TOKEN_VARIABLE]}"

    def run(self, kit: Kit, query: str, c: int, args: argparse.Namespace) -> Measured:
        authorization = self.authorization()
        # BENCH_PGDATA: the kit's cpu/req[db] then counts our PostgreSQL, not its own.
        return kit.run(
            self.url, f"quyhoach/{query}", c, args, self.pid, *authorization, pgdata=OUR_PGDATA
        )


def compare(kit: Kit, args: argparse.Namespace) -> tuple[list[Pair], list[Pair], str]:
    """The side-by-side pairs, the workers' pairs, and what entries_page compares."""
    their_url, their_pid = kit.up()
    given = os.environ.get(TOKEN_VARIABLE)
    pairs: list[Pair] = []
    with serving(1, given) as ours:
        shapes = compared_shapes(kit, their_url, ours)
        print(shapes, file=sys.stderr)
        for query in QUERIES:
            for c in args.connections:
                theirs = kit.run(their_url, f"postgraphile/{query}", c, args, their_pid)
                pairs.append(Pair(query, theirs, ours.run(kit, query, c, args)))
        one = {(p.query, p.right.connections): p.right for p in pairs}
        for query, c in scaled(args):
            if (query, c) not in one:
                one[query, c] = ours.run(kit, query, c, args)
    scaling: list[Pair] = []
    if args.workers_scaling:
        with serving(2, given) as ours:
            for query, c in scaled(args):
                scaling.append(Pair(query, one[query, c], ours.run(kit, query, c, args)))
    return pairs, scaling, shapes


def scaled(args: argparse.Namespace) -> list[tuple[str, int]]:
    if not args.workers_scaling:
        return []
    return [(query, c) for query in SCALED for c in SCALING_CONNECTIONS]


@contextmanager
def serving(workers: int, given: str | None) -> Iterator[Ours]:
    """bench/run.py's server on a free port, ready. One worker serves in the process ``serve``
    runs (uvicorn in-process); two are children of it, which the kit's CPU count includes."""
    port = free_port()
    with server(port, workers) as process:
        wait_ready(process, f"http://127.0.0.1:{port}")
        yield Ours(f"http://127.0.0.1:{port}/graphql", process.pid, given)


def compared_shapes(kit: Kit, their_url: str, ours: Ours) -> str:
    """What the two entries_page answers hold, for the first variable set of each."""
    theirs = entries_in(kit.show(their_url, "postgraphile/entries_page"))
    mine = entries_in(kit.show(ours.url, "quyhoach/entries_page", *ours.authorization()))
    return (
        f"entries_page, first variable set: PostGraphile {theirs} entries (the first page of"
        f" the subtree of {first_variables(kit.root, 'postgraphile', 'entries_page')});"
        f" quyhoach {mine} entries (all of {first_variables(kit.root, 'quyhoach', 'entries_page')})"
    )


def git_commit() -> str:
    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True)
        return done.stdout.strip() if done.returncode == 0 else ""

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    return commit + (" with uncommitted changes" if git("status", "--porcelain", "-uno") else "")


def render(
    pairs: Sequence[Pair],
    scaling: Sequence[Pair],
    shapes: str,
    args: argparse.Namespace,
    command: str,
) -> str:
    measured = [m for p in [*pairs, *scaling] for m in (p.left, p.right)]
    parts = [
        f"`{command}` on {datetime.now().astimezone():%Y-%m-%d %H:%M %Z}, commit {git_commit()}:"
        f" {args.duration} s per run after a {args.warmup} s warm-up, one server process each"
        " (quyhoach: 1 uvicorn worker, the application's role), through the kit's run.sh.",
        f"Machine: {machine_line(measured, os.cpu_count(), cpu_model())}.",
        side_by_side_table(pairs),
        "Ratios are ours over theirs: above 1× we serve more requests per second, or spend more"
        " server CPU per request. DB CPU/req is all that each side's PostgreSQL spent during the"
        " run (the kit's; bench/var's, with whatever else used it) per request.",
        f"{tail_at_one(pairs)} (the target: within 3×).",
        f"{shapes}.",
    ]
    if scaling:
        parts += [
            "`QUYHOACH_WORKERS` 1 against 2 (server CPU of both workers):",
            scaling_table(scaling),
        ]
    return "\n\n".join(parts) + "\n"


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="python -m bench.peer", description=__doc__)
    root.add_argument("--duration", type=int, default=10, help="seconds per run (default 10)")
    root.add_argument("--warmup", type=int, default=3, help="seconds before each (default 3)")
    root.add_argument(
        "--connections", type=connection_counts, default=[1, 8, 32], help="default 1,8,32"
    )
    root.add_argument(
        "--workers-scaling",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also ours with 1 and 2 workers at c=8 and 32 (default: on)",
    )
    root.add_argument("--kit", type=Path, default=KIT, help=f"the peer kit (default {KIT})")
    return root


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parser().parse_args(argv)
    missing = [tool for tool in ("wrk", "node", "npm", "curl") if shutil.which(tool) is None]
    if missing:
        print(f"bench.peer: missing {', '.join(missing)} (see bench/README.md)", file=sys.stderr)
        return 2
    kit = Kit(args.kit)
    try:
        pairs, scaling, shapes = compare(kit, args)
    except BenchError as error:
        print(f"bench.peer: error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("bench.peer: interrupted", file=sys.stderr)
        return 130
    finally:
        kit.down()
    report = render(pairs, scaling, shapes, args, shlex.join(["python", "-m", "bench.peer", *argv]))
    print(report)
    RESULTS_DIR.mkdir(exist_ok=True)
    path = RESULTS_DIR / f"peer-{datetime.now():%Y%m%d-%H%M%S}.md"
    path.write_text(report)
    print(f"Written to {path.relative_to(REPO)}", file=sys.stderr)
    try:
        README.write_text(replace_section(README.read_text(), report))
    except ValueError as error:
        print(f"bench.peer: bench/README.md left as it was: {error}", file=sys.stderr)
        return 1
    print("… and into bench/README.md", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
