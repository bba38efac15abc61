"""One owner for the embedded PostgreSQL: whoever started it stops it, a joiner leaves it
running, and one left behind by a killed process is reported and taken over (issue 13, 11).

Each test drives real processes on a server of its own, in a temporary data folder.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

from api.settings import Settings

# A process that arrives at the server, says how, and closes its handle when told to.
ARRIVE = """
import json, sys
from pathlib import Path
from db import embedded
server = embedded.start(Path(sys.argv[1]))
print(json.dumps({"arrival": server.arrival.value, "postmaster": server.postmaster_pid,
                  "other": server.other_pid}), flush=True)
sys.stdin.readline()
server.close()
print("closed", flush=True)
"""


class Arrival:
    def __init__(self, data_dir: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", ARRIVE, str(data_dir)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        assert line, "the process ended before arriving"
        self.said = json.loads(line)

    @property
    def pid(self) -> int:
        return self.process.pid

    def leave(self) -> None:
        assert self.process.stdin is not None
        assert self.process.stdout is not None
        self.process.stdin.write("\n")
        self.process.stdin.flush()
        said = self.process.stdout.readline().strip()
        self.end(30)
        assert said == "closed"

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.end(10)

    def end(self, timeout: float) -> None:
        self.process.wait(timeout)
        for pipe in (self.process.stdin, self.process.stdout):
            if pipe is not None:
                pipe.close()


def running(pid: int) -> bool:
    try:
        status: str = psutil.Process(pid).status()
    except psutil.NoSuchProcess:
        return False
    return status != psutil.STATUS_ZOMBIE


def stopped_within(pid: int, seconds: float = 15) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not running(pid):
            return True
        time.sleep(0.1)
    return False


@pytest.fixture
def data_dir(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "postgres"
    yield folder
    # Whatever a failing test left running is stopped here, not left on the machine.
    pid_file = folder / "postmaster.pid"
    if pid_file.exists():
        pid = int(pid_file.read_text().split()[0])
        if running(pid):
            os.kill(pid, signal.SIGTERM)
            stopped_within(pid)


def test_the_process_that_started_it_stops_it(data_dir: Path) -> None:
    first = Arrival(data_dir)
    assert first.said["arrival"] == "started"
    postmaster = first.said["postmaster"]
    assert running(postmaster)
    first.leave()
    assert stopped_within(postmaster)


def test_a_joiner_leaves_it_running_for_its_owner(data_dir: Path) -> None:
    owner = Arrival(data_dir)
    joiner = Arrival(data_dir)
    assert joiner.said == {
        "arrival": "joined",
        "postmaster": owner.said["postmaster"],
        "other": owner.pid,
    }
    joiner.leave()
    time.sleep(0.5)
    assert running(owner.said["postmaster"]), "the joiner stopped a server it did not start"
    owner.leave()
    assert stopped_within(owner.said["postmaster"])


def test_a_server_left_by_a_killed_process_is_taken_over_and_then_stopped(
    data_dir: Path,
) -> None:
    killed = Arrival(data_dir)
    killed.kill()
    postmaster = killed.said["postmaster"]
    assert running(postmaster), "PostgreSQL outlives the process that was killed"
    heir = Arrival(data_dir)
    assert heir.said == {"arrival": "taken over", "postmaster": postmaster, "other": killed.pid}
    heir.leave()
    assert stopped_within(postmaster)


def test_the_cli_says_it_joined_and_leaves_the_server_running(
    data_dir: Path, tmp_path: Path
) -> None:
    owner = Arrival(data_dir)
    environ = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL",)}
    environ["QUYHOACH_DATA_DIR"] = str(tmp_path)
    assert Settings.from_environ(environ).data_dir / "postgres" == data_dir
    done = subprocess.run(
        [sys.executable, "-m", "api.cli", "migrate"],
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert f"Joined the embedded PostgreSQL in {data_dir}" in done.stderr
    assert f"started by process {owner.pid}; it keeps running" in done.stderr
    assert f"Leaving the embedded PostgreSQL running: process {owner.pid} owns it." in done.stderr
    assert "Stopping" not in done.stderr
    assert running(owner.said["postmaster"])
    owner.leave()
    assert stopped_within(owner.said["postmaster"])
