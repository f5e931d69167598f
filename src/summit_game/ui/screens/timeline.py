"""The run so far as dated decisions; pick one to rewind to just before it."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from summit_game.text import visible
from summit_game.ui.present import long_date, plain
from summit_game.ui.screens.base import ConfirmScreen, OverlayScreen


class TimelineScreen(OverlayScreen):
    """Every decision, dated; Enter on one asks to go back to just before it.

    In hot-seat play the other seats' choices are not shown, only that they chose.
    """

    def body(self) -> ComposeResult:
        pack, state = self.game.pack, self.game.state
        assert state is not None
        yield Static(Text("Timeline: your decisions so far", style="bold"), classes="screen-title")
        options = []
        private = len(state.seats) > 1
        for i, d in enumerate(state.decisions, 1):
            scene = pack.scenes.get(d.scene)
            choice = scene.choice(d.choice) if scene else None
            line = Text(f"{i}. {long_date(d.date)} · ", style="bold")
            line.append(visible(pack.scenario.roles[d.seat].name) + " · ", style="bold")
            line.append_text(plain(scene.title if scene else d.scene, "bold"))
            if private and d.seat != state.turn:
                line.append("\n   (another player's decision)", style="italic")
            else:
                line.append("\n   ")
                line.append_text(plain(choice.text if choice else d.choice))
                line.append("  ✓ as history" if d.historical else "  ✗ not history")
            options.append(Option(line, id=str(i)))
        if options:
            yield OptionList(*options, id="timeline")
            yield Static(
                Text(
                    "↑↓ pick a decision · Enter go back to just before it · Esc back",
                    style="italic",
                ),
                classes="hint",
            )
        else:
            yield Static(Text("No decisions yet.", style="italic"), id="timeline-empty")

    def on_mount(self) -> None:
        lists = self.query(OptionList)
        if lists:
            timeline = lists.first()
            timeline.highlighted = timeline.option_count - 1
            timeline.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is None or self.game.state is None:
            return
        n = int(event.option.id)
        later = len(self.game.state.decisions) - n

        def done(yes: bool | None) -> None:
            if yes:
                self.game.rewind(n)

        self.app.push_screen(
            ConfirmScreen(
                f"Go back to just before decision {n}? It and the {later} after it will be undone."
                if later
                else f"Go back to just before decision {n}, the last one?"
            ),
            done,
        )
