"""The game engine: one immutable state and a pure step.

``step(pack, state, choice_id)`` returns a new :class:`GameState` and the
:class:`Decision` it recorded, with every meter change and its cause; the
old state is untouched, so undo, saves, debriefs and replays all fall out of
the decision log.  Undo is a replay of that log from the start: exact,
because nothing here is random or reads the clock.

Play with several seats (hot-seat) shares one state: the seat whose current
scene has the earliest date moves next (ties go in seat order), and an
entry event caused by a seat a player holds is skipped, since that player's
own choice produces it.

The state and the decision log are plain frozen dataclasses, not pydantic
models: playing (a new game, its steps, the autosaves written and read) never
imports pydantic, which would cost memory and start-up time in every session.
:mod:`summit_game.statejson` checks a save being read against these classes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from summit_game.errors import GameError
from summit_game.pack import Effects, Pack, PlayChoice, PlayScene


@dataclass(frozen=True, slots=True, kw_only=True)
class MeterChange:
    """One meter moving, and why."""

    meter: str
    before: float
    after: float
    cause: str
    """The choice or event that moved it, in the pack's words."""
    kind: str = "choice"
    """``choice`` for the player's decision, ``event`` for what others did."""

    @property
    def delta(self) -> float:
        """The change actually applied (after clamping)."""
        return self.after - self.before


@dataclass(frozen=True, slots=True, kw_only=True)
class Decision:
    """One decision taken in a run."""

    seat: str
    scene: str
    choice: str
    date: dt.date
    historical: bool
    """True when the player did what the real actor did."""
    historical_choice: str | None
    """The id of the choice the real actor made, when the scene marks one."""
    changes: tuple[MeterChange, ...] = ()
    """Every meter change this decision caused, then the next scene's events."""
    journal: str | None = None
    """The player's answer to the scene's reflection question."""
    divergence: float = 0.0
    """Divergence from history after the decision, at the next scene's date."""


@dataclass(frozen=True, slots=True, kw_only=True)
class GameState:
    """The whole state of one run; every field a save needs."""

    seats: tuple[str, ...]
    """The seats played by people (one for solo play, two or three for hot-seat)."""
    names: dict[str, str] = field(default_factory=dict)
    """Seat -> player's name, when given."""
    positions: dict[str, str]
    """Seat -> the scene it is at."""
    turn: str
    """The seat whose decision comes next."""
    meters: dict[str, float]
    flags: frozenset[str] = frozenset()
    visited: frozenset[str] = frozenset()
    """Every scene the run has shown, the current ones included."""
    decisions: tuple[Decision, ...] = ()
    opening: tuple[MeterChange, ...] = ()
    """Meter changes made by the opening scenes' events."""
    seed: int = 0
    """Seed for anything random around the run (explorer order); the engine itself is
    deterministic."""

    @property
    def scene_id(self) -> str:
        """The scene now on the table."""
        return self.positions[self.turn]

    def date(self, pack: Pack) -> dt.date:
        """The date of the scene now on the table."""
        return pack.scenes[self.scene_id].date


def _apply(
    pack: Pack,
    meters: dict[str, float],
    effects: Effects,
    cause: str,
    kind: str,
    out: list[MeterChange],
) -> None:
    spec = pack.scenario.meters
    for mid, delta in effects:
        before = meters[mid]
        m = spec[mid]
        after = min(float(m.max), max(float(m.min), before + delta))
        meters[mid] = after
        if after != before:
            out.append(MeterChange(meter=mid, before=before, after=after, cause=cause, kind=kind))


def _enter(
    pack: Pack,
    scene: PlayScene,
    seats: Sequence[str],
    meters: dict[str, float],
    flags: frozenset[str],
    visited: frozenset[str],
    out: list[MeterChange],
) -> frozenset[str]:
    """Show a scene: mark it visited and apply its entry events (once per run)."""
    if scene.id in visited:
        return visited
    visited = visited | {scene.id}
    for ev in scene.events:
        if ev.by is not None and ev.by in seats:
            continue
        if ev.condition is not None and not ev.condition(meters, flags, visited):
            continue
        _apply(pack, meters, ev.effects, ev.text, "event", out)
    return visited


def _next_turn(pack: Pack, seats: Sequence[str], positions: dict[str, str], prefer: str) -> str:
    live = [s for s in seats if not pack.scenes[positions[s]].is_ending]
    if not live:
        return prefer
    return min(live, key=lambda s: (pack.scenes[positions[s]].date, seats.index(s)))


