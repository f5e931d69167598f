"""The screens around play: resizing, literal text, glossary, meters, help, palette, theme."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from textual.widgets import Input

from summit_game.loader import load_pack
from summit_game.pack import Pack
from summit_game.ui.app import HIGH_CONTRAST, SummitApp
from test_ui_support import flat, make_app, screen_name, text_in

SIZE = (100, 32)
MINI = Path(__file__).parent / "packs" / "mini"


def pack_copy(
    tmp_path: Path, edit: dict[str, tuple[str, str]] | None = None, glossary: str | None = None
) -> Pack:
    """A copy of the mini pack with text replaced in its files, and maybe a glossary."""
    root = tmp_path / "pack"
    shutil.copytree(MINI, root)
    for name, (old, new) in (edit or {}).items():
        path = root / name
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new), encoding="utf-8")
    if glossary is not None:
        (root / "glossary.yaml").write_text(glossary, encoding="utf-8")
    result = load_pack(root)
    assert result.pack is not None, [d.format() for d in result.diagnostics]
    return result.pack


async def test_markup_in_content_is_shown_literally(tmp_path: Path) -> None:
    """Brackets in scene text, titles and choices are text, never markup or actions."""
    saves = tmp_path / "saves"
    pack = pack_copy(
        tmp_path,
        {
            "scenes/us.yaml": (
                "text: Kim offers to meet.",
                "text: 'Kim says [bold]x[/ then [@click=app.quit]leave[/] and [red]stop'",
            )
        }
        | {
            "scenario.yaml": (
                "summary: Two seats, a few scenes, one branch.",
                "summary: '[b]Two[/b] seats [/'",
            )
        },
    )
    app = make_app(pack, saves)
    async with app.run_test(size=SIZE) as pilot:
        assert "[b]Two[/b] seats [/" in flat(app)
        await pilot.press("n", "enter")
        text = flat(app)
        assert "Kim says [bold]x[/ then [@click=app.quit]leave[/] and [red]stop" in text
        await pilot.click("#scene-scroll")
        assert app.is_running and screen_name(app) == "SceneScreen"


async def test_resizing_down_to_tiny_never_crashes(mini: Pack, tmp_path: Path) -> None:
    """80×24 and 60×20 fit; smaller shows the 'make the window larger' notice."""
    saves = tmp_path / "saves"
    app = make_app(mini, saves, seats=["us"])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "1")
        for width, height in ((80, 24), (60, 20), (40, 12), (20, 6), (8, 3), (120, 40)):
            await pilot.resize_terminal(width, height)
            await pilot.pause()
            small = width < 60 or height < 20
            if width >= 40:  # narrower, the notice itself is cut
                assert ("Make the window larger" in flat(app)) == small, (width, height)
        await pilot.resize_terminal(80, 24)
        await pilot.press("enter")
        text = flat(app)
        assert "The summit" in text and "Divergence from history" in text
        assert "1. Sign the statement" in text and "Trust" in text


GLOSSARY = """\
Summit:
  definition: A meeting of leaders.
  sources: [book]
CVID:
  definition: Complete, verifiable and irreversible dismantlement.
  aliases: [complete denuclearization]
Sanctions:
  definition: Penalties on trade.
"""


async def test_glossary_is_searchable_and_knows_the_scene(tmp_path: Path) -> None:
    """The scene's own terms come first; typing filters; the definition shows sources."""
    saves = tmp_path / "saves"
    pack = pack_copy(
        tmp_path,
        {"scenes/us.yaml": ("You are in Singapore.", "You are at the summit in Singapore.")},
        glossary=GLOSSARY,
    )
    app = make_app(pack, saves, seats=["us"])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "1", "enter")
        await pilot.press("g")
        assert screen_name(app) == "GlossaryScreen"
        assert text_in(app, "#glossary-terms").startswith("Summit • in this scene")
        detail = text_in(app, "#glossary-detail")
        assert "A meeting of leaders." in detail and "A book about it" in detail
        await pilot.press(*"verif")
        terms = text_in(app, "#glossary-terms")
        assert "CVID" in terms and "Summit" not in terms and "Sanctions" not in terms
        assert "Also: complete denuclearization" in text_in(app, "#glossary-detail")
        app.screen.query_one("#glossary-search", Input).value = "zzz"
        await pilot.pause()
        assert "No term matches" in flat(app)
        await pilot.press("escape")
        assert screen_name(app) == "SceneScreen"


