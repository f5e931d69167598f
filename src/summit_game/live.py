"""Live reload: re-read a pack while a run is in progress, keep the run if it can.

A teacher edits a scene, presses the reload key (or types ``reload`` in
``--plain``) and sees the change at once.  A broken edit must never end the
lesson: the diagnostics are shown and play goes on with the last good pack.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from summit_game.diagnostics import Diagnostic
from summit_game.engine import GameState
from summit_game.loader import load_pack
from summit_game.pack import Pack


@dataclass(frozen=True)
class Reloaded:
    """The outcome of a reload."""

    pack: Pack | None
    """The new pack, or None when the old one stays (broken edit, scene gone)."""
    state: GameState | None
    """The run carried over to the new pack (None when the old pack stays)."""
    diagnostics: list[Diagnostic]
    message: str
    """One line for the player: what happened."""


def reload_pack(root: Path, state: GameState | None, cache: Path | None = None) -> Reloaded:
    """Re-read the pack at ``root`` and carry ``state`` over to it."""
    result = load_pack(root, cache)
    pack = result.pack
    if pack is None:
        n = len(result.errors)
        return Reloaded(
            None,
            None,
            result.diagnostics,
            f"The edited pack has {n} error{'s' * (n != 1)}; still playing the last good version.",
        )
    if state is None:
        return Reloaded(pack, None, result.diagnostics, "Pack reloaded.")
    gone = sorted({s for s in state.positions.values() if s not in pack.scenes})
    if gone:
        return Reloaded(
            None,
            None,
            result.diagnostics,
            f"The edited pack no longer has scene {gone[0]!r}, where this run "
            "stands; still playing the last good version.",
        )
    meters = {mid: state.meters.get(mid, float(m.start)) for mid, m in pack.scenario.meters.items()}
    carried = replace(state, meters=meters)
    return Reloaded(pack, carried, result.diagnostics, "Pack reloaded; your run goes on.")
