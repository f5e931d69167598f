"""Playthrough transcripts: YAML files of inputs and the ending and meters they must reach.

Each file in tests/transcripts/ is played headless from its seat's start:
every input is a choice id; the run must reach the expected ending, keep
divergence within ``max_divergence`` at every scene when given, and end
with the expected meters when given.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from summit_game import engine
from summit_game.loader import load_pack
from summit_game.pack import Pack

ROOT = Path(__file__).resolve().parents[1]
TRANSCRIPTS = sorted((ROOT / "tests" / "transcripts").glob("*.yaml"))


@cache
def pack_at(path: str) -> Pack:
    result = load_pack(ROOT / path)
    assert result.pack is not None, [d.format() for d in result.errors][:10]
    return result.pack


@pytest.mark.parametrize("path", TRANSCRIPTS, ids=lambda p: p.stem)
def test_transcript(path: Path) -> None:
    spec: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    pack = pack_at(spec["pack"])
    expect = spec.get("expect", {})
    bound = expect.get("max_divergence")
    state = engine.new_game(pack, [spec["seat"]])
    worst = engine.divergence(pack, state)
    for i, choice in enumerate(spec["inputs"], 1):
        offered = [c.id for c in engine.available(pack, state)]
        assert choice in offered, (
            f"input {i}: {choice!r} not offered at {state.scene_id}: {offered}"
        )
        state, decision = engine.step(pack, state, choice)
        worst = max(worst, decision.divergence)
        if bound is not None:
            assert decision.divergence <= bound, (
                f"input {i} ({state.scene_id}): divergence {decision.divergence} > {bound}"
            )
    assert state.scene_id == expect["ending"]
    assert engine.is_over(pack, state)
    for meter, value in (expect.get("meters") or {}).items():
        assert state.meters[meter] == pytest.approx(value), meter
