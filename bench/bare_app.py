"""The floor for start-up, memory and response: a bare Textual app with one Static.

    python bench/bare_app.py

It imports nothing but Textual and shows one line of text.  Pressing ``n``
replaces the screen with a new one holding one Static ("Scene 1", "Scene 2"...):
the least a Textual app can do to show a new scene.
"""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static

TEXT = "A bare Textual app with one Static"


class SceneScreen(Screen[None]):
    """One Static saying which scene this is."""

    BINDINGS = [Binding("n", "next", "Next")]  # noqa: RUF012

    def __init__(self, number: int) -> None:
        super().__init__()
        self.number = number

    def compose(self) -> ComposeResult:
        yield Static(f"Scene {self.number}")

    def action_next(self) -> None:
        self.app.switch_screen(SceneScreen(self.number + 1))


class BareApp(App[None]):
    """One Static; ``n`` shows scene 1."""

    BINDINGS = [Binding("n", "next", "Next")]  # noqa: RUF012

    def compose(self) -> ComposeResult:
        yield Static(TEXT)

    def action_next(self) -> None:
        self.push_screen(SceneScreen(1))


if __name__ == "__main__":
    BareApp().run()
