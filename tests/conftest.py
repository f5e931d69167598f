"""Shared fixtures: the small test pack and the shipped pack's location."""

from __future__ import annotations

from pathlib import Path

import pytest

from summit_game.loader import load_pack
from summit_game.pack import Pack

ROOT = Path(__file__).resolve().parents[1]
PACKS = ROOT / "tests" / "packs"
SHIPPED = ROOT / "content" / "korea-2017-2025"


@pytest.fixture(scope="session")
def mini() -> Pack:
    """A two-seat pack small enough to reason about by hand."""
    result = load_pack(PACKS / "mini")
    assert result.pack is not None, [d.format() for d in result.diagnostics]
    return result.pack
