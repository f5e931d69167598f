"""The deferred start: the title screen from the cache's title card, the pack just after.

``summit-game play`` with a warm cache draws the title before the pack is
rebuilt (start-up time); these tests check that a player cannot tell: the
title is right, the autosave line fills in, keys pressed at once still work,
and a load that fails ends the app with the loader's error.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from summit_game import packcache
from summit_game.cli import _require
from summit_game.errors import ContentError
from summit_game.pack import Pack
from summit_game.ui.app import SummitApp, run_app
from test_ui_support import flat, screen_name

ROOT = Path(__file__).resolve().parents[1]
MINI = ROOT / "tests" / "packs" / "mini"
SHIPPED = ROOT / "content" / "korea-2017-2025"
SIZE = (100, 32)


def _deferred(
    tmp_path: Path, finish: Callable[[], Pack] | None = None
) -> tuple[SummitApp, list[int]]:
    """An app started as `play` starts it from a warm cache; ``calls`` counts the loads."""
    cache = tmp_path / "cache"
    packcache.load(MINI, cache)
    card = packcache.read_card(MINI, cache)
    assert card is not None
    calls: list[int] = []

    def load() -> Pack:
        calls.append(1)
        return finish() if finish is not None else _require(MINI, cache)

    app = SummitApp(None, tmp_path / "saves", source=MINI, cache=cache, card=card, finish=load)
    return app, calls


async def test_the_title_comes_first_and_the_pack_right_after(tmp_path: Path) -> None:
    app, calls = _deferred(tmp_path)
    assert not app.pack_ready
    async with app.run_test(size=SIZE) as pilot:
        assert screen_name(app) == "TitleScreen"
        assert "A small test pack" in flat(app)
        await pilot.pause()
        assert app.pack_ready and calls == [1]
        assert "No autosave yet." in flat(app)
        await pilot.press("n")
        assert screen_name(app) == "SeatScreen"
        await pilot.press("enter")
        assert screen_name(app) in ("BriefScreen", "SceneScreen")
        assert app.state is not None
    assert calls == [1]


async def test_a_key_pressed_before_the_load_waits_for_it(tmp_path: Path) -> None:
    """A key that arrives before the deferred load has run loads the pack first."""
    app, calls = _deferred(tmp_path)
    app.call_after_refresh = lambda *a, **k: True  # type: ignore[method-assign]
    async with app.run_test(size=SIZE) as pilot:
        assert not app.pack_ready
        await pilot.press("n")
        assert app.pack_ready and calls == [1]
        assert screen_name(app) == "SeatScreen"


async def test_continue_finds_the_autosave_after_a_deferred_load(tmp_path: Path) -> None:
    pack = _require(MINI)
    first = SummitApp(pack, tmp_path / "saves")
    async with first.run_test(size=SIZE) as pilot:
        await pilot.press("n", "enter")
        first.new_game(["us"])
        assert first.autosave()
    app, _ = _deferred(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "No autosave yet." not in flat(app)
        await pilot.press("c")
        assert app.state is not None and app.state.seats == ("us",)


async def test_a_failed_deferred_load_ends_the_app_with_its_error(tmp_path: Path) -> None:
    def broken() -> Pack:
        return _require(ROOT / "tests" / "packs" / "broken" / "SG031-unknown-scene")

    app, _ = _deferred(tmp_path, broken)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
    assert isinstance(app.load_error, ContentError)
    assert app.return_code == 1


def test_run_app_raises_the_failed_load_after_the_app(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """cli.main then reports it exactly as a failed load before the app started."""

    def fake_run(self: SummitApp) -> int:
        self.load_error = ContentError([])
        return 1

    monkeypatch.setattr(SummitApp, "run", fake_run)
    card = packcache.TitleCard("t", "s", "k")
    with pytest.raises(ContentError):
        run_app(None, tmp_path, card=card, finish=lambda: _require(MINI))


def test_an_app_needs_a_pack_or_a_card_and_a_loader(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="title card"):
        SummitApp(None, tmp_path)


def test_the_title_screen_imports_no_pack_machinery() -> None:
    """The first frame's imports: no pydantic, YAML, loader, engine or saves (start-up time)."""
    code = (
        "import sys\n"
        "import summit_game.cli, summit_game.packcache, summit_game.paths\n"
        "import summit_game.ui.app, summit_game.ui.screens.title\n"
        "heavy = ('pydantic', 'yaml', 'summit_game.engine', 'summit_game.loader',\n"
        "         'summit_game.saves', 'summit_game.model', 'summit_game.pack')\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in heavy\n"
        "       or '.'.join(m.split('.')[:2]) in heavy]\n"
        "print(','.join(sorted(bad)))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == "", f"the title screen's path imported: {out}"


def test_a_game_from_the_cache_never_imports_pydantic(tmp_path: Path) -> None:
    """Pydantic validates files; playing a validated pack needs none of it.

    A pack rebuilt from the cache, the play screens, a game of decisions with an
    autosave after each, and reading the autosave back: about 8 MiB of memory and
    a tenth of a second less than with pydantic (issue 7).
    """
    packcache.load(SHIPPED, tmp_path / "cache")
    code = (
        "import random, sys\n"
        "from pathlib import Path\n"
        "from summit_game import engine, packcache\n"
        "from summit_game.saves import write_save, read_save\n"
        "import summit_game.ui.app, summit_game.ui.screens.scene\n"
        "import summit_game.ui.screens.seats, summit_game.ui.screens.debrief\n"
        f"root, cache, saves = Path({str(SHIPPED)!r}), Path({str(tmp_path / 'cache')!r}), "
        f"Path({str(tmp_path / 'saves')!r})\n"
        "pack = packcache.load_cached(root, cache)\n"
        "assert pack is not None\n"
        "state = engine.new_game(pack, ['us'])\n"
        "rng = random.Random(1)\n"
        "while not engine.is_over(pack, state):\n"
        "    state, _ = engine.step(pack, state, rng.choice(engine.available(pack, state)).id)\n"
        "    write_save(saves, 'autosave', pack, state)\n"
        "state = engine.undo(pack, state)\n"
        "assert read_save(saves / 'autosave.json').state.decisions\n"
        "print(','.join(sorted(m for m in sys.modules if m.startswith(('pydantic', 'yaml')))))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split("\n")
    assert out[0] == "", f"playing imported: {out[0]}"
