"""The figures the reliability runs measure, printed together at the end of the run (conftest's
terminal summary), so that `make test-reliability` shows them without -s."""

from __future__ import annotations

LINES: list[str] = []


def say(line: str) -> None:
    LINES.append(line)
