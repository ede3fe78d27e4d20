"""One row of the table, and the statistics it shows."""

import statistics
from dataclasses import dataclass, field


def percentile(values, p):
    """The p-th percentile by rank (nearest rank, as the earlier bench computed it)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = max(0, min(len(ordered) - 1, int(round(p / 100 * len(ordered) + 0.5)) - 1))
    return ordered[k]


@dataclass(frozen=True)
class Stats:
    median: float
    min: float
    max: float
    p99: float
    n: int

    @classmethod
    def of(cls, values):
        values = list(values)
        return cls(statistics.median(values), min(values), max(values), percentile(values, 99), len(values))

    @classmethod
    def single(cls, value):
        """One figure (a computed value, or one measurement per run)."""
        return cls(value, value, value, value, 1)


@dataclass
class Row:
    workload: str
    subject: str
    stats: Stats | None
    unit: str
    reference: str = ""
    ratio: float | None = None
    target: str = ""
    met: bool | None = None
    n: str | None = None  # overrides the count (e.g. "computed")
    show_p99: bool = False
    digits: int = 1

    def _fmt(self, value):
        if value is None or value != value:
            return "-"
        return f"{value:.{self.digits}f}"

    def cells(self):
        s = self.stats
        return [
            self.workload, self.subject,
            self._fmt(s.median) if s else "-", self._fmt(s.min) if s else "-", self._fmt(s.max) if s else "-",
            self._fmt(s.p99) if s and self.show_p99 else "",
            self.n if self.n is not None else (str(s.n) if s else ""),
            self.unit, self.reference,
            f"{self.ratio:.2f}x" if self.ratio is not None and self.ratio == self.ratio else "",
            self.target, "" if self.met is None else ("yes" if self.met else "**MISSED**"),
        ]


@dataclass
class Table:
    """The rows and notes a run collects, in the order they were added."""
    rows: list = field(default_factory=list)
    notes: list = field(default_factory=list)

    def add(self, row):
        self.rows.append(row)

    def note(self, text):
        self.notes.append(text)


def ms(seconds):
    return seconds * 1000.0


def ratio(value, reference):
    return value / reference if reference else None
