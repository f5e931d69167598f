"""SVG snapshots of the main screens at 100×32, seed 0, on the mini pack.

Each docstring says what a person should see; look at the SVG as a picture
before accepting a change (`pytest --snapshot-update`, then open the file).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input

from summit_game.loader import load_pack
from summit_game.pack import Pack
from test_ui_support import make_app

SIZE = (100, 32)
MINI = Path(__file__).parent / "packs" / "mini"

Snap = Callable[..., bool]


def mini_pack() -> Pack:
    result = load_pack(MINI)
    assert result.pack is not None
    return result.pack


def test_title(snap_compare: Snap, tmp_path: Path) -> None:
    """The pack's title and summary centred under SUMMIT, then six one-line buttons
    (New game highlighted, Continue with 'No autosave yet.' under it, Load, Hot-seat,
    Help, Quit) and the footer keys."""
    assert snap_compare(make_app(mini_pack(), tmp_path / "saves"), terminal_size=SIZE)


def test_seat_choice(snap_compare: Snap, tmp_path: Path) -> None:
    """'Choose your seat': a framed list (1. US highlighted, 2. DPRK) on the left and
    the US brief ('You advise the President.') on the right."""
    app = make_app(mini_pack(), tmp_path / "saves")
    assert snap_compare(app, press=["n"], terminal_size=SIZE)


def test_scene(snap_compare: Snap, tmp_path: Path) -> None:
    """The status bar ('8 March 2018 · US' and 'Divergence from history: 0'), the
    scene title and text, the two numbered choices in a frame at the bottom left, and
    the meter panel on the right: Trust 20 and Tension 50 as bars, each with the ┃
    history mark at the same place and 'same as history'."""
    app = make_app(mini_pack(), tmp_path / "saves", seats=["us"])
    assert snap_compare(app, press=["enter"], terminal_size=SIZE)


def test_after_choice(snap_compare: Snap, tmp_path: Path) -> None:
    """After refusing: 'You chose: Refuse', 'What really happened' with the summary,
    '✗ You departed from history' naming the real choice, the source, the meter
    changes with their cause (Trust −10, Tension +10), the reflection question with
    a text box holding an answer, and the meter bars now off the ┃ history marks."""

    async def refuse_and_answer(pilot: Pilot[Any]) -> None:
        await pilot.press("enter", "2")
        pilot.app.screen.query_one("#journal", Input).value = "They would lie"

    app = make_app(mini_pack(), tmp_path / "saves", seats=["us"])
    assert snap_compare(app, run_before=refuse_and_answer, terminal_size=SIZE)


def test_debrief(snap_compare: Snap, tmp_path: Path) -> None:
    """The game is over: 'The end for the US: Worse' and its summary, 'You matched
    history in 1 of 2 decisions', the meters beside the record in words, and the two
    decisions, each with what really happened and the source."""
    app = make_app(mini_pack(), tmp_path / "saves", seats=["us"])
    assert snap_compare(app, press=["enter", "1", "enter", "2", "enter"], terminal_size=SIZE)


def test_handover(snap_compare: Snap, tmp_path: Path) -> None:
    """Hot-seat privacy: an otherwise empty screen with a double-framed message,
    'Pass the keyboard to the DPRK; press Enter when ready.'"""
    app = make_app(mini_pack(), tmp_path / "saves", seats=["us", "dprk"])
    assert snap_compare(app, terminal_size=SIZE)


def test_timeline(snap_compare: Snap, tmp_path: Path) -> None:
    """The timeline after two decisions: two two-line entries (date, seat, scene; the
    choice and whether it was history), the last one highlighted."""
    app = make_app(mini_pack(), tmp_path / "saves", seats=["us"])
    assert snap_compare(app, press=["enter", "1", "enter", "2", "t"], terminal_size=SIZE)


def test_meters_over_time(snap_compare: Snap, tmp_path: Path) -> None:
    """Meters over time after refusing: for Trust and Tension, a 'this run' line and a
    'history' line of block characters on one scale, from 1 January 2018 to 1 July 2018."""
    app = make_app(mini_pack(), tmp_path / "saves", seats=["us"])
    assert snap_compare(app, press=["enter", "2", "enter", "m"], terminal_size=SIZE)


def test_load_with_a_broken_save(snap_compare: Snap, tmp_path: Path) -> None:
    """The load list with one entry, a broken save: its name, then 'cannot be loaded:
    not a readable save (damaged or truncated)'. (No valid save here: their listing
    shows the time they were saved, which would change the snapshot on every run.)"""
    saves = tmp_path / "saves"
    saves.mkdir()
    (saves / "broken.json").write_text("{not json", encoding="utf-8")
    app = make_app(mini_pack(), saves, seats=["us"])
    assert snap_compare(app, press=["enter", "l"], terminal_size=SIZE)


def test_scene_high_contrast(snap_compare: Snap, tmp_path: Path) -> None:
    """The scene in the high-contrast theme: white on black with yellow accents, the
    first choice highlighted in yellow after one ↓, the bars still showing █ ░ and ┃."""
    app = make_app(mini_pack(), tmp_path / "saves", seats=["us"])
    assert snap_compare(app, press=["f2", "enter", "down"], terminal_size=SIZE)