async def test_glossary_of_a_pack_without_one(mini: Pack, tmp_path: Path) -> None:
    """The mini pack has no glossary: the screen says so."""
    saves = tmp_path / "saves"
    app = make_app(mini, saves)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p", *"gloss", "enter")
        assert screen_name(app) == "GlossaryScreen"
        assert "This pack has no glossary." in flat(app)


async def test_meters_over_time_and_help(mini: Pack, tmp_path: Path) -> None:
    """Meters over time shows this run beside history; help names the saves folder."""
    saves = tmp_path / "saves"
    app = make_app(mini, saves, seats=["us"])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "2", "enter", "m")
        assert screen_name(app) == "MetersScreen"
        text = flat(app)
        assert "From 1 January 2018 to 1 July 2018" in text
        assert "Trust now 10, 30 below history (40)" in text
        assert "this run" in text and "history" in text
        await pilot.press("escape", "question_mark")
        assert screen_name(app) == "HelpScreen"
        assert "Divergence from history" in flat(app)
        await pilot.press("end")
        assert str(saves.resolve()).replace("/", "") in flat(app).replace("/", "").replace(" ", "")


async def test_command_palette_offers_our_commands(mini: Pack, tmp_path: Path) -> None:
    """Save, load, rewind, glossary, theme and debrief are palette commands."""
    saves = tmp_path / "saves"
    app = make_app(mini, saves, seats=["us"])
    async with app.run_test(size=SIZE) as pilot:
        names = [c.title for c in app.get_system_commands(app.screen)]
        for wanted in (
            "Save game",
            "Load game",
            "Rewind",
            "Glossary",
            "High-contrast theme",
            "Debrief",
            "Meters over time",
            "Theme",
        ):
            assert wanted in names
        await pilot.press("enter", "ctrl+p", *"rewind", "enter")
        assert screen_name(app) == "TimelineScreen"
        assert "No decisions yet." in flat(app)


@pytest.mark.parametrize("key", ["f2"])
async def test_high_contrast_theme(mini: Pack, tmp_path: Path, key: str) -> None:
    """The high-contrast theme is registered and F2 switches it on and off."""
    saves = tmp_path / "saves"
    app = make_app(mini, saves)
    async with app.run_test(size=SIZE) as pilot:
        assert HIGH_CONTRAST.name in app.available_themes
        await pilot.press(key)
        assert app.theme == HIGH_CONTRAST.name
        await pilot.press(key)
        assert app.theme != HIGH_CONTRAST.name


async def test_ctrl_r_reloads_an_edited_pack_and_survives_a_broken_edit(tmp_path: Path) -> None:
    """An author edits the scene on screen, presses Ctrl+R and sees the change; a broken
    edit shows its problem and the game goes on."""
    root = tmp_path / "pack"
    shutil.copytree(MINI, root)
    pack = load_pack(root).pack
    assert pack is not None
    us = root / "scenes" / "us.yaml"
    original = us.read_text(encoding="utf-8")
    app = SummitApp(pack, tmp_path / "saves", seats=["us"], seed=0, source=root)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        assert "Kim offers to meet." in flat(app)
        us.write_text(original.replace("Kim offers to meet.", "Kim offers a summit."), "utf-8")
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert "Kim offers a summit." in flat(app)
        assert app.state is not None and app.state.scene_id == "us-one"
        us.write_text(original.replace("    role: us\n", "    role: [us\n", 1), "utf-8")
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert app.pack.scenes["us-one"].text == "Kim offers a summit."
        assert any("SG007" in str(n.message) for n in app._notifications)
        await pilot.press("1")
        assert app.state is not None and len(app.state.decisions) == 1


