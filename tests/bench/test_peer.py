"""The peer comparison's pure parts (bench/peer_report.py): what the kit's ``run.sh --json``
prints becomes the ratio table written into bench/README.md. No load, no kit, no node."""

from __future__ import annotations

import json
from argparse import Namespace
from pathlib import Path

import pytest

from bench.peer import render
from bench.peer_report import (
    BEGIN,
    END,
    HEADING,
    Measured,
    Pair,
    entries_in,
    first_variables,
    machine_line,
    parse_kit_output,
    replace_section,
    scaling_table,
    side_by_side_table,
    tail_at_one,
)

# Two lines as the kit's lib/run.py prints them with --json (its benchcommon.emit), the first
# captured from PostGraphile v5 on this machine; a notice line before them, as wrappers print.
KIT_OUTPUT = """\
notice: something the kit's shell said
{"label": "postgraphile/unit_by_id", "target": "http://127.0.0.1:5051/graphql", "concurrency": 1, "duration_s": 1.005593, "requests": 346, "rps": 344.0755852516873, "p50_us": 2793, "p90_us": 5464, "p99_us": 11108, "max_us": 14869, "errors": 0, "bg_cpu": 100.0, "param_sets": 16, "server_cpu_us": 1531.7919075144541, "db_cpu_us": 115.60693641617225, "client_cpu_us": 83.68497109826589}
{"label": "quyhoach/unit_by_id", "target": "http://127.0.0.1:40000/graphql", "concurrency": 8, "duration_s": 10.0, "requests": 1500, "rps": 150.0, "p50_us": 6140, "p90_us": 9000, "p99_us": 21790, "max_us": 30000, "errors": 0, "bg_cpu": 3.0, "param_sets": 16, "server_cpu_us": 5480.0, "db_cpu_us": null, "client_cpu_us": 40.0}
"""  # noqa: E501


def measured(label: str, c: int, rps: float, p50: float, p99: float, cpu: float | None) -> Measured:
    return Measured(label, c, rps, p50, p99, int(rps * 10), 0, cpu, None, 2.0)


def test_the_kits_json_lines_are_read_and_its_other_lines_skipped() -> None:
    theirs, ours = parse_kit_output(KIT_OUTPUT)

    assert theirs == Measured(
        label="postgraphile/unit_by_id",
        connections=1,
        rps=344.0755852516873,
        p50_us=2793,
        p99_us=11108,
        requests=346,
        errors=0,
        server_cpu_us=1531.7919075144541,
        db_cpu_us=115.60693641617225,
        bg_cpu=100.0,
    )
    assert (ours.connections, ours.db_cpu_us) == (8, None)  # no postmaster found: unknown


def test_the_table_sets_each_pair_side_by_side_with_its_ratios() -> None:
    pairs = [
        Pair(
            "unit_by_id",
            measured("pg", 1, 2000, 400, 1200, 400),
            measured("qh", 1, 500, 1800, 4000, 1600),
        ),
        Pair(
            "unit_by_id",
            measured("pg", 8, 4000, 1900, 6000, 300),
            measured("qh", 8, 600, 13000, 40000, None),
        ),
    ]

    lines = side_by_side_table(pairs).splitlines()

    assert lines[0].startswith("| query | c | PostGraphile v5 rps · p50 · p99 · server CPU/req |")
    assert lines[2] == (
        "| one unit by id (6 fields) | 1 | 2,000 · 0.40 ms · 1.20 ms · 0.40 ms"
        " | 500 · 1.80 ms · 4.00 ms · 1.60 ms | 0.25× | 4.00× | - · - |"
    )
    # The query is named once; a CPU nobody measured is a dash, never a made-up ratio.
    assert lines[3] == (
        "| | 8 | 4,000 · 1.90 ms · 6.00 ms · 0.30 ms | 600 · 13.00 ms · 40.00 ms · - | 0.15×"
        " | - | - · - |"
    )
    assert len(lines) == 4


def test_the_workers_table_gives_the_throughput_of_two_over_one() -> None:
    one = measured("qh", 32, 500, 60000, 90000, 1700)
    two = measured("qh", 32, 850, 37000, 70000, 1900)

    row = scaling_table([Pair("entries_page", one, two)]).splitlines()[2]

    assert row.startswith("| ≈50 entries with person and position (nested) | 32 | 500 · ")
    assert row.endswith("| 1.70× |")


