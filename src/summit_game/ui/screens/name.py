"""The player's name, asked first when the game is served to a browser."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static


class NameScreen(ModalScreen[str]):
    """'Your name?' over the title: Enter gives it (or nothing), Escape skips it.

    Dismissed with the name typed, stripped ('' when none was).
    """

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "skip", "Skip")]

    DEFAULT_CSS = """
    NameScreen { align: center middle; }
    NameScreen > Vertical {
        width: 64;
        max-width: 100%;
        height: auto;
        padding: 1 2;
        border: thick $primary;
        background: $surface;
    }
    NameScreen #name-title { text-style: bold; margin-bottom: 1; }
    NameScreen #name-why { margin-bottom: 1; }
    NameScreen #name-hint { color: $text-muted; margin-top: 1; }
    """

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text("Welcome to Summit"), id="name-title")
            yield Static(
                Text(
                    "Type your name and press Enter. Your saves are kept under it, "
                    "so you can continue next lesson and hand in your debrief."
                ),
                id="name-why",
            )
            yield Input(placeholder="Your name (optional)", id="name-input", max_length=40)
            yield Static(
                Text("Enter: go on · Esc: play without a name"), id="name-hint", classes="hint"
            )

    def on_mount(self) -> None:
        self.query_one("#name-input", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value.strip())

    def action_skip(self) -> None:
        """Play without a name."""
        self.dismiss("")
