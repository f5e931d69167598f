"""Small bars shared by the screens: the status line and the too-small notice."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static


class StatusBar(Horizontal):
    """Date and place on the left; whose turn and the divergence on the right."""

    DEFAULT_CSS = """
    StatusBar {
        dock: top;
        height: 1;
        background: $primary-background;
        color: $text;
        padding: 0 1;
    }
    StatusBar > #status-left { width: 1fr; text-wrap: nowrap; text-overflow: ellipsis; }
    StatusBar > #status-right { width: auto; text-style: bold; margin-left: 2; }
    """

    def __init__(self, left: Text, right: Text) -> None:
        super().__init__()
        self.left = left
        self.right = right

    def compose(self) -> ComposeResult:
        yield Static(self.left, id="status-left")
        yield Static(self.right, id="status-right")

    def set_texts(self, left: Text, right: Text) -> None:
        """Show new texts (the play screens are refilled in place for every decision)."""
        self.left, self.right = left, right
        for static, text in zip(self.query(Static), (left, right), strict=False):
            static.update(text)


class TooSmall(Static):
    """Shown under what fits when the terminal is smaller than the game needs."""

    DEFAULT_CSS = """
    TooSmall {
        dock: bottom;
        display: none;
        height: auto;
        background: $error;
        color: $text;
        text-style: bold;
        padding: 0 1;
    }
    """

    def __init__(self) -> None:
        super().__init__("Make the window larger (at least 60×20).", markup=False)
