"""The play screen: a scene to decide, then the view after the decision, in turn.

One screen holds both views and is built once per session; every decision
refills it in place (:meth:`SceneScreen.show_scene`,
:meth:`SceneScreen.show_decision`) and swaps which view is displayed.
Composing a fresh screen of twenty-odd widgets, its footer and its styles for
every key press cost 50-70 ms and grew the heap; switching between two built
screens still cost twice what updating one does, because Textual restyles and
redraws every widget of a screen it switches to.  The status bar, the meters
and the key bar stay in place across the two views, and are redrawn only
when what they show has changed.  The app keeps the screen installed (see
``SummitApp.show_scene``) and fills it *before* showing it, so no frame ever
shows the previous scene (which matters in hot-seat play).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Button, Input, Static

from summit_game import engine
from summit_game.errors import GameError
from summit_game.text import visible
from summit_game.ui.present import change_line, plain, seat_name
from summit_game.ui.screens.base import PlayScreen
from summit_game.ui.widgets.choices import ChoiceList
from summit_game.ui.widgets.meters import MeterPanel
from summit_game.ui.widgets.status import StatusBar
from summit_game.ui.widgets.textview import TextView

if TYPE_CHECKING:
    from summit_game.engine import Decision, GameState
    from summit_game.pack import Pack, PlayScene


class SceneScreen(PlayScreen):
    """The scene (date, place, title, text, numbered choices) or what the decision did.

    ``view`` says which: ``"scene"`` (choose with 1-9, or arrows and Enter)
    or ``"after"`` (feedback, what really happened, the meter changes and
    their causes, the reflection; Enter goes on).  The meters stay beside both.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        *[Binding(str(n), f"pick({n})", f"Choice {n}", show=False) for n in range(1, 10)],
        Binding("enter", "next", "Continue"),
        # Before the focused choice list's own PgUp/PgDn (which move its
        # highlight): the help promises these keys scroll the text.
        Binding("pageup", "scroll_text(-1)", "Scroll up", show=False, priority=True),
        Binding("pagedown", "scroll_text(1)", "Scroll down", show=False, priority=True),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.view = "scene"
        self.scene: PlayScene | None = None
        """The scene just decided, while the view after it is shown."""
        self.decision: Decision | None = None
        self._built = False
        """Whether the widgets exist to be filled (they do from on_mount on)."""
        self._left_as: tuple[str, object] | None = None
        """The theme and terminal size when another screen last covered this one."""
        self._ahead: dict[str, Ahead] = {}
        """Choices on offer taken ahead, by id, while the scene is read (see look_ahead)."""
        self._ahead_of: GameState | None = None
        """The state they were taken in."""
        self._pieces: deque[Callable[[], None]] = deque()
        """What is left to make ahead for that state, a piece at a time."""
        self._next_text: tuple[tuple[object, ...], Content] | None = None
        """The next scene's text, made while the account of a decision is read."""

    def body(self) -> ComposeResult:
        pack, state = self.game.pack, self.game.state
        assert state is not None
        yield self.status()
        # One grid, no nested columns: the text (the scene's or the account of
        # the decision) top left, what to do under it, the meters right across
        # both rows.  Each of the two views shows its own text and bottom; the
        # grid places whichever are displayed.  A column container per view
        # drew 40 blank lines under its children on every decision.
        yield TextView(blank_above=1, blank_below=1, id="scene-scroll")
        yield TextView(blank_above=1, id="after-scroll")
        yield MeterPanel(pack, state, id="meters")
        yield ChoiceList([], id="choices")
        # The reflection and Continue stay in view however long the account is.
        with Vertical(id="after-bottom"):
            yield Static(id="after-prompt")
            yield JournalInput(
                placeholder="Your answer goes in your journal",
                id="journal",
                max_length=2000,
            )
            yield _continue_button()

    def on_screen_suspend(self) -> None:
        self._left_as = (self.app.theme, self.app.size)

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        # Textual restyles every widget of a screen it returns to (5-6 ms here),
        # in case the theme or the terminal's size changed while it was away
        # (behind a hand-over, a brief or an overlay).  When neither did, the
        # styles it would compute are the ones the screen has.
        if self._left_as == (self.app.theme, self.app.size):
            event.refresh_styles = False

    def on_mount(self) -> None:
        self._built = True
        if self.view == "after" and self.scene is not None and self.decision is not None:
            self.show_decision(self.scene, self.decision)
        else:
            self.show_scene()
        self.focus_view()

    def _switch(self, view: str) -> None:
        """Display the ``view`` half of the screen."""
        self.view = view
        scene = view == "scene"
        for selector in ("#scene-scroll", "#choices"):
            self.query_one(selector).display = scene
        for selector in ("#after-scroll", "#after-bottom"):
            self.query_one(selector).display = not scene

    def focus_view(self) -> None:
        """Focus what the view's keys go to, and make its keys the active ones.

        The app calls this once the refilled screen is drawn: a change of focus
        repaints the whole screen and restyles the widgets losing and gaining
        it, which is worth a frame of its own after the one that answers the
        key, not a place in it.  Until then the keys are not read, so none can
        reach the wrong widget.
        """
        if not self._built:
            return
        if self.view == "scene":
            # Focus on this screen now, even while it waits to be shown: a
            # widget's own focus() would act later, on whichever screen is
            # current then.
            self.set_focus(self.query_one(ChoiceList))
        else:
            # Enter goes on through the screen's binding (or the journal's submit).
            journal = self.query_one("#journal", Input)
            self.set_focus(journal if journal.display else None)
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Numbers pick only while choosing; Enter goes on only after a choice."""
        # None hides the key from the key bar; the other view's keys mean nothing here.
        if action == "pick":
            return True if self.view == "scene" else None
        if action == "next":
            return True if self.view == "after" else None
        return True

    # ------------------------------------------------------------ the scene

    def show_scene(self) -> None:
        """Fill the screen with the scene on the table (the app calls this before showing it)."""
        if not self._built:
            self.view = "scene"
            return
        pack, state = self.game.pack, self.game.state
        assert state is not None
        scene = pack.scenes[state.scene_id]
        self.scene = self.decision = None
        self.query_one(StatusBar).set_texts(*self.status_texts())
        self.query_one("#scene-scroll", TextView).update(self._scene_text(state, scene))
        offered = engine.available(pack, state)
        choices = self.query_one(ChoiceList)
        choices.set_choices(offered)
        keys = "1" if len(offered) == 1 else f"1–{len(offered)}"
        choices.border_title = f"What do you do? Press {keys}, or ↑↓ and Enter"
        self.query_one(MeterPanel).show_state(pack, state)
        self._switch("scene")

    def _scene_text(self, state: GameState, scene: PlayScene) -> Content:
        """The scene's text, as made ahead (:meth:`look_ahead`) when it was."""
        key = _text_key(state, scene)
        if self._next_text is not None and self._next_text[0] == key:
            return self._next_text[1]
        return scene_text(self.game.pack, state, scene)

    def look_ahead(self) -> None:
        """Make what the next key press will show, while the player reads this view.

        In a scene: every choice on offer, taken (the engine's step is pure, so
        taking it again gives the same result), its account wrapped for the
        view after it and its meters drawn.  After a decision: the next scene's
        text, wrapped.  The key press then costs the drawing, not the making; a
        press that comes first makes its own, as before.

        The app calls this once the view is drawn.  It makes one piece (a
        choice's account, or its meters: 3-8 ms) and queues itself for
        the next, so a key pressed meanwhile waits for one piece at most, not
        for all of them.
        """
        if not self._built:
            return
        pack, state = self.game.pack, self.game.state
        if state is None:
            return
        if self.view == "scene":
            if self._ahead_of is not state:
                self._ahead, self._ahead_of = {}, state
                self._pieces = deque(
                    partial(self._take_ahead, state, choice.id)
                    for choice in engine.available(pack, state)
                )
            if self._pieces:
                self._pieces.popleft()()
                self.call_later(self.look_ahead)
        elif not engine.is_over(pack, state):
            scene = pack.scenes[state.scene_id]
            key = _text_key(state, scene)
            if self._next_text is None or self._next_text[0] != key:
                text = scene_text(pack, state, scene)
                self.query_one("#scene-scroll", TextView).prepare(text)
                self._next_text = (key, text)

    def _take_ahead(self, state: GameState, choice_id: str) -> None:
        """Take one choice ahead and wrap its account; its meters are the next piece."""
        pack = self.game.pack
        try:
            after, decision = engine.step(pack, state, choice_id)
        except GameError:
            return  # the key press will say why
        text = account(pack, pack.scenes[state.scene_id], decision)
        scene_view = self.query_one("#scene-scroll", TextView)
        self.query_one("#after-scroll", TextView).prepare(text, like=scene_view)
        self._ahead[choice_id] = Ahead(after, decision, text)
        self._pieces.append(partial(self.query_one(MeterPanel).prepare, after))

    def stepped_ahead(self, state: GameState, choice_id: str) -> tuple[GameState, Decision] | None:
        """``choice_id`` taken in ``state`` by :meth:`look_ahead`, if it was."""
        ahead = self._ahead.get(choice_id)
        if ahead is None or self._ahead_of is not state:
            return None
        return ahead.after, ahead.decision

    def action_pick(self, number: int) -> None:
        """Pick the choice with this number."""
        if not self.query_one(ChoiceList).pick(number):
            self.notify(f"There is no choice {number}.", severity="warning")

    def on_choice_list_choice_made(self, event: ChoiceList.ChoiceMade) -> None:
        event.stop()
        self.game.choose(event.choice_id)

    # ------------------------------------------------------------ after a choice

    def show_decision(self, scene: PlayScene, decision: Decision) -> None:
        """Fill the screen with what ``decision`` in ``scene`` did (called before showing it)."""
        self.scene, self.decision = scene, decision
        if not self._built:
            self.view = "after"
            return
        pack, state = self.game.pack, self.game.state
        assert state is not None
        self.query_one(StatusBar).set_texts(*self.status_texts(scene, decision.seat))
        made = next((a.text for a in self._ahead.values() if a.decision is decision), None)
        text = made if made is not None else account(pack, scene, decision)
        self.query_one("#after-scroll", TextView).update(text)
        prompt = None
        if scene.prompt:
            prompt = Text("Reflect: ", style="bold")
            prompt.append_text(plain(scene.prompt))
        shown = self.query_one("#after-prompt", Static)
        shown.display = prompt is not None
        if prompt is not None:
            shown.update(prompt)
        journal = self.query_one("#journal", Input)
        journal.value = ""
        journal.display = prompt is not None
        self.query_one(MeterPanel).show_state(pack, state)
        self._switch("after")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_next()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "continue":
            self.action_next()

    def action_next(self) -> None:
        """Keep the reflection (if any) and go on to what comes next."""
        if self.view != "after" or self.scene is None:
            return
        if self.scene.prompt:
            self.game.answer(self.query_one("#journal", Input).value)
        self.game.show_current()

    # ------------------------------------------------------------ both

    def action_scroll_text(self, direction: int) -> None:
        """Scroll the scene text, or the account of the decision, a page."""
        scroll = self.query_one(f"#{self.view}-scroll", TextView)
        if direction < 0:
            scroll.scroll_page_up()
        else:
            scroll.scroll_page_down()


