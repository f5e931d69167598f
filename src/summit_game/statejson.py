"""The game state to JSON values and back, every value checked on the way back.

A save comes from outside (a student's folder, a download, a shared drive),
so reading one checks every key and type before a state is rebuilt: unknown
keys are refused at every level, a number must be a number (not text, not
``true``), a date an ISO date.  Anything else raises ``ValueError``, which
the saves module turns into "the save is damaged".

Pydantic did this check until play stopped importing it: it costs a play
session about 8 MiB and a tenth of a second to import, and its validator
took tens of milliseconds to build on the first read (issue 7).  The save
format is small and fixed (three classes of the engine), so checking it by
hand is short, as strict, and leaves a returning student's session, which
reads its autosave, as light as a new one.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import math
from collections.abc import Callable
from typing import TypeVar

from summit_game.engine import Decision, GameState, MeterChange

T = TypeVar("T")

#: Values JSON holds as they are (``bool`` is an ``int``).
_PLAIN = (str, int, float, type(None))


# ----------------------------------------------------------------------------- to JSON


@functools.cache
def field_names(cls: type) -> tuple[str, ...]:
    """A dataclass's field names, in order."""
    return tuple(f.name for f in dataclasses.fields(cls))


def jsonable(value: object) -> object:
    """``value`` as JSON types.

    Dataclasses become objects (fields in order), tuples and sets lists (sets
    sorted, so the same state always makes the same file), dates ISO
    ``YYYY-MM-DD``, UTC times ``...T12:00:00Z``.  (Plain values are not sent
    through a call each: a long run holds thousands, and this runs at every
    autosave.)
    """
    if isinstance(value, _PLAIN):
        return value
    if isinstance(value, tuple | list):
        return [v if isinstance(v, _PLAIN) else jsonable(v) for v in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out = {}
        for name in field_names(type(value)):
            v = getattr(value, name)
            out[name] = v if isinstance(v, _PLAIN) else jsonable(v)
        return out
    if isinstance(value, dict):
        return {str(k): v if isinstance(v, _PLAIN) else jsonable(v) for k, v in value.items()}
    if isinstance(value, frozenset | set):
        return [jsonable(v) for v in sorted(value)]
    if isinstance(value, dt.datetime):
        iso = value.isoformat()
        return iso[:-6] + "Z" if iso.endswith("+00:00") else iso
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"a save cannot hold {type(value).__name__}")


# ----------------------------------------------------------------------------- from JSON


def fields_of(value: object, cls: type, required: tuple[str, ...]) -> dict[str, object]:
    """``value`` as the object of a ``cls``: no key it does not know, none it needs missing."""
    if not isinstance(value, dict):
        raise ValueError(f"{cls.__name__}: not an object")
    unknown = set(value) - set(field_names(cls))
    if unknown:
        raise ValueError(f"{cls.__name__}: unknown key {sorted(unknown)[0]!r}")
    missing = [k for k in required if k not in value]
    if missing:
        raise ValueError(f"{cls.__name__}: no {missing[0]!r}")
    return value


def text(value: object) -> str:
    """A string."""
    if type(value) is not str:
        raise ValueError("not text")
    return value


def _text_or_none(value: object) -> str | None:
    return None if value is None else text(value)


def integer(value: object) -> int:
    """A whole number (``true`` is not one)."""
    if type(value) is not int:
        raise ValueError("not a whole number")
    return value


def _number(value: object) -> float:
    if type(value) not in (int, float) or not math.isfinite(value):  # type: ignore[arg-type]
        raise ValueError("not a number")
    return float(value)  # type: ignore[arg-type]


def _flag(value: object) -> bool:
    if type(value) is not bool:
        raise ValueError("not true or false")
    return value


def _date(value: object) -> dt.date:
    return dt.date.fromisoformat(text(value))


def moment(value: object) -> dt.datetime:
    """An ISO date and time; one without a time zone is taken as UTC."""
    when = dt.datetime.fromisoformat(text(value))
    return when if when.tzinfo is not None else when.replace(tzinfo=dt.UTC)


def _list(value: object, item: Callable[[object], T]) -> list[T]:
    if not isinstance(value, list):
        raise ValueError("not a list")
    return [item(v) for v in value]


def _mapping(value: object, item: Callable[[object], T]) -> dict[str, T]:
    if not isinstance(value, dict):
        raise ValueError("not an object")
    return {text(k): item(v) for k, v in value.items()}


def _change(value: object) -> MeterChange:
    d = fields_of(value, MeterChange, ("meter", "before", "after", "cause"))
    return MeterChange(
        meter=text(d["meter"]),
        before=_number(d["before"]),
        after=_number(d["after"]),
        cause=text(d["cause"]),
        kind=text(d.get("kind", "choice")),
    )


def _decision(value: object) -> Decision:
    d = fields_of(
        value,
        Decision,
        ("seat", "scene", "choice", "date", "historical", "historical_choice"),
    )
    return Decision(
        seat=text(d["seat"]),
        scene=text(d["scene"]),
        choice=text(d["choice"]),
        date=_date(d["date"]),
        historical=_flag(d["historical"]),
        historical_choice=_text_or_none(d["historical_choice"]),
        changes=tuple(_list(d.get("changes", []), _change)),
        journal=_text_or_none(d.get("journal")),
        divergence=_number(d.get("divergence", 0.0)),
    )


def state(value: object) -> GameState:
    """The game state a save's ``state`` object holds; ``ValueError`` when it holds another."""
    d = fields_of(value, GameState, ("seats", "positions", "turn", "meters"))
    return GameState(
        seats=tuple(_list(d["seats"], text)),
        names=_mapping(d.get("names", {}), text),
        positions=_mapping(d["positions"], text),
        turn=text(d["turn"]),
        meters=_mapping(d["meters"], _number),
        flags=frozenset(_list(d.get("flags", []), text)),
        visited=frozenset(_list(d.get("visited", []), text)),
        decisions=tuple(_list(d.get("decisions", []), _decision)),
        opening=tuple(_list(d.get("opening", []), _change)),
        seed=integer(d.get("seed", 0)),
    )
