"""A progress bar for long CLI steps: redrawn in place on a terminal, quiet otherwise."""

from __future__ import annotations

import sys
from typing import TextIO


class ProgressBar:
    def __init__(self, label: str, stream: TextIO = sys.stderr, width: int = 30) -> None:
        self.label = label
        self.stream = stream
        self.width = width
        self.interactive = stream.isatty()

    def __call__(self, done: int, total: int) -> None:
        filled = self.width * done // total if total else self.width
        line = f"{self.label} [{'#' * filled}{'.' * (self.width - filled)}] {done}/{total}"
        if self.interactive:
            self.stream.write(f"\r{line}")
            if done >= total:
                self.stream.write("\n")
        elif done >= total:
            self.stream.write(f"{line}\n")
        self.stream.flush()
