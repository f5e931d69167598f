"""A scene to decide, and the view after a decision."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Input, Static

from summit_game import engine
from summit_game.engine import Decision
from summit_game.pack import PlayScene
from summit_game.text import visible
from summit_game.ui.present import change_line, plain, seat_name
from summit_game.ui.screens.base import PlayScreen
from summit_game.ui.widgets.choices import ChoiceList
from summit_game.ui.widgets.meters import MeterPanel


class SceneScreen(PlayScreen):
    """Date, place, title and text of the scene; the numbered choices; the meters."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *[Binding(str(n), f"pick({n})", f"Choice {n}", show=False) for n in range(1, 10)],
        Binding("pageup", "scroll_text(-1)", "Scroll up", show=False),
        Binding("pagedown", "scroll_text(1)", "Scroll down", show=False),
    ]

    def body(self) -> ComposeResult:
        pack, state = self.game.pack, self.game.state
        assert state is not None
        scene = pack.scenes[state.scene_id]
        yield self.status()
        with Horizontal(id="play-columns"):
            with Vertical(id="scene-main"):
                with VerticalScroll(id="scene-scroll"):
                    yield Static(plain(scene.title, "bold"), id="scene-title")
                    if len(state.seats) > 1:
                        turn = Text(
                            f"{visible(seat_name(pack, state, state.turn))}'s turn", style="italic"
                        )
                        yield Static(turn, id="scene-turn")
                    if scene.model.counterfactual:
                        yield Static(
                            Text("Alternate history: this did not happen.", style="italic"),
                            id="scene-alternate",
                        )
                    yield Static(plain(scene.model.text), id="scene-text")
                offered = engine.available(pack, state)
                choices = ChoiceList(offered, id="choices")
                keys = "1" if len(offered) == 1 else f"1–{len(offered)}"
                choices.border_title = f"What do you do? Press {keys}, or ↑↓ and Enter"
                yield choices
            yield MeterPanel(pack, state, id="meters")

    def on_mount(self) -> None:
        self.query_one(ChoiceList).focus()

    def action_pick(self, number: int) -> None:
        """Pick the choice with this number."""
        if not self.query_one(ChoiceList).pick(number):
            self.notify(f"There is no choice {number}.", severity="warning")

    def action_scroll_text(self, direction: int) -> None:
        """Scroll the scene text a page."""
        scroll = self.query_one("#scene-scroll", VerticalScroll)
        if direction < 0:
            scroll.scroll_page_up()
        else:
            scroll.scroll_page_down()

    def on_choice_list_choice_made(self, event: ChoiceList.ChoiceMade) -> None:
        event.stop()
        self.game.choose(event.choice_id)


class AfterChoiceScreen(PlayScreen):
    """Feedback, what really happened, the meter changes and their causes, the reflection."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "next", "Continue"),
        Binding("pageup", "scroll_text(-1)", "Scroll up", show=False),
        Binding("pagedown", "scroll_text(1)", "Scroll down", show=False),
    ]

    def __init__(self, scene: PlayScene, decision: Decision) -> None:
        super().__init__()
        self.scene = scene
        self.decision = decision

    def body(self) -> ComposeResult:
        pack, state = self.game.pack, self.game.state
        assert state is not None
        scene, decision = self.scene, self.decision
        choice = scene.choice(decision.choice)
        yield self.status(scene, decision.seat)
        with Horizontal(id="play-columns"):
            with Vertical(id="after-main"):
                with VerticalScroll(id="after-scroll"):
                    yield Static(plain(scene.title, "bold"), id="after-title")
                    chose = Text("You chose: ", style="bold")
                    chose.append_text(plain(choice.text if choice else decision.choice))
                    yield Static(chose, id="after-chose")
                    if choice is not None and choice.model.feedback:
                        yield Static(plain(choice.model.feedback), id="after-feedback")
                    yield from self._history()
                    yield from self._changes()
                # The reflection and Continue stay in view however long the account is.
                with Vertical(id="after-bottom"):
                    if scene.model.prompt:
                        prompt = Text("Reflect: ", style="bold")
                        prompt.append_text(plain(scene.model.prompt))
                        yield Static(prompt, id="after-prompt")
                        yield Input(
                            placeholder="Your answer goes in your journal",
                            id="journal",
                            max_length=2000,
                        )
                    yield Button("Continue (Enter)", id="continue", variant="primary", compact=True)
            yield MeterPanel(pack, state, id="meters")

    def _history(self) -> ComposeResult:
        history = self.scene.model.history
        real = self.scene.historical_choice
        if history is None and real is None:
            return
        yield Static(Text("What really happened", style="bold"), classes="section")
        if history is not None:
            yield Static(plain(history.summary), id="after-history")
        if real is not None:
            if self.decision.historical:
                mark = Text("✓ You did what the real actor did.", style="bold")
            else:
                mark = Text("✗ You departed from history. The real actor chose: ", style="bold")
                mark.append_text(plain(real.text))
            yield Static(mark, id="after-historical")
        if history is not None:
            titles = self.game.pack.source_titles(history.sources)
            if titles:
                text = Text("Sources", style="bold")
                for title in titles:
                    text.append("\n  • ")
                    text.append_text(plain(title, "italic"))
                yield Static(text, id="after-sources")

    def _changes(self) -> ComposeResult:
        pack = self.game.pack
        mine = [c for c in self.decision.changes if c.kind == "choice"]
        events = [c for c in self.decision.changes if c.kind != "choice"]
        yield Static(Text("What your choice changed", style="bold"), classes="section")
        if mine:
            yield Static(Text("\n".join(change_line(pack, c) for c in mine)), id="after-changes")
        else:
            yield Static(Text("No meter moved.", style="italic"), id="after-changes")
        if events:
            yield Static(Text("Meanwhile", style="bold"), classes="section")
            yield Static(Text("\n".join(change_line(pack, c) for c in events)), id="after-events")

    def on_mount(self) -> None:
        if self.scene.model.prompt:
            self.query_one("#journal", Input).focus()
        else:
            self.query_one("#continue", Button).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_next()

    def action_scroll_text(self, direction: int) -> None:
        """Scroll the account of the decision a page."""
        scroll = self.query_one("#after-scroll", VerticalScroll)
        if direction < 0:
            scroll.scroll_page_up()
        else:
            scroll.scroll_page_down()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "continue":
            self.action_next()

    def action_next(self) -> None:
        """Keep the reflection (if any) and go on to what comes next."""
        if self.scene.model.prompt:
            self.game.answer(self.query_one("#journal", Input).value)
        self.game.show_current()