async def test_key_mashing_and_resizing_during_transitions_lose_nothing(
    tmp_path: Path,
) -> None:
    """Keys pressed faster than screens change, while the window is resized, never crash
    the game, and every decision the engine took is in the autosave."""
    from summit_game.saves import read_save

    root = tmp_path / "pack"
    shutil.copytree(MINI, root)
    pack = load_pack(root).pack
    assert pack is not None
    saves = tmp_path / "saves"
    app = SummitApp(pack, saves, seats=["us", "dprk"], seed=0)
    async with app.run_test(size=SIZE) as pilot:
        sizes = [(80, 24), (30, 10), (120, 40), (61, 21), (100, 32)]
        for i, key in enumerate(
            [
                "enter",
                "1",
                "enter",
                "2",
                "enter",
                "1",
                "1",
                "enter",
                "enter",
                "1",
                "escape",
                "enter",
                "1",
                "enter",
                "enter",
            ]
        ):
            await pilot.press(key)
            if i % 3 == 0:
                await pilot.resize_terminal(*sizes[(i // 3) % len(sizes)])
        await pilot.pause()
        assert app.is_running
        state = app.state
        assert state is not None and len(state.decisions) >= 2
    saved = read_save(next(saves.glob("*autosave.json"))).state
    assert [d.choice for d in saved.decisions] == [d.choice for d in state.decisions]


async def test_ctrl_r_with_a_new_meter_rebuilds_the_scene_screen(tmp_path: Path) -> None:
    """The scene screen is kept for the whole session; a reload that adds a meter
    builds it anew, so the new meter shows beside the scene and after the next choice."""
    root = tmp_path / "pack"
    shutil.copytree(MINI, root)
    pack = load_pack(root).pack
    assert pack is not None
    scenario = root / "scenario.yaml"
    text = scenario.read_text(encoding="utf-8")
    app = SummitApp(pack, tmp_path / "saves", seats=["us"], seed=0, source=root)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        first = app.screen
        assert "Hope" not in flat(app)
        scenario.write_text(
            text.replace("meters:\n", "meters:\n  hope:\n    label: Hope\n    start: 70\n", 1),
            "utf-8",
        )
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert screen_name(app) == "SceneScreen" and app.screen is not first
        assert "Hope 70" in flat(app)
        await pilot.press("1")
        assert "You chose: Accept the meeting" in flat(app) and "Hope 70" in flat(app)


async def test_the_key_bar_shows_the_keys_that_work_here_and_a_click_presses_one(
    mini: Pack, tmp_path: Path
) -> None:
    """The bottom line lists this screen's keys (the choices' Enter while choosing, not
    the view after a choice's); clicking a key does what pressing it does."""
    from summit_game.ui.widgets.keybar import KeyBar

    app = make_app(mini, tmp_path / "saves", seats=["us"])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        bar = app.screen.query_one(KeyBar)
        line = text_in(app, "KeyBar")
        assert "⏎ Choose" in line and "t Timeline" in line and "? Help" in line
        assert "Continue" not in line
        start, _end, _key, enabled = next(s for s in bar._spans if s[2] == "t")
        assert enabled
        await pilot.click(KeyBar, offset=(start + 1, 0))
        assert screen_name(app) == "TimelineScreen"
        await pilot.press("escape")
        await pilot.press("2")  # the view after a choice: the choices' keys are gone
        assert "Choose" not in text_in(app, "KeyBar")
        # The reflection's answer has the keyboard; its Enter is the way on, and says so.
        assert app.screen.focused is app.screen.query_one("#journal")
        assert "⏎ Continue" in text_in(app, "KeyBar")
        await pilot.press(*"why", "enter")
        assert app.screen.view == "scene" and app.state is not None
        assert app.state.decisions[-1].journal == "why"


async def test_the_title_menu_answers_enter_arrows_and_clicks(mini: Pack, tmp_path: Path) -> None:
    """New game has the focus; Enter chooses it; ↓ moves to Continue; a click on Help opens it."""
    app = make_app(mini, tmp_path / "saves")
    async with app.run_test(size=SIZE) as pilot:
        assert app.screen.focused is not None and app.screen.focused.id == "new"
        await pilot.press("down")
        assert app.screen.focused is not None and app.screen.focused.id == "continue"
        await pilot.click("#help")
        assert screen_name(app) == "HelpScreen"
        await pilot.press("escape")
        app.screen.query_one("#new").focus()
        await pilot.press("enter")
        assert screen_name(app) == "SeatScreen"


async def test_a_narrow_terminal_keeps_every_meter_line_and_the_divergence(
    mini: Pack, tmp_path: Path
) -> None:
    """Below 60 columns the meter panel is 21 cells wide: a long line is cut with
    an ellipsis rather than wrapped (which pushed the divergence out of the
    panel), and the divergence keeps its number."""
    app = make_app(mini, tmp_path / "saves", seats=["us"])
    async with app.run_test(size=(56, 40)) as pilot:
        await pilot.press("enter", "2")  # refuse: trust and tension move off history
        panel = text_in(app, "#meters")
        assert "Divergence: 30" in panel
        assert "Trust 10" in panel and "Tension 60" in panel
        assert "30 below history" in panel
