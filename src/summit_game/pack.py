"""A loaded pack, ready to play: scenes indexed, conditions compiled.

The content models (``model.py``) are the file format; this module holds
the form the engine runs on, built from plain dataclasses only (see
``forms.py``): a pack rebuilt from the validated-pack cache plays without
pydantic.  Everything the engine needs at each step is
computed here once (compiled conditions, effect tuples, the record), so a
step is a handful of dictionary look-ups and an explorer can run hundreds of
thousands of them a second.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from summit_game.conditions import Condition
from summit_game.diagnostics import Diagnostic
from summit_game.forms import PlayEnding, PlayHistory, PlayScenario, PlayTerm
from summit_game.record import Record

Effects = tuple[tuple[str, float], ...]


@dataclass(frozen=True, slots=True)
class PlayEvent:
    """A scene's entry event with its condition compiled."""

    text: str
    by: str | None
    effects: Effects
    condition: Condition | None
    sources: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PlayChoice:
    """A choice with its condition and ``next`` list compiled."""

    id: str
    text: str
    condition: Condition | None
    effects: Effects
    sets: frozenset[str]
    historical: bool
    next: tuple[tuple[Condition | None, str], ...]
    feedback: str | None = None
    """Shown after the choice is taken."""


@dataclass(frozen=True, slots=True)
class PlayScene:
    """A scene as the engine sees it, with the texts the game shows (see ``model.Scene``)."""

    id: str
    role: str
    date: dt.date
    title: str
    choices: tuple[PlayChoice, ...]
    events: tuple[PlayEvent, ...]
    text: str
    place: str | None = None
    history: PlayHistory | None = None
    counterfactual: bool = False
    prompt: str | None = None
    ending: PlayEnding | None = None
    is_ending: bool = field(init=False)
    """True for an ending: a field, not a property, since the explorer asks it millions of times."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "is_ending", self.ending is not None)

    def choice(self, choice_id: str) -> PlayChoice | None:
        """The choice with this id, or None."""
        for c in self.choices:
            if c.id == choice_id:
                return c
        return None

    @property
    def historical_choice(self) -> PlayChoice | None:
        """The choice the real actor made, if the scene marks one."""
        for c in self.choices:
            if c.historical:
                return c
        return None


@dataclass(frozen=True)
class Pack:
    """A whole pack, loaded and checked."""

    root: Path
    scenario: PlayScenario
    scenes: dict[str, PlayScene]
    glossary: dict[str, PlayTerm]
    record: Record
    digest: str
    """SHA-256 of every file read, so saves can tell an edited pack."""
    locations: dict[str, tuple[str, int]] = field(default_factory=dict)
    """Scene id -> (file, line), for messages and live reload."""
    warnings: tuple[Diagnostic, ...] = ()

    @property
    def id(self) -> str:
        """The pack id saves refer to."""
        return self.scenario.id

    @property
    def version(self) -> str:
        """The pack's own version string."""
        return self.scenario.version

    def meter_label(self, meter_id: str) -> str:
        """A meter's label for players."""
        return self.scenario.meters[meter_id].label

    def source_titles(self, ids: list[str] | tuple[str, ...]) -> list[str]:
        """Human-readable citations for source ids (title, publisher, date)."""
        out = []
        for sid in ids:
            src = self.scenario.sources.get(sid)
            if src is None:
                continue
            bits = [src.title]
            if src.publisher:
                bits.append(src.publisher)
            if src.date:
                bits.append(str(src.date))
            out.append(", ".join(bits))
        return out
