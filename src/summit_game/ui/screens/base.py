"""What every screen shares: the footer, the too-small notice, the play keys."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Static

from summit_game.text import visible
from summit_game.ui.present import divergence_text, long_date, seat_name
from summit_game.ui.widgets.keybar import KeyBar
from summit_game.ui.widgets.status import StatusBar, TooSmall

if TYPE_CHECKING:
    # The title screen is drawn before the engine is imported (start-up time).
    from summit_game.pack import PlayScene
    from summit_game.ui.app import SummitApp


class SummitScreen(Screen[None]):
    """A full screen: the body a subclass composes, the too-small notice, the key bar."""

    @property
    def game(self) -> SummitApp:
        """The app, typed."""
        return cast("SummitApp", self.app)

    def compose(self) -> ComposeResult:
        yield from self.body()
        yield TooSmall()
        yield KeyBar()

    def body(self) -> ComposeResult:
        """The screen's own widgets."""
        yield from ()


class OverlayScreen(SummitScreen):
    """A screen opened over the game (help, saves, timeline...); Escape closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "close", "Back")]

    def action_close(self) -> None:
        """Back to the screen underneath."""
        self.dismiss()


class PlayScreen(SummitScreen):
    """A screen of the game in progress: the status bar and the game's keys."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("t", "app.timeline", "Timeline"),
        Binding("m", "app.meters", "Meters"),
        Binding("g", "app.glossary", "Glossary"),
        Binding("s", "app.save_game", "Save"),
        Binding("l", "app.load_game", "Load"),
        Binding("b", "app.brief", "Brief", show=False),
        Binding("d", "app.debrief", "Debrief", show=False),
        Binding("u", "app.undo", "Undo", show=False),
        Binding("question_mark", "app.help", "Help"),
        Binding("q", "app.quit", "Quit"),
    ]

    def status(self, scene: PlayScene | None = None, seat: str | None = None) -> StatusBar:
        """Date and place, whose seat, and the divergence now (always visible).

        ``scene`` and ``seat`` default to the scene on the table; the view after
        a choice passes the scene just decided, so hot-seat players never see
        whose turn comes next.
        """
        return StatusBar(*self.status_texts(scene, seat))

    def status_texts(
        self, scene: PlayScene | None = None, seat: str | None = None
    ) -> tuple[Text, Text]:
        """The status bar's left and right texts (see :meth:`status`)."""
        from summit_game import engine

        state = self.game.state
        assert state is not None
        pack = self.game.pack
        over = scene is None and engine.is_over(pack, state)
        scene = scene or pack.scenes[state.scene_id]
        left = Text(long_date(scene.date), style="bold")
        left.append(f" · {visible(seat_name(pack, state, seat or scene.role))}")
        if scene.place:
            left.append(f" · {visible(scene.place)}")
        if over:
            left = Text("The game is over", style="bold")
        return left, Text(divergence_text(pack, state))


class ConfirmScreen(ModalScreen[bool]):
    """A yes/no question over the current screen."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n,escape", "answer(False)", "No"),
    ]

    DEFAULT_CSS = """
    ConfirmScreen { align: center middle; }
    ConfirmScreen > Grid {
        grid-size: 2;
        grid-gutter: 1 2;
        grid-rows: auto 3;
        width: 60;
        max-width: 100%;
        height: auto;
        padding: 1 2;
        border: thick $warning;
        background: $surface;
    }
    ConfirmScreen #question { column-span: 2; width: 1fr; }
    ConfirmScreen Button { width: 100%; }
    """

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Grid():
            yield Static(Text(self.question), id="question")
            yield Button("Yes (y)", variant="warning", id="yes")
            yield Button("No (n)", variant="primary", id="no")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        """Close with this answer."""
        self.dismiss(yes)
