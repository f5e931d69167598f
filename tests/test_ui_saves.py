"""Saving and loading in the Textual app: named slots, the autosave, broken saves."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input

from summit_game.pack import Pack
from summit_game.plain import run_plain
from summit_game.saves import load_save, save_path
from test_ui_support import flat, make_app, screen_name

SIZE = (100, 32)


async def test_save_named_then_load_it(mini: Pack, tmp_path: Path) -> None:
    """Save as 'lesson one', rewind, then load it back from the list."""
    saves = tmp_path / "saves"
    app = make_app(mini, saves, seats=["us"])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "1", "enter")
        assert app.state is not None and app.state.scene_id == "us-two"
        saved_state = app.state
        await pilot.press("s")
        assert screen_name(app) == "SaveScreen"
        app.screen.query_one("#save-name", Input).value = "lesson one"
        await pilot.press("enter")
        assert screen_name(app) == "SceneScreen"
        assert load_save(save_path(saves, "lesson one"), mini) == saved_state

        await pilot.press("u", "y")
        assert app.state.decisions == ()
        await pilot.press("l")
        assert screen_name(app) == "LoadScreen"
        text = flat(app)
        assert "autosave (autosave)" in text and "lesson one" in text
        assert "12 June 2018 · US · The summit · divergence 0" in text
        await pilot.press("down", "enter")  # the autosave is listed first
        assert screen_name(app) == "SceneScreen"
        assert app.state == saved_state


async def test_broken_save_shows_its_reason_and_stays_untouched(mini: Pack, tmp_path: Path) -> None:
    """A damaged save is listed with why it cannot load; loading or saving over it fails."""
    saves = tmp_path / "saves"
    saves.mkdir()
    broken = saves / "broken.json"
    content = b'{"kind": "summit-save", "version": 1, "pack_id": "mi'
    broken.write_bytes(content)
    app = make_app(mini, saves, seats=["us"])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        await pilot.press("l")
        text = flat(app)
        assert "broken" in text
        assert "cannot be loaded:" in text and "not a readable save (damaged or truncated)" in text
        await pilot.press("enter")
        assert screen_name(app) == "LoadScreen"  # nothing was loaded
        assert app.state is not None and app.state.decisions == ()
        await pilot.press("escape", "s")
        app.screen.query_one("#save-name", Input).value = "broken"
        await pilot.press("enter")
        assert screen_name(app) == "SaveScreen"
    assert broken.read_bytes() == content


async def test_load_from_the_command_line_and_a_bad_name(mini: Pack, tmp_path: Path) -> None:
    """`--load NAME` opens the save; a missing one leaves the title with a message."""
    saves = tmp_path / "saves"
    app = make_app(mini, saves, load="nothing-here")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        assert screen_name(app) == "TitleScreen"
        assert "Could not load" in flat(app) and "no such save" in flat(app)


async def test_a_tui_save_loads_in_plain_mode(mini: Pack, tmp_path: Path) -> None:
    """Saves are the engine's state: a TUI save plays on in --plain."""
    saves = tmp_path / "saves"
    import io

    app = make_app(mini, saves, seats=["us"])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "1", "enter", "q")
    out = io.StringIO()
    code = run_plain(mini, saves, io.StringIO("1\nquit\n"), out, seats=None, load="autosave")
    assert code == 0
    assert "The summit" in out.getvalue() and "Sign the statement" in out.getvalue()
