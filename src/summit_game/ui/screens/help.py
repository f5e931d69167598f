"""Help: the keys, how the meters and divergence work, and where saves go."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from summit_game.text import visible
from summit_game.ui.screens.base import OverlayScreen

KEYS = [
    ("1 … 9", "pick that choice (or ↑↓ and Enter, or click it)"),
    ("PgUp PgDn", "scroll a long scene text"),
    ("Enter", "go on after a choice (your reflection is saved first)"),
    ("t", "timeline: every decision so far; pick one to go back to just before it"),
    ("u", "undo the last decision"),
    ("m", "meters over time: this run beside history"),
    ("g", "glossary: search the terms"),
    ("b", "your seat's brief again"),
    ("d", "debrief so far: every decision beside history"),
    ("s / l", "save under a name / load a save"),
    ("?  F1", "this help"),
    ("F2", "high-contrast theme on or off (also in the command palette)"),
    ("Ctrl+R", "reload the pack after editing it (your run goes on)"),
    ("Ctrl+P", "command palette: save, load, rewind, glossary, theme, debrief"),
    ("Esc", "close this kind of screen"),
    ("q", "quit (the game is autosaved first)"),
]


class HelpScreen(OverlayScreen):
    """What the keys do, what the meters mean, where the saves are."""

    def body(self) -> ComposeResult:
        yield Static(Text("Help", style="bold"), classes="screen-title")
        with VerticalScroll(id="help-scroll"):
            keys = Text()
            for key, what in KEYS:
                keys.append(f"{key:>10}  ", style="bold")
                keys.append(what + "\n")
            yield Static(Text("Keys", style="bold"), classes="section")
            yield Static(keys, id="help-keys")
            yield Static(Text("The meters", style="bold"), classes="section")
            yield Static(
                Text(
                    "Each meter (trust, tension, sanctions...) is a bar and a number. █ fills "
                    "the bar up to this run's value; ┃ marks where the historical record stood "
                    "on the scene's date. Under each bar the gap is said in words, such as "
                    "'8 above history'. Your choices move the meters, and so do other actors "
                    "between your turns (listed under 'Meanwhile' after a choice).\n\n"
                    "Divergence from history, at the top right of the game, is the average gap "
                    "between your meters and the record, as points out of 100: 0 means you are "
                    "exactly where history was."
                ),
                id="help-meters",
            )
            yield Static(Text("Saves", style="bold"), classes="section")
            saves = Text("Every decision is saved at once as ")
            saves.append(f"'{visible(self.game.autosave_name())}'", style="bold")
            saves.append(
                "; Continue on the title screen picks it up. Named saves (s) go "
                "in the same folder:\n  "
            )
            saves.append(visible(str(self.game.saves.resolve())), style="bold")
            saves.append("\nA save made here also loads in --plain mode, and back.")
            yield Static(saves, id="help-saves")

    def on_mount(self) -> None:
        self.query_one("#help-scroll", VerticalScroll).focus()
