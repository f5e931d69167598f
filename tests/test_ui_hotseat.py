"""Hot-seat: players take turns at one keyboard, with a privacy screen between them."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input

from summit_game.pack import Pack
from test_ui_support import flat, make_app, screen_name

SIZE = (100, 32)


async def test_hotseat_hands_the_keyboard_over(mini: Pack, tmp_path: Path) -> None:
    """Two players: each sees a hand-over screen, then only their own brief and scene."""
    saves = tmp_path / "saves"
    app = make_app(mini, saves)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("h")
        assert screen_name(app) == "HotseatScreen"
        app.screen.query_one("#name-us", Input).value = "Ann"
        app.screen.query_one("#name-dprk", Input).value = "Kim"
        await pilot.press("space")  # tick the US (the first box has focus)
        await pilot.click("#seat-dprk")
        await pilot.click("#start")
        assert app.state is not None
        assert app.state.seats == ("us", "dprk")
        assert app.state.names == {"us": "Ann", "dprk": "Kim"}
        # The DPRK's scene is earliest, so the DPRK moves first.
        assert screen_name(app) == "HandoverScreen"
        text = flat(app)
        assert "Pass the keyboard to the DPRK (Kim); press Enter when ready." in text
        assert "New Year" not in text and "Offer talks" not in text
        await pilot.press("enter")
        assert "You advise the Chairman." in flat(app)
        assert "You advise the President." not in flat(app)
        await pilot.press("enter")
        text = flat(app)
        assert "New Year" in text and "DPRK (Kim)'s turn" in text
        assert "Kim offers to meet." not in text
        # The US is played by a person, so its scripted sanctions event is skipped.
        assert app.state.meters["tension"] == 50
        await pilot.press("1")
        assert screen_name(app) == "SceneScreen" and app.screen.view == "after"
        assert "1 January 2018 · DPRK (Kim)" in flat(app)
        await pilot.press("enter")

        assert screen_name(app) == "HandoverScreen"
        text = flat(app)
        assert "Pass the keyboard to the US (Ann)" in text and "Offer talks" not in text
        await pilot.press("enter", "enter")
        text = flat(app)
        assert "Kim offers to meet." in text and "New Year" not in text
        assert app.state.turn == "us"

        # The timeline hides the other player's choice.
        await pilot.press("t")
        text = flat(app)
        assert "(another player's decision)" in text and "Offer talks" not in text


async def test_hotseat_needs_two_seats(mini: Pack, tmp_path: Path) -> None:
    """Starting hot-seat with one seat ticked is refused with a message."""
    saves = tmp_path / "saves"
    app = make_app(mini, saves)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("h", "space")
        await pilot.click("#start")
        assert screen_name(app) == "HotseatScreen" and app.state is None
        assert "Tick two or three seats." in flat(app)


async def test_hotseat_from_the_command_line(mini: Pack, tmp_path: Path) -> None:
    """`--seats us,dprk`: straight to the first hand-over."""
    saves = tmp_path / "saves"
    app = make_app(mini, saves, seats=["us", "dprk"])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert screen_name(app) == "HandoverScreen"
        assert "Pass the keyboard to the DPRK;" in flat(app)