class JournalInput(Input):
    """The reflection's answer; its Enter keeps the answer and goes on.

    Textual's Input hides its Enter binding from the key bar, and a focused
    widget's binding hides the screen's for the same key: with the journal
    focused, the key bar showed no way on at all.
    """

    BINDINGS: ClassVar[list[BindingType]] = [Binding("enter", "submit", "Continue")]


def _continue_button() -> Button:
    """Continue, for the mouse; Enter is the screen's own key for it.

    The button never takes the focus: a focused button answers Enter with a
    0.2 s "pressed" look, ignoring presses meanwhile (an Enter that left this
    view moments ago swallowed the next one), and restyling the button on the
    way in and out cost about a millisecond of each of the next two key presses.
    """
    button = Button("Continue (Enter)", id="continue", variant="primary", compact=True)
    button.can_focus = False
    return button


@dataclass(frozen=True, slots=True)
class Ahead:
    """A choice taken ahead of the key press: what it made."""

    after: GameState
    decision: Decision
    text: Content
    """The account of the decision (see :func:`account`), wrapped ahead."""


def _text_key(state: GameState, scene: PlayScene) -> tuple[object, ...]:
    """What a scene's text depends on (see :func:`scene_text`): the scene, whose turn."""
    return (scene.id, state.turn if len(state.seats) > 1 else None)


