"""Phases of a long command, timed, with a progress bar on stderr (a terminal gets one redrawn line, a log a line
every 10%)."""

import time
from contextlib import contextmanager


class Bar:
    def __init__(self, stream, label: str, total: int):
        self.stream, self.label, self.total = stream, label, max(total, 1)
        self.done, self.started, self.drawn = 0, time.monotonic(), 0.0
        self.tty = getattr(stream, "isatty", lambda: False)()
        self.next_tenth = 1

    def update(self, n: int) -> None:
        self.done += n
        now = time.monotonic()
        if self.tty:
            if now - self.drawn >= 0.2 or self.done >= self.total:
                self.drawn = now
                self.stream.write("\r" + self.line(now))
                self.stream.flush()
        elif self.done * 10 >= self.next_tenth * self.total:
            self.next_tenth = self.done * 10 // self.total + 1
            self.stream.write(self.line(now) + "\n")

    def line(self, now: float) -> str:
        share = min(self.done / self.total, 1.0)
        filled = int(share * 30)
        return (
            f"  {self.label:<12} [{'#' * filled}{'.' * (30 - filled)}] {share:4.0%} "
            f"{self.done:,}/{self.total:,} {now - self.started:6.1f} s"
        )

    def close(self) -> None:
        if self.tty:
            self.stream.write("\n")


class Phases:
    """`with phases("bookings", total=n) as bar: bar.update(k)`; `phases.seconds` keeps each phase's time."""

    def __init__(self, stream):
        self.stream = stream
        self.seconds: dict[str, float] = {}
        self.started: dict[str, float] = {}

    def start(self, name: str) -> None:
        """For a phase that is the end of a `with` block (a commit): start(name) inside it, stop(name) after."""
        self.started[name] = time.monotonic()

    def stop(self, name: str) -> None:
        self.seconds[name] = self.seconds.get(name, 0.0) + time.monotonic() - self.started.pop(name)
        self.stream.write(f"  {name}: {self.seconds[name]:.1f} s\n")

    @contextmanager
    def __call__(self, name: str, total: int | None = None):
        started = time.monotonic()
        bar = Bar(self.stream, name, total) if total else None
        if bar is None:
            self.stream.write(f"  {name} …\n")
        try:
            yield bar
        finally:
            if bar is not None:
                bar.close()
            self.seconds[name] = self.seconds.get(name, 0.0) + time.monotonic() - started
            self.stream.write(f"  {name}: {self.seconds[name]:.1f} s\n")
