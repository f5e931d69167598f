"""The ending and debrief, and the stop for discussion (``--until``)."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from summit_game.debrief import build_debrief
from summit_game.text import number, visible
from summit_game.ui.present import gap_words, long_date, plain
from summit_game.ui.screens.base import PlayScreen


class DebriefScreen(PlayScreen):
    """The ending(s) reached, then every decision beside history, the meters, the journal.

    With ``final=False`` it is the debrief of the run so far, opened over the game.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("e", "export", "Export"),
        Binding("w", "download('md')", "Download .md", show=False),
        Binding("h", "download('html')", "Download .html", show=False),
        Binding("n", "title", "New game"),
        Binding("escape", "close", "Back", show=False),
    ]

    def __init__(self, *, final: bool) -> None:
        super().__init__()
        self.final = final

    def body(self) -> ComposeResult:
        pack, state = self.game.pack, self.game.state
        assert state is not None
        report = build_debrief(pack, state)
        yield self.status()
        with VerticalScroll(id="debrief-scroll"):
            for seat, (title, summary) in report.endings.items():
                scene = pack.scenes[state.positions[seat]]
                head = Text(
                    f"The end for the {visible(pack.scenario.roles[seat].name)}: ", style="bold"
                )
                head.append_text(plain(title, "bold"))
                yield Static(head, classes="ending-title")
                if scene.ending is not None and scene.ending.historical:
                    yield Static(Text("This is the ending history reached.", style="italic"))
                yield Static(plain(summary), classes="ending-summary")
            if not self.final:
                yield Static(
                    Text("The debrief so far (Esc to go back to the game)", style="bold"),
                    classes="ending-title",
                )
            total = len(report.decisions)
            yield Static(
                Text(
                    f"You matched history in {report.matched} of {total} "
                    f"decision{'s' * (total != 1)}. Divergence from history: "
                    f"{number(report.divergence)}.",
                    style="bold",
                ),
                id="debrief-score",
            )
            yield Static(Text("Meters now, beside the record", style="bold"), classes="section")
            lines = [
                Text(
                    f"{visible(m.label)}: {number(m.value)}, "
                    f"{gap_words(m.value, m.record)} ({number(m.record)})"
                )
                for m in report.meters
            ]
            yield Static(Text("\n").join(lines), id="debrief-meters")
            yield Static(Text("Your decisions", style="bold"), classes="section")
            for row in report.decisions:
                text = Text(f"{row.number}. {long_date(row.date)} · ", style="bold")
                text.append(visible(pack.scenario.roles[row.seat].name) + " · ", style="bold")
                text.append_text(plain(row.scene_title, "bold"))
                text.append("\n   You chose: ")
                text.append_text(plain(row.chosen))
                text.append(
                    "  ✓ as history" if row.historical else "  ✗ not what happened", style="bold"
                )
                if not row.historical and row.history_choice:
                    text.append("\n   The real actor chose: ")
                    text.append_text(plain(row.history_choice))
                if row.history_summary:
                    text.append("\n   What really happened: ")
                    text.append_text(plain(row.history_summary))
                for source in row.sources:
                    text.append("\n   Source: ", style="dim")
                    text.append_text(plain(source, "italic"))
                if row.journal:
                    text.append("\n   Your reflection: ")
                    text.append_text(plain(row.journal, "italic"))
                yield Static(text, classes="debrief-row")
            yield Static(
                Text(
                    "m: meters over time · t: timeline (rewind) · e: export to "
                    "Markdown · w / h: download as Markdown / HTML · n: new game · q: quit",
                    style="italic",
                ),
                classes="hint",
            )

    def action_export(self) -> None:
        """Write the debrief to a Markdown file beside the saves."""
        self.game.export_debrief()

    def action_download(self, fmt: str) -> None:
        """The debrief as a file: a download in a browser, a file beside the saves otherwise."""
        self.game.download_debrief(fmt)

    def action_title(self) -> None:
        """Back to the title for a new game."""
        from summit_game.ui.screens.title import TitleScreen

        self.game.autosave()
        self.game.state = None
        self.game.show(TitleScreen())

    def action_close(self) -> None:
        """Back to the game (when opened over it)."""
        if not self.final:
            self.dismiss()


class StopScreen(PlayScreen):
    """``--until``: the lesson stops here for discussion; the game is autosaved."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "app.quit", "Quit"),
    ]

    def body(self) -> ComposeResult:
        until = self.game.until
        assert until is not None
        yield self.status()
        with Vertical(id="stop"):
            yield Static(Text("Stop here for discussion", style="bold"), id="stop-title")
            yield Static(
                Text(f"The lesson ends at {long_date(until)}; the next scene is later than that."),
                id="stop-text",
            )
            yield Static(
                Text(
                    f"Your game is saved as '{visible(self.game.autosave_name())}': "
                    "choose Continue on the title screen next time."
                ),
                id="stop-saved",
            )
            yield Static(
                Text(
                    "Talk it over: t shows your decisions, m the meters over time, "
                    "d the debrief so far. Enter or q quits.",
                    style="italic",
                ),
                classes="hint",
            )
