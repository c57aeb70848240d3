"""What a command that goes file by file did: one line per file, counts by outcome, failures."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Report:
    command: str  # as the summary line starts: `extract: 3 created, 2 unchanged`
    lines: list[str] = field(default_factory=list)
    failed: int = 0
    counts: dict[str, int] = field(default_factory=dict)

    def add(self, outcome: str, message: str | None = None) -> None:
        """Count one file's outcome; `message` is its line, if it needs one."""
        self.counts[outcome] = self.counts.get(outcome, 0) + 1
        if message is not None:
            self.lines.append(message)

    def fail(self, message: str) -> None:
        self.failed += 1
        self.add("failed", f"error: {message}")

    def summary(self) -> str:
        parts = [f"{n} {outcome}" for outcome, n in sorted(self.counts.items())]
        return f"{self.command}: " + (", ".join(parts) or "no files")
