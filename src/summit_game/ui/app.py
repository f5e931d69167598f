"""The Summit app: one factory shared by ``summit-game play`` and the tests.

:class:`SummitApp` owns the one :class:`~summit_game.engine.GameState` of
the session and every operation on it (choose, answer, rewind, save, load);
screens call these and only display what the state holds.  The screen stack
is kept shallow: the default screen, one *main* screen (title, scene, after
a choice, hand-over, ending...), and at most a few overlays (help, save,
timeline...) on top.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import io
import sys
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import events
from textual._styles_cache import StylesCache
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.theme import Theme
from textual.widget import Widget

from summit_game.errors import GameError, SaveError
from summit_game.packcache import TitleCard
from summit_game.text import visible
from summit_game.ui.hangup import watch_terminal
from summit_game.ui.present import save_label

if TYPE_CHECKING:
    # The engine, the pack and the saves (and the conditions behind them) are imported
    # where they are used, so the title screen's first frame waits for none of them.
    from summit_game.engine import Decision, GameState
    from summit_game.pack import Pack, PlayScene
    from summit_game.saves import SaveInfo
    from summit_game.ui.screens.scene import SceneScreen

HIGH_CONTRAST = Theme(
    name="summit-high-contrast",
    primary="#FFFF00",
    secondary="#00FFFF",
    accent="#FF00FF",
    warning="#00FFFF",
    error="#FF5F5F",
    success="#00FF00",
    foreground="#FFFFFF",
    background="#000000",
    surface="#000000",
    panel="#1C1C1C",
    boost="#303030",
    dark=True,
    luminosity_spread=0.0,
    text_alpha=1.0,
    variables={
        "block-cursor-foreground": "#000000",
        "block-cursor-background": "#FFFF00",
        "block-cursor-text-style": "bold",
        "footer-key-foreground": "#FFFF00",
        "input-selection-background": "#FFFF00 60%",
    },
)
"""A black-and-white theme with yellow highlights for projectors and low vision."""

DEFAULT_THEME = "textual-dark"
#: Net new objects that set off a young garbage collection during play (Python's
#: default is 700): above what drawing one decision allocates (see ``_settle_heap``).
YOUNG_COLLECTION_THRESHOLD = 50_000


class SummitApp(App[int]):
    """Summit in the terminal: title, seats, scenes, debrief, and everything around them."""

    CSS_PATH = "app.tcss"
    TITLE = "Summit"
    ENABLE_COMMAND_PALETTE = True
    # Textual declares these oddly (ClassVar inside a union), so mypy needs no ClassVar.
    HORIZONTAL_BREAKPOINTS = [  # noqa: RUF012
        (0, "-small-w"),
        (60, "-fits-w"),
        (110, "-wide"),
    ]
    VERTICAL_BREAKPOINTS = [  # noqa: RUF012
        (0, "-small-h"),
        (20, "-fits-h"),
        (30, "-tall"),
    ]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f1", "help", "Help", show=False),
        Binding("f2", "toggle_contrast", "High contrast", show=False),
        Binding("ctrl+r", "reload_pack", "Reload pack", show=False),
    ]

    def __init__(
        self,
        pack: Pack | None,
        saves: Path,
        seats: list[str] | None = None,
        name: str | None = None,
        load: str | None = None,
        seed: int = 0,
        until: dt.date | None = None,
        source: Path | None = None,
        cache: Path | None = None,
        *,
        card: TitleCard | None = None,
        finish: Callable[[], Pack] | None = None,
    ) -> None:
        """``pack`` is the loaded pack; or None with a title ``card`` and a ``finish``.

        Without a pack, the title screen is drawn from the card and ``finish()``
        loads the pack right after that first frame (see :meth:`finish_loading`):
        the start-up a student waits through is the title's, not the pack's.
        """
        super().__init__()
        if pack is not None:
            card = TitleCard(pack.scenario.title, pack.scenario.summary, pack.digest)
        elif card is None or finish is None:
            raise ValueError("SummitApp needs a pack, or a title card and a way to finish")
        self._pack = pack
        self._finish = finish if pack is None else None
        self.card = card
        """The pack's title and summary, for the title screen."""
        self.collect_after_start = False
        """Whether to turn the garbage collector on after the first frame (see run_app)."""
        self.load_error: BaseException | None = None
        """Why the deferred load failed; :func:`run_app` raises it once the app is gone."""
        self.source = source
        """The pack's folder, re-read by Ctrl+R while an author tests an edit."""
        self.cache = cache
        self.saves = saves
        self.start_seats = list(seats) if seats else None
        self.player_name = name
        self.ask_name = name is None
        """Whether the seat screen asks the player's name (no ``--name`` was given)."""
        self.start_load = load
        self.seed = seed
        self.until = until
        self.state: GameState | None = None
        """The whole game: everything a screen shows comes from here."""
        self.shown_seat: str | None = None
        """Hot-seat: the seat whose player holds the keyboard now."""
        self.briefed: set[str] = set()
        """Seats whose brief has been shown in this session."""
        self._scene: SceneScreen | None = None
        """The scene screen, built once and refilled for every decision (and hot-seat turn)."""
        self._settled = False
        """Whether the session's long-lived objects have been frozen (:meth:`_settle_heap`)."""
        self._retired: list[Screen[None]] = []
        """Scene screens of a pack that was reloaded, uninstalled once off the stack."""
        self.register_theme(HIGH_CONTRAST)
        self.theme = DEFAULT_THEME

    # ------------------------------------------------------------ start

    @property
    def pack(self) -> Pack:
        """The pack being played (loaded now if the deferred load has not run yet)."""
        if self._pack is None:
            self.finish_loading()
        if self._pack is None:
            raise RuntimeError("the pack could not be loaded")  # only after a failed load
        return self._pack

    @pack.setter
    def pack(self, pack: Pack) -> None:
        self._pack = pack

    @property
    def pack_ready(self) -> bool:
        """Whether the pack is loaded (always, unless the app was given a title card)."""
        return self._pack is not None

    def finish_loading(self) -> None:
        """Load the pack the app was started without; on failure, leave with exit code 1.

        Runs on the main thread right after the title's first frame, so keys
        pressed meanwhile simply wait; a key that arrives first loads the pack
        itself (:meth:`on_event`).  The error is kept in :attr:`load_error`
        and raised by :func:`run_app` once the terminal is restored, so it
        reads exactly as a failed load before the app started.
        """
        finish, self._finish = self._finish, None
        if finish is None or self._pack is not None:
            return
        try:
            self._pack = finish()
        except Exception as exc:  # SummitError or a bug: cli.main reports both
            self.load_error = exc
            self.exit(1, return_code=1)
            return
        self.card = TitleCard(
            self._pack.scenario.title, self._pack.scenario.summary, self._pack.digest
        )
        from summit_game.ui.screens.title import TitleScreen

        for screen in self.screen_stack:
            if isinstance(screen, TitleScreen):
                screen.pack_loaded()

    def _started(self) -> None:
        """After the first frame: the deferred load, then the collector back on (run_app)."""
        self.finish_loading()
        if self.collect_after_start:
            gc.enable()

    async def on_event(self, event: events.Event) -> None:
        """Input before the deferred load has run: load the pack first, then handle it."""
        if self._finish is not None and isinstance(event, events.InputEvent):
            self.finish_loading()
        if self.load_error is not None and isinstance(event, events.InputEvent):
            return  # leaving: nothing to play
        await super().on_event(event)

    def on_mount(self) -> None:
        from summit_game.ui.screens.title import TitleScreen

        self.push_screen(TitleScreen())
        self.call_after_refresh(self._started)
        if self.start_load is not None:
            self.load_named(self.start_load)
        elif self.start_seats:
            names = {s: self.player_name for s in self.start_seats} if self.player_name else {}
            self.new_game(self.start_seats, names)

    def new_game(
        self, seats: list[str], names: dict[str, str] | None = None, *, briefed: bool = False
    ) -> None:
        """Start a run for these seats (briefs shown before each seat's first turn)."""
        from summit_game import engine

        try:
            self.state = engine.new_game(self.pack, seats, seed=self.seed, names=names)
        except GameError as exc:
            self.notify(visible(str(exc)), severity="error", markup=False)
            return
        self.shown_seat = seats[0] if len(seats) == 1 else None
        self.briefed = set(seats) if briefed else set()
        self.show_current()

    # ------------------------------------------------------------ the loop

    def show(self, screen: Screen[None]) -> None:
        """Make ``screen`` the main screen, closing any overlays above the old one."""
        while len(self.screen_stack) > 2:
            self.pop_screen()
        if len(self.screen_stack) < 2:
            self.push_screen(screen)
        elif self.screen is not screen:
            self.switch_screen(screen)
        self._let_go()
        if screen is self._scene:
            return
        # Textual's per-widget style cache (an lru_cache keyed by instance) keeps
        # up to 1,024 retired widgets alive; every new screen retires the old
        # one's widgets, so the heap grows and each full garbage collection
        # stalls a key press (textual issue #6665).  Dropping it when a screen
        # is replaced costs one redraw of cached colours.  The scene screen is
        # reused, so the loop of decisions retires nothing.
        StylesCache.get_inner_outer.cache_clear()

    def show_scene(self) -> None:
        """Show the scene on the table, on the one scene screen of the session."""
        screen = self._scene_screen()
        screen.show_scene()
        self._present(screen)

    def show_decision(self, scene: PlayScene, decision: Decision) -> None:
        """Show what ``decision`` did, on the same screen as the scene."""
        screen = self._scene_screen()
        screen.show_decision(scene, decision)
        self._present(screen)

    def _present(self, screen: SceneScreen) -> None:
        """Show the refilled scene screen: its frame first, then what can wait.

        The focus moves once the frame is out (see SceneScreen.focus_view);
        the next key's view is made ahead and garbage collected while the
        player reads.
        """
        self.show(screen)
        self._draw_now(screen)
        screen.focus_view()
        self.call_after_refresh(screen.look_ahead)
        self.call_after_refresh(self._settle_heap)

    @staticmethod
    def _draw_now(screen: Screen[None]) -> None:
        """Lay out and draw a refilled ``screen`` in one go, now.

        Textual draws a changed screen at the next slot of a 60 Hz grid, and
        learns what changed from one message per refilled widget; a slot
        falling between those messages drew the widgets that had reported in
        (10-40 ms of drawing, some of it stale), and the full layout came a
        slot later.  A decision is worth one frame of its own: every container
        is told to arrange its children afresh (a few dozen widgets: well
        under a millisecond), and the screen is laid out and drawn at once,
        before the key-bar messages of the refill are handled and before the
        focus moves (their restyling shows a frame later, a few milliseconds on).
        These are Textual internals, so a version without them simply waits
        for its slot as before.
        """
        draw = getattr(screen, "_on_timer_update", None)
        if not screen.is_current or not screen.is_mounted or draw is None:
            return  # a screen shown for the first time is drawn as it mounts
        for widget in screen.walk_children(Widget):
            forget = getattr(widget, "_clear_arrangement_cache", None)
            if forget is not None:
                forget()
        # Layout, and no repaint of the screen itself: that would only redraw
        # its background, covered everywhere by its widgets, and made Textual
        # compose a second full frame (4-8 ms) straight after the first.
        screen.refresh(layout=True, repaint=False)
        draw()

    def _scene_screen(self) -> SceneScreen:
        """The session's scene screen, built the first time it is needed.

        It is installed, so that Textual keeps it (widgets and all) while
        another screen is shown: a hand-over, a brief, an overlay.
        """
        from summit_game.ui.screens.scene import SceneScreen

        if self._scene is None:
            self._scene = SceneScreen()
            self.install_screen(self._scene, f"scene-{id(self._scene)}")
        return self._scene

    def _settle_heap(self) -> None:
        """Collect garbage now, while the player reads what was just drawn.

        Runs after each refilled scene or decision has been drawn.  Left to
        itself, the collector ran its full collections whenever its counters
        said so: 20-40 ms landing on a random key press.  Collecting here,
        once per screen and off the key path, resets those counters, so the
        automatic collections between two screens find little to do.  The
        first time, what lives on (Textual's widgets, the screens) is frozen
        out of the collector's scans (reference counting still frees it).

        The first time, the young generation's threshold is also raised from
        700 to :data:`YOUNG_COLLECTION_THRESHOLD` objects.  Drawing one
        decision allocates some 20,000 objects (Textual's strips and segments,
        most freed by reference counting within the frame): at 700 that set
        off about 30 young and 3 middle collections inside every key press,
        2-3 ms of a 16 ms budget.  What is left for the collector is collected
        here, once per screen, anyway.
        """
        gc.collect()
        if not self._settled:
            gc.freeze()
            _young, middle, old = gc.get_threshold()
            gc.set_threshold(YOUNG_COLLECTION_THRESHOLD, middle, old)
            self._settled = True

    def _drop_scene_screen(self) -> None:
        """Build the scene screen anew (a reloaded pack may have other meters).

        A screen still on the stack cannot be uninstalled yet; :meth:`show`
        lets it go once another screen has replaced it.
        """
        if self._scene is not None:
            self._retired.append(self._scene)
            self._scene = None
        self._let_go()

    def _let_go(self) -> None:
        for screen in list(self._retired):
            if screen not in self.screen_stack:
                self.uninstall_screen(screen)
                self._retired.remove(screen)

    def show_current(self) -> None:
        """Show what comes next: the ending, a stop, a hand-over, a brief or the scene."""
        from summit_game import engine
        from summit_game.ui.screens.debrief import DebriefScreen, StopScreen
        from summit_game.ui.screens.seats import BriefScreen, HandoverScreen

        state = self.state
        if state is None:
            return
        if engine.is_over(self.pack, state):
            self.show(DebriefScreen(final=True))
            return
        scene = self.pack.scenes[state.scene_id]
        if self.until is not None and scene.date > self.until:
            self.autosave()
            self.show(StopScreen())
            return
        if len(state.seats) > 1 and state.turn != self.shown_seat:
            self.show(HandoverScreen(state.turn))
            return
        if state.turn not in self.briefed:
            self.show(BriefScreen(state.turn))
            return
        self.show_scene()

    def handed_over(self, seat: str) -> None:
        """The named seat's player has the keyboard."""
        self.shown_seat = seat
        self.show_current()

    def brief_read(self, seat: str) -> None:
        """The seat's player has read the brief."""
        self.briefed.add(seat)
        self.show_current()

    def choose(self, choice_id: str) -> None:
        """Take a choice in the current scene, autosave, and show what it did."""
        from summit_game import engine

        if self.state is None:
            return
        scene = self.pack.scenes[self.state.scene_id]
        ahead = self._scene.stepped_ahead(self.state, choice_id) if self._scene else None
        try:
            self.state, decision = ahead or engine.step(self.pack, self.state, choice_id)
        except GameError as exc:
            self.notify(visible(str(exc)), severity="error", markup=False)
            return
        # The player sees what the choice did first, and the autosave is written
        # (and flushed) straight after that frame, in the same handler: no key
        # is read in between, and a failure still shows as a notice.  Saving
        # first kept 1.5-2 ms of disk work between the key and the answer.
        self.show_decision(scene, decision)
        self.autosave()

    def answer(self, text: str) -> None:
        """Keep the player's reflection in the journal (and in the autosave)."""
        from summit_game import engine

        if self.state is None or not text.strip():
            return
        self.state = engine.record_journal(self.state, text.strip())
        self.autosave()

    def rewind(self, to: int) -> None:
        """Go back to just before decision ``to`` (1-based)."""
        from summit_game import engine

        if self.state is None:
            return
        try:
            self.state = engine.undo(self.pack, self.state, to=to)
        except GameError as exc:
            self.notify(visible(str(exc)), severity="error", markup=False)
            return
        self.autosave()
        self.notify(f"Back to before decision {to}.")
        self.show_current()

    # ------------------------------------------------------------ saves

    def autosave_name(self) -> str:
        """The autosave this game writes: ``autosave``, or ``<players>-autosave``."""
        from summit_game.saves import autosave_name

        if self.state is not None:
            return autosave_name(self.state.names)
        return autosave_name({"": self.player_name or ""})

    def latest_autosave(self) -> SaveInfo | None:
        """The autosave Continue picks up: this player's, else the newest one."""
        try:
            # Every autosave's file name ends so; with none there, the title screen
            # needs neither the saves module nor the engine (start-up time, memory).
            if not any(self.saves.glob("*autosave.json")):
                return None
        except OSError:
            pass
        from summit_game.saves import autosave_name, is_autosave, list_saves

        saves = [s for s in list_saves(self.saves) if is_autosave(s.name)]
        if self.player_name:
            mine = autosave_name({"": self.player_name})
            saves = [s for s in saves if s.name == mine]
        return saves[0] if saves else None

    def autosave(self) -> bool:
        """Write the autosave; a failure is shown, never raised."""
        return self.save_as(self.autosave_name(), quiet=True)

    def save_as(self, name: str, *, quiet: bool = False) -> bool:
        """Save the game as ``name`` in the saves folder."""
        from summit_game.saves import write_save

        if self.state is None:
            return False
        try:
            write_save(self.saves, name, self.pack, self.state, save_label(self.pack, self.state))
        except SaveError as exc:
            self.notify(
                f"Could not save: {visible(str(exc))}", severity="error", markup=False, timeout=10
            )
            return False
        if not quiet:
            self.notify(f"Saved as '{visible(name)}'.", markup=False)
        return True

    def load_named(self, name: str) -> bool:
        """Load a save by name (or by path, as ``--load`` allows)."""
        from summit_game.saves import save_path

        try:
            path = (
                Path(name)
                if name.endswith(".json") and "/" in name
                else save_path(self.saves, name)
            )
        except SaveError as exc:
            self.notify(
                f"Could not load: {visible(str(exc))}", severity="error", markup=False, timeout=10
            )
            return False
        return self.load_path(path, name)

    def load_path(self, path: Path, name: str | None = None) -> bool:
        """Load the save at ``path``; a broken save is reported and left as it is."""
        from summit_game.saves import load_save

        try:
            state = load_save(path, self.pack)
        except SaveError as exc:
            self.notify(
                f"Could not load: {visible(str(exc))}", severity="error", markup=False, timeout=10
            )
            return False
        self.state = state
        self.shown_seat = state.seats[0] if len(state.seats) == 1 else None
        self.briefed = set(state.seats)
        self.notify(f"Loaded '{visible(name or path.stem)}'.", markup=False)
        self.show_current()
        return True

    def export_debrief(self) -> Path | None:
        """Write the debrief as Markdown beside the saves; returns the file written."""
        if self.state is None:
            return None
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        path = self.saves / f"debrief-{stamp}.md"
        try:
            from summit_game.export import debrief_markdown

            self.saves.mkdir(parents=True, exist_ok=True)
            path.write_text(debrief_markdown(self.pack, self.state), encoding="utf-8")
        except OSError as exc:
            self.notify(f"Could not export: {visible(str(exc))}", severity="error", markup=False)
            return None
        self.notify(f"Debrief written to {visible(str(path))}", markup=False, timeout=8)
        return path

    def download_debrief(self, fmt: str = "md") -> str | None:
        """Deliver the debrief as Markdown (``md``) or one HTML page (``html``).

        Through ``App.deliver_text``: in a browser (``summit-game serve``) a real
        download; in a terminal a file beside the saves.  Returns the file name.
        """
        if self.state is None:
            return None
        from summit_game.export import debrief_html, debrief_markdown
        from summit_game.saves import AUTOSAVE

        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        base = self.autosave_name().removesuffix(AUTOSAVE) + "debrief"
        filename = f"{base}-{stamp}.{fmt}"
        render = debrief_html if fmt == "html" else debrief_markdown
        text = render(self.pack, self.state)
        try:
            if not self.is_web:
                self.saves.mkdir(parents=True, exist_ok=True)
            key = self.deliver_text(
                io.StringIO(text),
                save_directory=self.saves,
                save_filename=filename,
                mime_type="text/html" if fmt == "html" else "text/markdown",
                encoding="utf-8",
                name="debrief",
            )
        except OSError as exc:
            self.notify(f"Could not export: {visible(str(exc))}", severity="error", markup=False)
            return None
        if key is None:
            return None
        if self.is_web:
            self.notify(f"Downloading {filename}", markup=False)
        return filename

    def on_delivery_complete(self, event: events.DeliveryComplete) -> None:
        """A debrief written in a terminal: say where (a browser shows its own download)."""
        if event.name == "debrief" and event.path is not None:
            self.notify(f"Debrief written to {visible(str(event.path))}", markup=False, timeout=8)

    def on_delivery_failed(self, event: events.DeliveryFailed) -> None:
        """A debrief that could not be delivered."""
        if event.name == "debrief":
            self.notify(
                f"Could not export: {visible(str(event.exception))}",
                severity="error",
                markup=False,
            )

    # ------------------------------------------------------------ actions

    def _need_game(self) -> bool:
        if self.state is None:
            self.notify("Start or load a game first.", severity="warning")
            return False
        return True

    def _overlay(self, screen: Screen[None]) -> None:
        if type(self.screen) is type(screen):
            return
        self.push_screen(screen)

    def action_help(self) -> None:
        """Show the keys, how the meters work and where saves go."""
        from summit_game.ui.screens.help import HelpScreen

        self._overlay(HelpScreen())

    def action_save_game(self) -> None:
        """Open the save screen."""
        from summit_game.ui.screens.saves import SaveScreen

        if self._need_game():
            self._overlay(SaveScreen())

    def action_load_game(self) -> None:
        """Open the load screen."""
        from summit_game.ui.screens.saves import LoadScreen

        self._overlay(LoadScreen())

    def action_timeline(self) -> None:
        """Open the timeline, where any decision can be rewound."""
        from summit_game.ui.screens.timeline import TimelineScreen

        if self._need_game():
            self._overlay(TimelineScreen())

    def action_meters(self) -> None:
        """Open the meters-over-time screen."""
        from summit_game.ui.screens.meters import MetersScreen

        if self._need_game():
            self._overlay(MetersScreen())

    def action_glossary(self) -> None:
        """Open the glossary."""
        from summit_game.ui.screens.glossary import GlossaryScreen

        self._overlay(GlossaryScreen())

    def action_debrief(self) -> None:
        """Open the debrief of the run so far."""
        from summit_game.ui.screens.debrief import DebriefScreen

        if self._need_game():
            self._overlay(DebriefScreen(final=False))

    def action_brief(self) -> None:
        """Show the current seat's brief again."""
        from summit_game.ui.screens.seats import BriefScreen

        if self._need_game() and self.state is not None:
            self._overlay(BriefScreen(self.state.turn, overlay=True))

    def action_undo(self) -> None:
        """Undo the last decision, after a confirmation."""
        from summit_game.ui.screens.base import ConfirmScreen

        if not self._need_game() or self.state is None:
            return
        n = len(self.state.decisions)
        if n == 0:
            self.notify("Nothing to undo yet.", severity="warning")
            return

        def done(yes: bool | None) -> None:
            if yes:
                self.rewind(n)

        self.push_screen(ConfirmScreen(f"Undo decision {n}, the last one taken?"), done)

    def action_toggle_contrast(self) -> None:
        """Switch between the high-contrast theme and the usual one."""
        self.theme = DEFAULT_THEME if self.theme == HIGH_CONTRAST.name else HIGH_CONTRAST.name

    def action_reload_pack(self) -> None:
        """Re-read the pack from disk; keep the run; show a broken edit's problems."""
        from summit_game.live import reload_pack

        if self.source is None:
            self.notify("This game was not started from a pack folder.", markup=False)
            return
        outcome = reload_pack(self.source, self.state, self.cache)
        problems = [visible(d.format()) for d in outcome.diagnostics if d.is_error][:5]
        if outcome.pack is None:
            self.notify(
                "\n".join([outcome.message, *problems]), severity="error", markup=False, timeout=20
            )
            return
        self.pack = outcome.pack
        self._drop_scene_screen()
        self.notify(outcome.message, markup=False)
        if outcome.state is not None:
            self.state = outcome.state
            self.show_current()

    async def action_quit(self) -> None:
        """Autosave (when a game is on) and leave."""
        self._save_and_leave()

    def terminal_gone(self) -> None:
        """The terminal hung up (see ui/hangup.py): save and leave.  Called from a thread."""
        with contextlib.suppress(RuntimeError):  # the app is not running (any more)
            self.call_from_thread(self._save_and_leave)

    def _save_and_leave(self) -> None:
        if self.state is not None:
            self.autosave()
        self.exit(0)

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """Our commands in the command palette, then Textual's own."""
        yield SystemCommand("Save game", "Save this game under a name", self.action_save_game)
        yield SystemCommand("Load game", "Load a named save or the autosave", self.action_load_game)
        yield SystemCommand(
            "Rewind", "Go back to an earlier decision (the timeline)", self.action_timeline
        )
        yield SystemCommand("Glossary", "Look up a term", self.action_glossary)
        yield SystemCommand(
            "Meters over time", "Each meter in this run beside history", self.action_meters
        )
        yield SystemCommand("Debrief", "Every decision so far beside history", self.action_debrief)
        yield SystemCommand(
            "High-contrast theme",
            "Switch the high-contrast theme on or off",
            self.action_toggle_contrast,
        )
        yield SystemCommand("Help", "Keys, meters, divergence and where saves go", self.action_help)
        yield SystemCommand(
            "Reload pack", "Re-read the pack after editing it (Ctrl+R)", self.action_reload_pack
        )
        yield from super().get_system_commands(screen)


