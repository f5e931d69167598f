"""What the screens show, worked out from the pack and the state (no Textual).

Every function here is pure, so the same wording reaches every screen and
the tests can check it without running an app.  Content text always goes
through :func:`summit_game.text.visible` before it reaches a widget, and
widgets receive :class:`rich.text.Text` objects, never markup strings.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text

from summit_game.text import number, signed, visible

if TYPE_CHECKING:
    # Types only: the title screen's first frame must not wait for the engine
    # (and the pack it reads); divergence_text imports it when first called.
    from summit_game.engine import GameState, MeterChange
    from summit_game.pack import Pack

_LIST_ITEM = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s")


def reflow(text: str) -> str:
    """Join the hard-wrapped lines of each paragraph, so text wraps to the window.

    Authors write YAML block text wrapped at their editor's width; a blank line
    separates paragraphs, and list items (``- ``, ``• ``, ``1. ``) keep their lines.
    """
    paragraphs = re.split(r"\n\s*\n", text.strip())
    out = []
    for para in paragraphs:
        lines = [line.strip() for line in para.splitlines()]
        joined: list[str] = []
        for line in lines:
            if joined and not _LIST_ITEM.match(line):
                joined[-1] = f"{joined[-1]} {line}"
            else:
                joined.append(line)
        out.append("\n".join(joined))
    return "\n\n".join(out)


def plain(text: str | None, style: str = "") -> Text:
    """Content text as a Text object: control characters shown, never markup, reflowed."""
    return Text(visible(reflow(text or "")), style=style)


MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def long_date(date: dt.date) -> str:
    """``12 June 2018`` (English month names whatever the locale)."""
    return f"{date.day} {MONTHS[date.month - 1]} {date.year}"


def seat_name(pack: Pack, state: GameState | None, seat: str) -> str:
    """A seat's title, with the player's name in hot-seat or when given."""
    role = pack.scenario.roles[seat].name
    who = state.names.get(seat) if state is not None else None
    return f"{role} ({who})" if who else role


def save_label(pack: Pack, state: GameState) -> str:
    """The one-line label written into saves (the same as ``--plain`` writes)."""
    scene = pack.scenes[state.scene_id]
    return f"{scene.date.isoformat()} {','.join(state.seats)}: {scene.title}"


def gap_words(value: float, record: float) -> str:
    """The difference from history in words, e.g. ``8 above history``."""
    gap = value - record
    if gap == 0:
        return "same as history"
    return f"{number(abs(gap))} {'above' if gap > 0 else 'below'} history"


def change_line(pack: Pack, change: MeterChange) -> str:
    """``Trust US–DPRK −8 (now 32): Walk out``."""
    label = pack.meter_label(change.meter)
    return (
        f"{visible(label)} {signed(change.after - change.before)} "
        f"(now {number(change.after)}): {visible(change.cause)}"
    )


@dataclass(frozen=True)
class MeterPath:
    """One meter's values through a run, beside the record on the same dates."""

    meter: str
    label: str
    low: float
    high: float
    dates: list[dt.date]
    run: list[float]
    record: list[float]


def meter_paths(pack: Pack, state: GameState) -> list[MeterPath]:
    """Every meter's path from the pack's start to the current date.

    The run's values come from the decisions' recorded changes (no replay):
    the start values, the opening events, then each decision's changes in turn.
    """
    values = {mid: float(m.start) for mid, m in pack.scenario.meters.items()}
    for ch in state.opening:
        values[ch.meter] = ch.after
    points: list[tuple[dt.date, dict[str, float]]] = [(pack.scenario.start, dict(values))]
    for d in state.decisions:
        for ch in d.changes:
            values[ch.meter] = ch.after
        points.append((d.date, dict(values)))
    now = state.date(pack)
    if now > points[-1][0]:
        points.append((now, dict(values)))
    else:
        points[-1] = (points[-1][0], dict(values))
    out = []
    for mid, m in pack.scenario.meters.items():
        out.append(
            MeterPath(
                meter=mid,
                label=m.label,
                low=float(m.min),
                high=float(m.max),
                dates=[p[0] for p in points],
                run=[p[1][mid] for p in points],
                record=[pack.record.at(p[0])[mid] for p in points],
            )
        )
    return out


def value_on(path: MeterPath, date: dt.date) -> float:
    """The run's value of a meter on ``date`` (the last point at or before it)."""
    value = path.run[0]
    for when, v in zip(path.dates, path.run, strict=True):
        if when > date:
            break
        value = v
    return value


def divergence_text(pack: Pack, state: GameState) -> str:
    """``Divergence from history: 12.5``."""
    from summit_game import engine

    return f"Divergence from history: {number(engine.divergence(pack, state))}"
