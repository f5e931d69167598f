"""The historical record and the one definition of divergence from it.

The record is a list of dated checkpoints; a checkpoint may give only some
meters, the others keep their value from the checkpoint before (and, before
the first checkpoint, their start value).  The record's value for any date is
the latest checkpoint at or before that date.

**Divergence** (documented in the README) is how far a run has drifted from
history at a date: for every meter, the gap between the run's value and the
record's value as a share of the meter's range, averaged over the meters,
times 100.  With meters that run 0-100 it is simply the mean gap in points:
0 means exactly the record, 10 means the meters are on average ten points
off history.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Mapping

from summit_game.forms import PlayScenario


class Record:
    """Answers "what did history have on this date?" for every meter."""

    def __init__(self, scenario: PlayScenario) -> None:
        self.meters = scenario.meters
        values = {mid: float(m.start) for mid, m in scenario.meters.items()}
        self._dates: list[dt.date] = []
        self._values: list[dict[str, float]] = []
        self._start = dict(values)
        for cp in sorted(scenario.record, key=lambda c: c.date):
            values = {**values, **{k: float(v) for k, v in cp.values.items() if k in values}}
            self._dates.append(cp.date)
            self._values.append(values)
        self._span = {
            mid: (float(m.max) - float(m.min)) or 1.0 for mid, m in scenario.meters.items()
        }

    @property
    def dates(self) -> list[dt.date]:
        """The checkpoint dates, oldest first."""
        return list(self._dates)

    def at(self, date: dt.date) -> dict[str, float]:
        """The record's meter values on ``date`` (latest checkpoint at or before it)."""
        i = bisect.bisect_right(self._dates, date)
        return self._values[i - 1] if i else self._start

    def divergence(self, values: Mapping[str, float], date: dt.date) -> float:
        """How far ``values`` are from the record on ``date`` (0 = history)."""
        return divergence(values, self.at(date), self._span)


def divergence(
    values: Mapping[str, float], record: Mapping[str, float], span: Mapping[str, float]
) -> float:
    """Mean over meters of |value - record| / range, times 100 (see module docstring)."""
    if not span:
        return 0.0
    total = 0.0
    for mid, width in span.items():
        total += abs(values[mid] - record[mid]) / width
    return round(100.0 * total / len(span), 2)
