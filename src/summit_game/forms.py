"""The play-time forms of a pack's scenario, glossary and scene texts.

The content models (``model.py``) are pydantic classes: they *are* the file
format, and validating a file against them is what pydantic does best.  Once
a pack has been validated there is nothing left to validate, so the game
plays on these plain frozen dataclasses instead, one per model, with the same
attribute names.  That keeps pydantic (about 8 MiB of memory and a tenth of a
second of start-up) out of a play session that starts from the validated-pack
cache (``packcache.py``): only checking a pack, or reading a save, needs it.

Lists of the models become tuples here, since a played pack never changes.
The loader turns validated models into these forms; the cache rebuilds them
straight from its JSON.  What each field means is documented once, on the
model with the same name.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class PlaySource:
    """A bibliography entry (see ``model.Source``)."""

    title: str
    publisher: str | None = None
    date: str | dt.date | None = None
    url: str | None = None


@dataclass(frozen=True, slots=True)
class PlayMeter:
    """A tracked quantity (see ``model.Meter``)."""

    label: str
    start: float | int
    help: str | None = None
    min: float | int = 0
    max: float | int = 100


@dataclass(frozen=True, slots=True)
class PlayRole:
    """A playable seat (see ``model.Role``)."""

    name: str
    brief: str
    start: str
    goals: tuple[str, ...] = ()
    red_lines: tuple[str, ...] = ()
    answers_to: str | None = None


@dataclass(frozen=True, slots=True)
class PlayCheckpoint:
    """The meters as history had them at one date (see ``model.Checkpoint``)."""

    date: dt.date
    values: dict[str, float | int]
    note: str | None = None
    sources: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PlayScenario:
    """``scenario.yaml`` as the game reads it (see ``model.Scenario``)."""

    id: str
    title: str
    summary: str
    version: str
    start: dt.date
    end: dt.date
    roles: dict[str, PlayRole]
    meters: dict[str, PlayMeter]
    record: tuple[PlayCheckpoint, ...] = ()
    sources: dict[str, PlaySource] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class PlayTerm:
    """A glossary term's entry (see ``model.GlossaryEntry``)."""

    definition: str
    sources: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PlayHistory:
    """What really happened at a scene (see ``model.History``)."""

    summary: str
    sources: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PlayEnding:
    """What an ending scene means (see ``model.Ending``)."""

    title: str
    summary: str
    historical: bool = False
