"""The title screen: the pack's title and summary, and the ways into a game."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Center, Vertical, VerticalScroll
from textual.widgets import Button, Static

from summit_game.text import visible
from summit_game.ui.present import plain
from summit_game.ui.screens.base import SummitScreen


class TitleScreen(SummitScreen):
    """Title, summary, and New game / Continue / Load / Hot-seat / Help / Quit."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "new", "New game"),
        Binding("c", "continue", "Continue"),
        Binding("l", "app.load_game", "Load"),
        Binding("h", "hotseat", "Hot-seat"),
        Binding("question_mark", "app.help", "Help"),
        Binding("q", "app.quit", "Quit"),
        Binding("up", "app.focus_previous", show=False),
        Binding("down", "app.focus_next", show=False),
    ]

    def body(self) -> ComposeResult:
        pack = self.game.pack
        with VerticalScroll(id="title-scroll"):
            yield Static(Text("S U M M I T", style="bold"), id="title-logo")
            yield Static(plain(pack.scenario.title, "bold"), id="title-pack")
            with Center():
                yield Static(plain(pack.scenario.summary), id="title-summary")
            with Center(), Vertical(id="title-menu"):
                yield Button("New game  (n)", id="new", variant="primary", compact=True)
                yield Button("Continue  (c)", id="continue", compact=True)
                yield Static(self._autosave_line(), id="title-autosave")
                yield Button("Load  (l)", id="load", compact=True)
                yield Button("Hot-seat  (h)", id="hotseat", compact=True)
                yield Button("Help  (?)", id="help", compact=True)
                yield Button("Quit  (q)", id="quit", compact=True)

    def _autosave_line(self) -> Text:
        latest = self.game.latest_autosave()
        if latest is None:
            return Text("No autosave yet.", style="italic")
        if latest.error is not None:
            return Text(f"'{visible(latest.name)}' cannot be loaded.", style="italic")
        return Text(visible(latest.label), style="italic")

    def on_mount(self) -> None:
        self.query_one("#new", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        actions = {
            "new": self.action_new,
            "continue": self.action_continue,
            "load": self.game.action_load_game,
            "hotseat": self.action_hotseat,
            "help": self.game.action_help,
        }
        if event.button.id == "quit":
            self.game.exit(0)
        elif event.button.id in actions:
            actions[event.button.id]()

    def action_new(self) -> None:
        """Choose a seat for a new game."""
        from summit_game.ui.screens.seats import SeatScreen

        self.game.show(SeatScreen())

    def action_continue(self) -> None:
        """Carry on from the latest autosave."""
        latest = self.game.latest_autosave()
        if latest is None:
            self.notify("There is no autosave yet: start a new game.", severity="warning")
            return
        self.game.load_path(latest.path, latest.name)

    def action_hotseat(self) -> None:
        """Set up two or three players at one keyboard."""
        from summit_game.ui.screens.seats import HotseatScreen

        self.game.show(HotseatScreen())
