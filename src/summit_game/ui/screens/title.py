"""The title screen: the pack's title and summary, and the ways into a game.

It is the first frame of every start, so it needs only the app's title card
(title and summary): when ``play`` starts from the validated-pack cache the
pack is loaded just after this screen is drawn, and the autosave line, which
needs the saves and the engine, is filled in then (:meth:`pack_loaded`).
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Center, Vertical, VerticalScroll
from textual.widgets import Static

from summit_game.text import visible
from summit_game.ui.present import plain
from summit_game.ui.screens.base import SummitScreen
from summit_game.ui.widgets.menu import MenuItem


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
    AUTO_FOCUS = "#new"
    """Focus New game as the screen mounts (not in on_mount: one restyle fewer at start-up)."""

    def body(self) -> ComposeResult:
        card = self.game.card
        with VerticalScroll(id="title-scroll"):
            yield Static(Text("S U M M I T", style="bold"), id="title-logo")
            yield Static(plain(card.title, "bold"), id="title-pack")
            with Center():
                yield Static(plain(card.summary), id="title-summary")
            with Center(), Vertical(id="title-menu"):
                yield MenuItem("New game  (n)", id="new", primary=True)
                yield MenuItem("Continue  (c)", id="continue")
                yield Static(self._autosave_line(), id="title-autosave")
                yield MenuItem("Load  (l)", id="load")
                yield MenuItem("Hot-seat  (h)", id="hotseat")
                yield MenuItem("Help  (?)", id="help")
                yield MenuItem("Quit  (q)", id="quit")

    def pack_loaded(self) -> None:
        """The deferred load is done: the autosave line, and the title if the pack changed."""
        card = self.game.card
        # query, not query_one: a screen not composed yet composes with the pack.
        for w in self.query("#title-pack").results(Static):
            w.update(plain(card.title, "bold"))
        for w in self.query("#title-summary").results(Static):
            w.update(plain(card.summary))
        for w in self.query("#title-autosave").results(Static):
            w.update(self._autosave_line())

    def _autosave_line(self) -> Text:
        if not self.game.pack_ready:
            return Text(" ")  # filled in by pack_loaded, a moment after the first frame
        latest = self.game.latest_autosave()
        if latest is None:
            return Text("No autosave yet.", style="italic")
        if latest.error is not None:
            return Text(f"'{visible(latest.name)}' cannot be loaded.", style="italic")
        return Text(visible(latest.label), style="italic")

    def on_menu_item_pressed(self, event: MenuItem.Pressed) -> None:
        event.stop()
        actions = {
            "new": self.action_new,
            "continue": self.action_continue,
            "load": self.game.action_load_game,
            "hotseat": self.action_hotseat,
            "help": self.game.action_help,
        }
        if event.item.id == "quit":
            self.game.exit(0)
        elif event.item.id in actions:
            actions[event.item.id]()

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
