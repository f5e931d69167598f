"""Helpers for the Textual tests (no tests here): the app factory and screen text.

Pilot presses cost ~70 ms each, so these tests follow the paths a person
takes and check the rest against the engine state directly.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from summit_game.pack import Pack
from summit_game.ui.app import SummitApp


def make_app(
    pack: Pack,
    saves: Path,
    *,
    seats: list[str] | None = None,
    name: str | None = None,
    load: str | None = None,
    until: dt.date | None = None,
) -> SummitApp:
    """The same factory ``summit-game play`` uses, with a fixed seed."""
    return SummitApp(pack, saves, seats=seats, name=name, load=load, seed=0, until=until)


def screen_text(app: SummitApp) -> str:
    """Everything visible on the terminal now, as plain lines."""
    strips = app.screen._compositor.render_strips()
    return "\n".join(strip.text for strip in strips)


def flat(app: SummitApp) -> str:
    """Screen text with all runs of whitespace (and wrapping) collapsed to one space."""
    return " ".join(screen_text(app).replace("▌", " ").split())


#: Border and scrollbar glyphs, dropped by :func:`text_in`.
BORDERS = "▊▎▔▁▌▏│─╭╮╰╯┃━"


def text_in(app: SummitApp, selector: str) -> str:
    """The visible text inside one widget's region, whitespace collapsed."""
    region = app.screen.query_one(selector).region
    strips = app.screen._compositor.render_strips()
    lines = [strip.crop(region.x, region.right).text for strip in strips[region.y : region.bottom]]
    text = " ".join(lines)
    for ch in BORDERS:
        text = text.replace(ch, " ")
    return " ".join(text.split())


def screen_name(app: SummitApp) -> str:
    """The class name of the screen on top."""
    return type(app.screen).__name__
