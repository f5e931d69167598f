"""Playing through the Textual app with Pilot: title to ending, undo, rewind, --until.

Each test follows a path a person takes and checks both what the screen
says and what the engine state holds (``app.state``).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from textual.widgets import Input

from summit_game.pack import Pack
from summit_game.saves import AUTOSAVE, load_save, save_path
from test_ui_support import flat, make_app, screen_name, text_in

SIZE = (100, 32)


async def test_us_seat_from_title_to_ending(mini: Pack, tmp_path: Path) -> None:
    """New game → US seat → two decisions with a reflection → the ending and debrief."""
    saves = tmp_path / "saves"
    app = make_app(mini, saves)
    async with app.run_test(size=SIZE) as pilot:
        assert screen_name(app) == "TitleScreen"
        assert "A small test pack" in flat(app)
        assert "No autosave yet." in flat(app)
        await pilot.press("n")
        assert screen_name(app) == "SeatScreen"
        text = flat(app)
        assert "Choose your seat" in text and "You advise the President." in text
        await pilot.press("enter")
        assert screen_name(app) == "SceneScreen"
        assert app.state is not None and app.state.seats == ("us",)
        text = flat(app)
        for expected in (
            "8 March 2018",
            "An invitation",
            "Kim offers to meet.",
            "1. Accept the meeting",
            "2. Refuse",
            "Divergence from history: 0",
            "Trust 20",
            "same as history (20)",
        ):
            assert expected in text, expected

        await pilot.press("1")
        assert screen_name(app) == "SceneScreen" and app.screen.view == "after"
        text = text_in(app, "#after-scroll")
        for expected in (
            "You chose: Accept the meeting",
            "You said yes.",
            "What really happened",
            "The President accepted.",
            "✓ You did what the real actor did.",
            "A book about it, A press, 2020-01-01",
            "Trust +20 (now 40): Accept the meeting",
            "Tension −20 (now 30): Accept the meeting",
        ):
            assert expected in text, expected
        assert "Reflect: Why meet?" in text_in(app, "#after-bottom")
        # The decision is autosaved before the reflection is even typed.
        assert len(load_save(save_path(saves, AUTOSAVE), mini).decisions) == 1
        app.screen.query_one("#journal", Input).value = "To test him"
        await pilot.press("enter")
        assert app.state.decisions[0].journal == "To test him"
        assert load_save(save_path(saves, AUTOSAVE), mini).decisions[0].journal == "To test him"

        assert screen_name(app) == "SceneScreen"
        assert "The summit" in flat(app) and "2. Walk out" in flat(app)
        await pilot.press("2")
        text = text_in(app, "#after-scroll")
        assert "Trust −30 (now 10): Walk out" in text
        assert "✗ You departed from history. The real actor chose: Sign the statement" in text
        await pilot.press("enter")
        assert screen_name(app) == "DebriefScreen"
        text = flat(app)
        for expected in (
            "The end for the US: Worse",
            "Worse than history.",
            "You matched history in 1 of 2 decisions",
            "Your reflection: To test him",
            "Trust: 10, 30 below history (40)",
        ):
            assert expected in text, expected
        assert [d.choice for d in app.state.decisions] == ["accept", "walk"]
        assert app.state.positions["us"] == "us-end-bad"

        await pilot.press("e")
        exported = list(saves.glob("debrief-*.md"))
        assert len(exported) == 1
        assert "Accept the meeting" in exported[0].read_text(encoding="utf-8")
        await pilot.press("q")
    assert app.return_code == 0


async def test_dprk_seat_given_on_the_command_line(mini: Pack, tmp_path: Path) -> None:
    """`--role dprk`: the brief first, then the scene, then the ending."""
    saves = tmp_path / "saves"
    app = make_app(mini, saves, seats=["dprk"], name="Ri")
    async with app.run_test(size=SIZE) as pilot:
        assert screen_name(app) == "BriefScreen"
        assert "You advise the Chairman." in flat(app) and "Ri" in flat(app)
        await pilot.press("enter")
        assert screen_name(app) == "SceneScreen"
        text = flat(app)
        assert "New Year" in text and "DPRK (Ri)" in text
        # The US is not played, so its sanctions event moved tension as the game opened.
        assert app.state is not None and app.state.meters["tension"] == 55
        assert "5 above history (50)" in text
        await pilot.press("2")
        assert "Tension +15 (now 70): Test a missile" in flat(app)
        # A named player's autosave carries the name, so a class can share a folder.
        assert load_save(save_path(saves, "Ri-autosave"), mini).decisions[0].choice == "test"
        await pilot.press("enter")
        assert screen_name(app) == "DebriefScreen"
        assert "The end for the DPRK: Done" in flat(app)
        assert app.state.decisions[-1].choice == "test"


async def test_undo_and_timeline_rewind(mini: Pack, tmp_path: Path) -> None:
    """Undo asks first; the timeline rewinds to before any decision, with a confirmation."""
    saves = tmp_path / "saves"
    app = make_app(mini, saves, seats=["us"])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "2", "enter")  # brief, Refuse, continue
        assert app.state is not None
        assert app.state.scene_id == "us-crisis" and "us_refused" in app.state.flags
        assert "Alternate history: this did not happen." in flat(app)
        await pilot.press("1", "enter")  # Calm down, continue: the ending
        assert screen_name(app) == "DebriefScreen"

        await pilot.press("u")
        assert screen_name(app) == "ConfirmScreen"
        await pilot.press("n")
        assert len(app.state.decisions) == 2
        await pilot.press("u", "y")
        assert len(app.state.decisions) == 1 and app.state.scene_id == "us-crisis"
        assert screen_name(app) == "SceneScreen"

        await pilot.press("t")
        assert screen_name(app) == "TimelineScreen"
        text = flat(app)
        assert "1. 8 March 2018 · US · An invitation" in text and "Refuse" in text
        await pilot.press("enter")
        assert "Go back to just before decision 1" in flat(app)
        await pilot.press("y")
        assert screen_name(app) == "SceneScreen"
        assert app.state.decisions == () and app.state.scene_id == "us-one"
        assert app.state.flags == frozenset()
        assert load_save(save_path(saves, AUTOSAVE), mini).decisions == ()
        assert len(app.screen_stack) == 2  # the timeline and the question are gone


async def test_until_stops_for_discussion(mini: Pack, tmp_path: Path) -> None:
    """`--until`: when the next scene is later, a stop screen and an autosave."""
    saves = tmp_path / "saves"
    app = make_app(mini, saves, seats=["us"], until=dt.date(2018, 5, 1))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "1", "enter")
        assert screen_name(app) == "StopScreen"
        text = flat(app)
        assert "Stop here for discussion" in text and "1 May 2018" in text
        assert "Divergence from history" in text
        saved = load_save(save_path(saves, AUTOSAVE), mini)
        assert [d.choice for d in saved.decisions] == ["accept"]
        await pilot.press("enter")
    assert app.return_code == 0


async def test_continue_picks_up_the_autosave(mini: Pack, tmp_path: Path) -> None:
    """Continue on the title loads the autosave and shows its scene."""
    saves = tmp_path / "saves"
    first = make_app(mini, saves, seats=["us"])
    async with first.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "1", "enter")
        await pilot.press("q")
    again = make_app(mini, saves)
    async with again.run_test(size=SIZE) as pilot:
        assert "2018-06-12 us: The summit" in flat(again)
        await pilot.press("c")
        assert screen_name(again) == "SceneScreen"
        assert again.state is not None and again.state.scene_id == "us-two"
        assert "The summit" in flat(again)
    # Another student, named, does not pick up the unnamed autosave.
    ann = make_app(mini, saves, name="Ann")
    async with ann.run_test(size=SIZE):
        assert "No autosave yet." in flat(ann)


async def test_a_double_enter_does_not_choose(mini: Pack, tmp_path: Path) -> None:
    """Enter pressed twice to leave the brief must not also pick the first choice."""
    saves = tmp_path / "saves"
    app = make_app(mini, saves, seats=["us"])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "enter")
        assert screen_name(app) == "SceneScreen"
        assert app.state is not None and app.state.decisions == ()
        await pilot.press("down", "down", "enter")
        assert app.state.decisions[0].choice == "refuse"


async def test_the_refilled_screens_show_each_decision_afresh(tmp_path: Path) -> None:
    """Twelve decisions by keys alone on the shipped pack, on screens refilled in place.

    Each new scene starts at the top with its own choices; the view after a
    choice has the reflection box (focused, empty) exactly when the scene asks
    a question, else Continue has the focus; what is typed reaches the journal.
    """
    from conftest import SHIPPED
    from summit_game import engine
    from summit_game.loader import require_pack

    pack = require_pack(SHIPPED)
    app = make_app(pack, tmp_path / "saves", seats=["rok"])
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("enter")  # past the brief
        prompts = answered = 0
        for n in range(12):
            state = app.state
            assert state is not None and screen_name(app) == "SceneScreen"
            scene = pack.scenes[state.scene_id]
            offered = engine.available(pack, state)
            text = flat(app)
            assert " ".join(scene.title.split()) in text
            for i, choice in enumerate(offered, 1):
                assert f"{i}. {' '.join(choice.text.split())[:30]}" in text
            assert app.screen.query_one("#scene-scroll").scroll_y == 0
            if n == 1:
                await pilot.press("pagedown")  # leave this scene scrolled down
            await pilot.press(str(len(offered)))
            assert screen_name(app) == "SceneScreen" and app.screen.view == "after"
            chose = " ".join(offered[-1].text.split())[:30]
            assert f"You chose: {chose}" in text_in(app, "#after-scroll")
            journal = app.screen.query_one("#journal", Input)
            if scene.prompt:
                prompts += 1
                assert app.screen.focused is journal and journal.value == ""
                await pilot.press(*"answer", str(n))
                answered += 1
            else:
                assert not journal.display
                # Enter is the screen's key for Continue; the button is for the mouse.
                assert app.screen.focused is None
                assert "Continue (Enter)" in text_in(app, "#continue")
            await pilot.press("enter")
            if engine.is_over(pack, app.state):
                break
        assert prompts >= 2, "the path should meet at least two reflections"
        journals = [d.journal for d in app.state.decisions if d.journal]
        assert journals == [f"answer{n}" for n, d in enumerate(app.state.decisions) if d.journal]
        assert len(journals) == answered


async def test_quick_decisions_lose_no_key_press(tmp_path: Path) -> None:
    """A choice and Enter pressed straight after each other, to the ending: no press lost.

    The view after a choice is reused; its Continue button must not still be
    showing (and so ignoring) the press that left it a moment before.
    """
    from conftest import SHIPPED
    from summit_game import engine
    from summit_game.loader import require_pack

    pack = require_pack(SHIPPED)
    app = make_app(pack, tmp_path / "saves", seats=["us"])
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("enter")  # past the brief
        for n in range(1, 11):
            await pilot.press("1", "enter")
            assert app.state is not None and len(app.state.decisions) == n
            if engine.is_over(pack, app.state):
                break
            assert screen_name(app) == "SceneScreen"
        assert n >= 6 and screen_name(app) == "DebriefScreen"


async def test_play_sets_off_no_young_collections_inside_a_key_press(
    mini: Pack, tmp_path: Path
) -> None:
    """Drawing a decision allocates thousands of short-lived objects; with Python's
    default young threshold (700) the collector ran some 30 times inside each key
    press.  Once play has drawn its first screen, the threshold is raised and the
    garbage is collected after each screen instead."""
    import gc

    from summit_game.ui.app import YOUNG_COLLECTION_THRESHOLD

    before = gc.get_threshold()
    young: list[int] = []

    def note(phase: str, info: dict[str, int]) -> None:
        if phase == "start" and info["generation"] == 0:
            young.append(1)

    try:
        gc.set_threshold(700, *before[1:])  # Python's default, whatever ran before
        app = make_app(mini, tmp_path, seats=["us"])
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("enter")  # past the brief
            await pilot.pause()
            assert gc.get_threshold() == (YOUNG_COLLECTION_THRESHOLD, *before[1:])
            gc.collect()
            gc.callbacks.append(note)
            try:
                await pilot.press("1")
                await pilot.pause()
                assert "You chose:" in flat(app)
            finally:
                gc.callbacks.remove(note)
            assert young == []
    finally:
        gc.set_threshold(*before)


async def test_continue_takes_a_click_and_quick_enters_alike(mini: Pack, tmp_path: Path) -> None:
    """The Continue button answers the mouse; Enter is the screen's key, so a
    second Enter straight after the first is never swallowed by the button."""
    app = make_app(mini, tmp_path, seats=["us"])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")  # past the brief
        await pilot.press("1")
        assert app.screen.view == "after"
        await pilot.click("#continue")
        assert app.screen.view == "scene"
        assert app.state is not None and len(app.state.decisions) == 1
        await pilot.press("1", "enter", "1")
        assert len(app.state.decisions) == 2
