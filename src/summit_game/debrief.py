"""The debrief of a run as plain data: every decision beside history.

Front ends (``--plain``, the TUI, Markdown/HTML exports) format these rows;
none of them recomputes what the run meant.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from summit_game.engine import GameState
from summit_game.pack import Pack
from summit_game.text import visible


@dataclass(frozen=True)
class DecisionRow:
    """One decision, beside what the real actor did."""

    number: int
    seat: str
    date: dt.date
    scene_title: str
    chosen: str
    historical: bool
    history_choice: str | None
    """The text of the choice the real actor made (None when the scene marks none)."""
    history_summary: str | None
    sources: list[str]
    prompt: str | None
    journal: str | None
    divergence: float


@dataclass(frozen=True)
class MeterRow:
    """A meter's final value beside the record at the same date."""

    meter: str
    label: str
    value: float
    record: float


@dataclass(frozen=True)
class Debrief:
    """Everything a debrief shows."""

    decisions: list[DecisionRow]
    meters: list[MeterRow]
    divergence: float
    matched: int
    """How many decisions matched the historical choice."""
    endings: dict[str, tuple[str, str]]
    """Seat -> (ending title, ending summary), for seats that reached one."""


@dataclass(frozen=True)
class Point:
    """The run's meters and the record's on one date (for charts over time)."""

    date: dt.date
    run: dict[str, float]
    record: dict[str, float]
    divergence: float


def meter_path(pack: Pack, state: GameState) -> list[Point]:
    """The run's meters after the opening and after each decision, beside the record.

    Read from the changes each decision recorded (no replay): the scene on the
    table after decision k is where decision k+1 was taken, so that is the
    date of the point after decision k.
    """
    values = {mid: float(m.start) for mid, m in pack.scenario.meters.items()}
    for ch in state.opening:
        values[ch.meter] = ch.after
    dates = [d.date for d in state.decisions] + [state.date(pack)]
    points = [_point(pack, dates[0], values)]
    for d, date in zip(state.decisions, dates[1:], strict=True):
        for ch in d.changes:
            values[ch.meter] = ch.after
        points.append(_point(pack, date, values))
    return points


def _point(pack: Pack, date: dt.date, values: dict[str, float]) -> Point:
    return Point(date, dict(values), pack.record.at(date), pack.record.divergence(values, date))


def build_debrief(pack: Pack, state: GameState) -> Debrief:
    """Compare a run with the historical record."""
    rows = []
    for i, d in enumerate(state.decisions, 1):
        scene = pack.scenes.get(d.scene)
        if scene is None:
            continue
        chosen = scene.choice(d.choice)
        hist = scene.historical_choice
        history = scene.history
        # Text is made visible here, once, so no front end can forget it.
        rows.append(
            DecisionRow(
                i,
                d.seat,
                d.date,
                visible(scene.title),
                visible(chosen.text if chosen else d.choice),
                d.historical,
                visible(hist.text) if hist else None,
                visible(history.summary) if history else None,
                pack.source_titles(history.sources) if history else [],
                visible(scene.prompt) if scene.prompt else None,
                visible(d.journal) if d.journal is not None else None,
                d.divergence,
            )
        )
    date = state.date(pack)
    record = pack.record.at(date)
    meters = [
        MeterRow(mid, m.label, state.meters[mid], record[mid])
        for mid, m in pack.scenario.meters.items()
    ]
    endings = {}
    for seat in state.seats:
        scene = pack.scenes[state.positions[seat]]
        if scene.ending is not None:
            endings[seat] = (scene.ending.title, scene.ending.summary)
    return Debrief(
        rows,
        meters,
        pack.record.divergence(state.meters, date),
        sum(r.historical for r in rows),
        endings,
    )
