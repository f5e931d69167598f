"""Choosing seats, reading a seat's brief, and handing the keyboard over."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Center, Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Button, Checkbox, Input, OptionList, Static
from textual.widgets.option_list import Option

from summit_game.forms import PlayRole
from summit_game.text import visible
from summit_game.ui.present import plain
from summit_game.ui.screens.base import SummitScreen


def brief_text(role: PlayRole) -> Text:
    """A seat's brief: who you are, goals, red lines, and who you answer to."""
    out = Text()
    out.append(visible(role.name) + "\n", style="bold underline")
    out.append("\n")
    out.append_text(plain(role.brief))
    out.append("\n")
    for title, items in (("Goals", role.goals), ("Red lines", role.red_lines)):
        if items:
            out.append(f"\n{title}\n", style="bold")
            for item in items:
                out.append("  • ")
                out.append_text(plain(item))
                out.append("\n")
    if role.answers_to:
        out.append("\nYou answer to: ", style="bold")
        out.append_text(plain(role.answers_to))
        out.append("\n")
    return out


class TickBox(Checkbox):
    """A checkbox whose mark is drawn only when ticked, so it reads without colour."""

    @property
    def _button(self) -> Content:
        self.BUTTON_INNER = "X" if self.value else " "
        return super()._button


class SeatScreen(SummitScreen):
    """The seats, each with its brief; Enter starts a game in the highlighted seat."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back"),
        Binding("question_mark", "app.help", "Help"),
    ]

    def body(self) -> ComposeResult:
        roles = self.game.pack.scenario.roles
        yield Static(Text("Choose your seat at the table", style="bold"), classes="screen-title")
        with Horizontal(id="seat-columns"):
            with Vertical(id="seat-left"):
                yield OptionList(
                    *[
                        Option(Text.assemble((f"{i}. ", "bold"), visible(r.name)), id=rid)
                        for i, (rid, r) in enumerate(roles.items(), 1)
                    ],
                    id="seat-list",
                )
                if self.game.ask_name:
                    yield Static(Text("Your name (optional):"), id="seat-name-label")
                    yield Input(
                        value=self.game.player_name or "",
                        placeholder="Tab here to type it",
                        id="seat-name",
                        max_length=40,
                        compact=True,
                    )
            with VerticalScroll(id="seat-brief"):
                yield Static(id="seat-brief-text")
        hint = "↑↓ look at a seat · Enter sit down · "
        hint += "Tab your name (it names your saves) · " if self.game.ask_name else ""
        yield Static(Text(hint + "Esc back", style="italic"), classes="hint")

    def on_mount(self) -> None:
        seats = self.query_one("#seat-list", OptionList)
        seats.highlighted = 0
        seats.focus()
        self._show_brief(next(iter(self.game.pack.scenario.roles)))

    def _show_brief(self, seat: str) -> None:
        role = self.game.pack.scenario.roles[seat]
        self.query_one("#seat-brief-text", Static).update(brief_text(role))
        self.query_one("#seat-brief", VerticalScroll).scroll_home(animate=False)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id is not None:
            self._show_brief(event.option.id)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.query_one("#seat-list", OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        seat = event.option.id
        if seat is None:
            return
        if self.game.ask_name:
            self.game.player_name = self.query_one("#seat-name", Input).value.strip() or None
        name = self.game.player_name
        self.game.new_game([seat], {seat: name} if name else {}, briefed=True)

    def action_back(self) -> None:
        """Back to the title."""
        from summit_game.ui.screens.title import TitleScreen

        self.game.show(TitleScreen())


class HotseatScreen(SummitScreen):
    """Two or three players at one keyboard: tick the seats and give each a name."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back"),
    ]

    def body(self) -> ComposeResult:
        yield Static(
            Text("Hot-seat: two or three players at one keyboard", style="bold"),
            classes="screen-title",
        )
        yield Static(
            Text(
                "Tick two or three seats and type each player's name. The seats "
                "take turns in date order; the keyboard is handed over between "
                "turns so no one sees another's choices."
            ),
            classes="hint",
        )
        with VerticalScroll(id="hotseat-rows"):
            for rid, role in self.game.pack.scenario.roles.items():
                with Horizontal(classes="hotseat-row"):
                    yield TickBox(Text(visible(role.name)), id=f"seat-{rid}")
                    yield Input(
                        placeholder="Player's name (optional)", id=f"name-{rid}", max_length=40
                    )
        with Center():
            yield Button("Start", id="start", variant="primary")

    def on_mount(self) -> None:
        self.query(Checkbox).first().focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.focus_next()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "start":
            self.start()

    def start(self) -> None:
        """Start with the ticked seats, if there are two or three."""
        seats, names = [], {}
        for rid in self.game.pack.scenario.roles:
            if self.query_one(f"#seat-{rid}", Checkbox).value:
                seats.append(rid)
                name = self.query_one(f"#name-{rid}", Input).value.strip()
                if name:
                    names[rid] = name
        if not 2 <= len(seats) <= 3:
            self.notify("Tick two or three seats.", severity="warning")
            return
        self.game.new_game(seats, names)

    def action_back(self) -> None:
        """Back to the title."""
        from summit_game.ui.screens.title import TitleScreen

        self.game.show(TitleScreen())


class BriefScreen(SummitScreen):
    """One seat's brief before its first turn (or again, on request, with ``b``)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "go", "Begin"),
        Binding("escape", "go", "Back", show=False),
    ]

    def __init__(self, seat: str, *, overlay: bool = False) -> None:
        super().__init__()
        self.seat = seat
        self.overlay = overlay

    def body(self) -> ComposeResult:
        role = self.game.pack.scenario.roles[self.seat]
        state = self.game.state
        who = state.names.get(self.seat) if state is not None else None
        heading = "Your seat" + (f", {visible(who)}" if who else "")
        yield Static(Text(heading, style="bold"), classes="screen-title")
        with VerticalScroll(id="brief-scroll"):
            yield Static(brief_text(role), id="brief-text")
        yield Static(
            Text("Press Enter to " + ("go back." if self.overlay else "begin."), style="italic"),
            classes="hint",
        )

    def action_go(self) -> None:
        """Begin playing (or go back to the scene)."""
        if self.overlay:
            self.dismiss()
        else:
            self.game.brief_read(self.seat)


class HandoverScreen(SummitScreen):
    """Hot-seat privacy: the previous player's screen is gone until the next one is ready."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "ready", "I'm ready"),
        Binding("q", "app.quit", "Quit"),
    ]

    def __init__(self, seat: str) -> None:
        super().__init__()
        self.seat = seat

    def body(self) -> ComposeResult:
        pack = self.game.pack
        state = self.game.state
        role = pack.scenario.roles[self.seat].name
        who = state.names.get(self.seat) if state is not None else None
        text = Text("Pass the keyboard to the ", style="bold")
        text.append(visible(role), style="bold reverse")
        if who:
            text.append(f" ({visible(who)})", style="bold")
        text.append("; press Enter when ready.", style="bold")
        with Vertical(id="handover"):
            yield Static(text, id="handover-text")
            yield Static(
                Text("The other players' choices stay hidden.", style="italic"), id="handover-note"
            )

    def action_ready(self) -> None:
        """The next player has the keyboard."""
        self.game.handed_over(self.seat)