def new_game(
    pack: Pack, seats: Sequence[str], *, seed: int = 0, names: dict[str, str] | None = None
) -> GameState:
    """The state at the start of a run for these seats."""
    if not seats:
        raise GameError("choose at least one seat")
    for s in seats:
        if s not in pack.scenario.roles:
            known = ", ".join(pack.scenario.roles)
            raise GameError(f"unknown seat {s!r}", f"choose one of: {known}")
    if len(set(seats)) != len(seats):
        raise GameError("a seat is named twice")
    seats = tuple(seats)
    meters = {mid: float(m.start) for mid, m in pack.scenario.meters.items()}
    positions = {s: pack.scenario.roles[s].start for s in seats}
    turn = _next_turn(pack, seats, positions, seats[0])
    changes: list[MeterChange] = []
    visited = _enter(
        pack, pack.scenes[positions[turn]], seats, meters, frozenset(), frozenset(), changes
    )
    return GameState(
        seats=seats,
        names=dict(names or {}),
        positions=positions,
        turn=turn,
        meters=meters,
        visited=visited,
        opening=tuple(changes),
        seed=seed,
    )


def is_over(pack: Pack, state: GameState) -> bool:
    """True when every seat has reached an ending."""
    return all(pack.scenes[state.positions[s]].is_ending for s in state.seats)


def available(pack: Pack, state: GameState) -> list[PlayChoice]:
    """The choices on offer now: those whose condition holds, in the pack's order."""
    scene = pack.scenes[state.scene_id]
    return [
        c
        for c in scene.choices
        if c.condition is None or c.condition(state.meters, state.flags, state.visited)
    ]


def step(
    pack: Pack, state: GameState, choice_id: str, journal: str | None = None
) -> tuple[GameState, Decision]:
    """Take a choice; return the new state and the decision it recorded.

    Effects are added then clamped; the choice's flags are set; ``next`` is
    evaluated on that new state (first branch whose condition holds); then
    the next scene on the table is entered and its events applied.
    """
    scene = pack.scenes[state.scene_id]
    if scene.is_ending:
        raise GameError("this seat's game is over", "load a save or undo to play on")
    choice = next((c for c in available(pack, state) if c.id == choice_id), None)
    if choice is None:
        offered = ", ".join(c.id for c in available(pack, state))
        raise GameError(f"{choice_id!r} is not a choice on offer here", f"choose from: {offered}")
    meters = dict(state.meters)
    changes: list[MeterChange] = []
    _apply(pack, meters, choice.effects, choice.text, "choice", changes)
    flags = state.flags | choice.sets if choice.sets else state.flags
    target = choice.next[-1][1]
    for cond, goto in choice.next:
        if cond is None or cond(meters, flags, state.visited):
            target = goto
            break
    positions = {**state.positions, state.turn: target}
    turn = _next_turn(pack, state.seats, positions, state.turn)
    visited = _enter(
        pack, pack.scenes[positions[turn]], state.seats, meters, flags, state.visited, changes
    )
    hist = scene.historical_choice
    new_date = pack.scenes[positions[turn]].date
    decision = Decision(
        seat=state.turn,
        scene=scene.id,
        choice=choice.id,
        date=scene.date,
        historical=choice.historical,
        historical_choice=hist.id if hist else None,
        changes=tuple(changes),
        journal=journal,
        divergence=pack.record.divergence(meters, new_date),
    )
    new = replace(
        state,
        positions=positions,
        turn=turn,
        meters=meters,
        flags=flags,
        visited=visited,
        decisions=(*state.decisions, decision),
    )
    return new, decision


def record_journal(state: GameState, answer: str) -> GameState:
    """Attach the player's reflection to the last decision."""
    if not state.decisions:
        raise GameError("there is no decision to attach an answer to")
    last = replace(state.decisions[-1], journal=answer)
    return replace(state, decisions=(*state.decisions[:-1], last))


def replay(pack: Pack, state: GameState, upto: int | None = None) -> GameState:
    """Rebuild the run from its start through its first ``upto`` decisions.

    Raises :class:`GameError` when the pack no longer allows a recorded
    decision (an edited pack), naming the decision that broke.
    """
    decisions = state.decisions if upto is None else state.decisions[:upto]
    for s in state.positions:
        if s not in pack.scenario.roles:
            raise GameError(f"the save's seat {s!r} is not in this pack")
    current = new_game(pack, state.seats, seed=state.seed, names=state.names)
    for i, d in enumerate(decisions, 1):
        if current.scene_id not in pack.scenes or current.scene_id != d.scene:
            raise GameError(
                f"decision {i} was taken in scene {d.scene!r}, which this version "
                "of the pack no longer reaches"
            )
        try:
            current, _ = step(pack, current, d.choice, d.journal)
        except GameError as exc:
            raise GameError(
                f"decision {i} ({d.scene}: {d.choice}) cannot be replayed: {exc.message}"
            ) from None
    return current


def undo(pack: Pack, state: GameState, to: int | None = None) -> GameState:
    """Return to the state before decision ``to`` (1-based), default the last one."""
    n = len(state.decisions)
    if n == 0:
        raise GameError("nothing to undo yet")
    target = n - 1 if to is None else to - 1
    if not 0 <= target < n:
        raise GameError(f"there is no decision {to} to go back to", f"choose 1..{n}")
    return replay(pack, state, target)


def divergence(pack: Pack, state: GameState) -> float:
    """Divergence from history now (see record.py for the definition)."""
    return pack.record.divergence(state.meters, state.date(pack))