def run_app(
    pack: Pack | None,
    saves: Path,
    seats: list[str] | None = None,
    name: str | None = None,
    load: str | None = None,
    seed: int = 0,
    until: dt.date | None = None,
    source: Path | None = None,
    cache: Path | None = None,
    *,
    card: TitleCard | None = None,
    finish: Callable[[], Pack] | None = None,
) -> int:
    """Play ``pack`` in the terminal; returns the exit code.

    ``source`` is the pack folder, for Ctrl+R (live reload); ``cache`` the parse cache.
    Without a ``pack``, the title screen is drawn from ``card`` and ``finish()``
    loads the pack just after (see :class:`SummitApp`); if that fails, its error
    is raised here, after the terminal is restored, for the caller to report.
    """
    # The pack lives as long as the process: keep the garbage collector from
    # rescanning it on every full collection during play.  (A deferred load
    # freezes what it loads itself: cli._load.)
    gc.freeze()
    app = SummitApp(
        pack,
        saves,
        seats=seats,
        name=name,
        load=load,
        seed=seed,
        until=until,
        source=source,
        cache=cache,
        card=card,
        finish=finish,
    )
    # `play` starts with the collector off (cli.cmd_play): start-up only builds
    # what lives on, and collections during Textual's imports and the first
    # frame cost 20-30 ms.  It comes back on after the first frame.
    app.collect_after_start = not gc.isenabled()
    done = threading.Event()
    stdin = sys.__stdin__
    if stdin is not None and stdin.isatty():
        watch_terminal(stdin.fileno(), app.terminal_gone, done)
    try:
        result = app.run()
    finally:
        done.set()
    if app.load_error is not None:
        raise app.load_error
    return result if isinstance(result, int) else (app.return_code or 0)
