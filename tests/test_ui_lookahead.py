"""Made ahead, shown the same: the scene screen's look-ahead and its text view.

While a scene is read, the scene screen takes every choice on offer and draws
what each would show (the account and the meters); while the account is read,
it draws the next scene's text.  A key press then shows what was made.  These
tests pin that what is shown is what a fresh drawing shows, however the
screen changed in between (theme, size, selection), and that the look-ahead
is really used.
"""

from __future__ import annotations

from pathlib import Path

from textual.strip import Strip

from summit_game import engine
from summit_game.pack import Pack
from summit_game.ui.app import SummitApp
from summit_game.ui.screens.scene import SceneScreen, account
from summit_game.ui.widgets.textview import TextView
from test_ui_support import make_app, text_in

SIZE = (100, 32)


def drawn(app: SummitApp) -> list[list[tuple[str, str]]]:
    """The whole terminal, segment by segment, with each segment's style."""
    strips: list[Strip] = app.screen._compositor.render_strips()
    return [[(seg.text, str(seg.style)) for seg in strip] for strip in strips]


async def start(app: SummitApp, pilot: object) -> SceneScreen:
    app.new_game(["us"], briefed=True)
    await pilot.pause()  # type: ignore[attr-defined]
    screen = app.screen
    assert isinstance(screen, SceneScreen)
    return screen


async def test_every_choice_on_offer_is_taken_ahead_and_used(mini: Pack, tmp_path: Path) -> None:
    for number, choice in enumerate(engine.available(mini, engine.new_game(mini, ["us"])), 1):
        app = make_app(mini, tmp_path / f"saves{number}")
        async with app.run_test(size=SIZE) as pilot:
            screen = await start(app, pilot)
            before = app.state
            assert before is not None
            ahead = screen.stepped_ahead(before, choice.id)
            assert ahead is not None, "the choice was not taken ahead"
            await pilot.press(str(number))
            assert screen.view == "after"
            # The state is the engine's, and the account shown is the one made ahead.
            expected_state, decision = engine.step(mini, before, choice.id)
            assert app.state == expected_state
            view = screen.query_one("#after-scroll", TextView)
            assert view.text is screen._ahead[choice.id].text
            # ... and wrapped ahead, even for the game's first choice (the view
            # after a choice had never been laid out then).
            assert view._strips is view._prepared[id(view.text)][2]
            fresh = account(mini, mini.scenes[before.scene_id], decision)
            assert view.text.plain == fresh.plain
            assert f"You chose: {choice.text}" in text_in(app, "#after-scroll")


async def test_a_key_pressed_before_the_look_ahead_is_done(mini: Pack, tmp_path: Path) -> None:
    """Half made ahead (the account of choice 1 only): choice 2 makes its own."""
    app = make_app(mini, tmp_path / "saves")
    async with app.run_test(size=SIZE) as pilot:
        screen = await start(app, pilot)
        before = app.state
        assert before is not None
        # As if the key came while the look-ahead had made one piece.
        screen._ahead = {k: a for k, a in screen._ahead.items() if k == "accept"}
        screen._pieces.clear()
        assert screen.stepped_ahead(before, "refuse") is None
        await pilot.press("2")
        assert app.state == engine.step(mini, before, "refuse")[0]
        text = text_in(app, "#after-scroll")
        assert "You chose: Refuse" in text and "Trust −10 (now 10): Refuse" in text


async def test_a_choice_taken_ahead_is_not_reused_from_another_state(
    mini: Pack, tmp_path: Path
) -> None:
    """Undo, and the same scene comes back with a new state: nothing stale is shown."""
    app = make_app(mini, tmp_path / "saves")
    async with app.run_test(size=SIZE) as pilot:
        screen = await start(app, pilot)
        first = app.state
        assert first is not None
        await pilot.press("2", "enter")
        app.rewind(1)
        await pilot.pause()
        assert app.state is not None and app.state is not first
        assert app.state.scene_id == first.scene_id
        assert screen.stepped_ahead(first, "accept") is None
        await pilot.press("1")
        assert "You chose: Accept the meeting" in text_in(app, "#after-scroll")
        assert "Trust +20 (now 40)" in text_in(app, "#after-scroll")


async def test_a_theme_change_after_the_look_ahead_draws_in_the_new_theme(
    mini: Pack, tmp_path: Path
) -> None:
    late = make_app(mini, tmp_path / "late")
    async with late.run_test(size=SIZE) as pilot:
        await start(late, pilot)  # look-ahead drawn in the default theme
        late.theme = "textual-light"
        await pilot.pause()
        await pilot.press("2")
        await pilot.pause()
        changed = drawn(late)
    early = make_app(mini, tmp_path / "early")
    early.theme = "textual-light"
    async with early.run_test(size=SIZE) as pilot:
        await start(early, pilot)
        await pilot.press("2")
        await pilot.pause()
        fresh = drawn(early)
    assert changed == fresh


async def test_a_resize_after_the_look_ahead_wraps_to_the_new_width(
    mini: Pack, tmp_path: Path
) -> None:
    late = make_app(mini, tmp_path / "late")
    async with late.run_test(size=SIZE) as pilot:
        await start(late, pilot)  # look-ahead wrapped at 100 columns
        await pilot.resize_terminal(64, 32)
        await pilot.pause()
        await pilot.press("2")
        await pilot.pause()
        changed = drawn(late)
    early = make_app(mini, tmp_path / "early")
    async with early.run_test(size=(64, 32)) as pilot:
        await start(early, pilot)
        await pilot.press("2")
        await pilot.pause()
        fresh = drawn(early)
    assert changed == fresh
    text = " ".join("".join(t for t, _ in line) for line in changed)
    assert "departed from history" in " ".join(text.split())


async def test_the_next_scene_is_made_while_the_account_is_read(mini: Pack, tmp_path: Path) -> None:
    app = make_app(mini, tmp_path / "saves")
    async with app.run_test(size=SIZE) as pilot:
        screen = await start(app, pilot)
        await pilot.press("1")
        await pilot.pause()
        made = screen._next_text
        assert made is not None and "The summit" in made[1].plain
        await pilot.press("enter")
        assert screen.view == "scene"
        assert screen.query_one("#scene-scroll", TextView).text is made[1]
        assert "The summit" in text_in(app, "#scene-scroll")


async def test_scene_text_scrolls_and_can_be_selected(tmp_path: Path) -> None:
    """The text view still scrolls a page at a time, and its text can be selected to copy."""
    from conftest import SHIPPED
    from summit_game.loader import require_pack

    app = make_app(require_pack(SHIPPED), tmp_path / "saves")
    async with app.run_test(size=(70, 22)) as pilot:
        screen = await start(app, pilot)
        view = screen.query_one("#scene-scroll", TextView)
        assert view.max_scroll_y > 0, "the first scene should overflow a 22-line terminal"
        top = text_in(app, "#scene-scroll")
        await pilot.press("pagedown")
        await pilot.wait_for_scheduled_animations()
        assert view.scroll_y > 0 and text_in(app, "#scene-scroll") != top
        await pilot.press("pageup")
        await pilot.wait_for_scheduled_animations()
        assert view.scroll_y == 0
        await pilot.mouse_down(view, offset=(1, 1))
        await pilot.hover(view, offset=(12, 1))
        await pilot.mouse_up(view, offset=(12, 1))
        await pilot.pause()
        selected = screen.get_selected_text()
        assert selected and selected in view.text.plain