def test_the_tail_at_one_connection_is_p99_over_p50() -> None:
    pairs = [
        Pair("unit_by_id", measured("pg", 1, 1, 400, 1200, 1), measured("qh", 1, 1, 2000, 5000, 1)),
        Pair("unit_by_id", measured("pg", 8, 1, 1, 1, 1), measured("qh", 8, 1, 1, 99, 1)),
    ]

    assert tail_at_one(pairs) == "p99/p50 of quyhoach at c=1: unit_by_id 2.50× (PostGraphile 3.00×)"
    assert tail_at_one(pairs[1:]) == "p99/p50 of quyhoach at c=1: not measured"


def test_a_busy_machine_is_said_so() -> None:
    quiet = measured("qh", 1, 1, 1, 1, 1)
    busy = Measured("pg", 1, 1, 1, 1, 1, 0, 1, 1, 55.0)

    assert machine_line([quiet], 2, "AMD EPYC").endswith("; bg_cpu 2–2 %")
    line = machine_line([quiet, busy], 2, "AMD EPYC")
    assert line.startswith("2 CPUs (AMD EPYC), ")
    assert "bg_cpu 2–55 % (1 of 2 runs above 10 %: the machine was busy" in line


README = f"""# HTTP benchmark

Intro.

{HEADING}

How it runs.

{BEGIN}
the old table
{END}

## Later section

Kept.
"""


def test_the_readme_section_between_the_markers_is_replaced_and_nothing_else() -> None:
    replaced = replace_section(README, "| new | table |\n")

    assert replaced == README.replace("the old table", "| new | table |")
    assert replace_section(replaced, "again") == README.replace("the old table", "again")


def test_a_readme_without_markers_gets_the_heading_and_the_section_at_its_end() -> None:
    replaced = replace_section("# HTTP benchmark\n\nIntro.\n", "table")

    assert replaced == f"# HTTP benchmark\n\nIntro.\n\n{HEADING}\n\n{BEGIN}\ntable\n{END}\n"


@pytest.mark.parametrize("broken", [f"{END}\nx\n{BEGIN}\n", f"{BEGIN}\nx\n", f"x\n{END}\n"])
def test_markers_out_of_order_or_alone_leave_the_readme_alone(broken: str) -> None:
    with pytest.raises(ValueError, match="not in order"):
        replace_section(broken, "table")


def test_entries_are_counted_in_either_servers_answer() -> None:
    theirs = {"data": {"unitSubtreeEntries": {"pageInfo": {}, "nodes": [{"id": 1}] * 50}}}
    ours = {"data": {"node": {"id": "UGxhbjoyMTcz", "entries": [{"id": "x"}] * 52}}}

    assert (entries_in(theirs), entries_in(ours)) == (50, 52)


def test_the_first_variable_set_is_shown_with_global_ids_decoded(tmp_path: Path) -> None:
    for target, variables in (("quyhoach", [{"plan": "UGxhbjoyMTcz"}, {}]), ("pg", {"u": 64})):
        (tmp_path / "queries" / target).mkdir(parents=True)
        (tmp_path / "queries" / target / "q.json").write_text(json.dumps(variables))

    assert first_variables(tmp_path, "quyhoach", "q") == "plan Plan:2173"
    assert first_variables(tmp_path, "pg", "q") == "u 64"


def test_the_report_names_the_command_durations_machine_and_shapes() -> None:
    pair = Pair("unit_by_id", measured("pg", 8, 2000, 1, 2, 1), measured("qh", 8, 500, 1, 2, 1))
    args = Namespace(duration=2, warmup=1)

    alone = render([pair], [], "entries_page, first variable set: …", args, "python -m bench.peer")
    with_workers = render([pair], [pair], "shapes", args, "python -m bench.peer")

    assert alone.startswith("`python -m bench.peer` on ")
    assert ": 2 s per run after a 1 s warm-up, one server process each" in alone
    assert "\n\nMachine: " in alone
    assert "\n\n| query | c | PostGraphile v5 " in alone
    assert "\n\nentries_page, first variable set: ….\n" in alone
    assert "1 worker" not in alone
    assert "\n\n| query | c | 1 worker rps · p50 · p99 · server CPU/req " in with_workers