#: The style of the account's headings: the theme's accent, as the scene's title.
HEADING = "$accent bold"


def account(pack: Pack, scene: PlayScene, decision: Decision) -> Content:
    """What a decision did, as one block of text for one widget.

    The scene's title, what was chosen and the feedback; what really happened
    (the summary, whether the player did what the real actor did, the
    sources); the meter changes with their causes, the player's then other
    actors'.  One widget, not eleven: drawing the view after a choice cost
    a widget's layout and styling per paragraph, on every decision.
    """
    blocks: list[Content] = [Content.styled(visible(scene.title), HEADING)]
    choice = scene.choice(decision.choice)
    chose = Text("You chose: ", style="bold")
    chose.append_text(plain(choice.text if choice else decision.choice))
    blocks.append(Content.from_rich_text(chose))
    if choice is not None and choice.feedback:
        blocks.append(Content.from_rich_text(plain(choice.feedback)))
    history, real = scene.history, scene.historical_choice
    if history is not None or real is not None:
        blocks.append(Content.styled("What really happened", HEADING))
    if history is not None:
        blocks.append(Content.from_rich_text(plain(history.summary)))
    if real is not None:
        if decision.historical:
            mark = Text("✓ You did what the real actor did.", style="bold")
        else:
            mark = Text("✗ You departed from history. The real actor chose: ", style="bold")
            mark.append_text(plain(real.text))
        blocks.append(Content.from_rich_text(mark))
    titles = pack.source_titles(history.sources) if history is not None else []
    if titles:
        sources = Text("Sources", style="bold")
        for title in titles:
            sources.append("\n  • ")
            sources.append_text(plain(title, "italic"))
        blocks.append(Content.from_rich_text(sources))
    mine = [c for c in decision.changes if c.kind == "choice"]
    events = [c for c in decision.changes if c.kind != "choice"]
    changed = Content.styled("What your choice changed", HEADING)
    lines = "\n".join(change_line(pack, c) for c in mine)
    changed += "\n" + (Content(lines) if mine else Content.styled("No meter moved.", "italic"))
    blocks.append(changed)
    if events:
        meanwhile = Content.styled("Meanwhile", HEADING)
        meanwhile += "\n" + Content("\n".join(change_line(pack, c) for c in events))
        blocks.append(meanwhile)
    return Content("\n\n").join(blocks)


#: The style of the notes under a scene's title (whose turn; an alternate history).
NOTE = "$warning italic"


def scene_text(pack: Pack, state: GameState, scene: PlayScene) -> Content:
    """The scene's title, whose turn (in hot-seat play), the alternate-history
    warning, and its text, as one block for one widget (see :func:`account`)."""
    head = [Content.styled(visible(scene.title), HEADING)]
    if len(state.seats) > 1:
        head.append(Content.styled(f"{visible(seat_name(pack, state, state.turn))}'s turn", NOTE))
    if scene.counterfactual:
        head.append(Content.styled("Alternate history: this did not happen.", NOTE))
    return Content("\n\n").join(
        [Content("\n").join(head), Content.from_rich_text(plain(scene.text))]
    )
