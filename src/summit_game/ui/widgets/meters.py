"""The meter panel: each meter as a bar and a number, history marked on the same bar."""

from __future__ import annotations

from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.geometry import Size
from textual.strip import Strip
from textual.visual import Visual, visualize
from textual.widget import Widget

from summit_game.engine import GameState
from summit_game.pack import Pack
from summit_game.text import number, visible
from summit_game.ui.present import MeterPath, divergence_text, gap_words, value_on

#: Drawn where the record's value sits; a glyph, so colour is never the only signal.
RECORD_MARK = "┃"
FILL = "█"
EMPTY = "░"


def gauge(
    label: str,
    low: float,
    high: float,
    value: float,
    record: float,
    width: int,
    styles: tuple[Style, Style, Style],
) -> Text:
    """One meter in three lines: label and value, the bar with history marked, the gap in words.

    ``styles`` are those of the bar's filled cells, its empty cells and the
    record's mark.  The bar is three runs of cells, not one span per cell:
    a bar of 38 one-cell spans took longer to draw than the rest of the screen.
    """
    width = max(4, width)
    head = Text(visible(label), style="bold", no_wrap=True, overflow="ellipsis")
    num = number(value)
    head.truncate(max(1, width - len(num) - 1), overflow="ellipsis")
    head.append(" " * max(1, width - head.cell_len - len(num)))
    head.append(num, style="bold")
    span = (high - low) or 1.0

    def cell(v: float) -> int:
        return max(0, min(width, round((v - low) / span * width)))

    fill, mark = cell(value), min(width - 1, cell(record))
    fill_style, empty_style, mark_style = styles
    bar = Text(no_wrap=True)
    bar.append(FILL * min(fill, mark), style=fill_style)
    bar.append(EMPTY * max(0, mark - fill), style=empty_style)
    bar.append(RECORD_MARK, style=mark_style)
    bar.append(FILL * max(0, fill - mark - 1), style=fill_style)
    bar.append(EMPTY * (width - max(fill, mark + 1)), style=empty_style)
    words = Text(
        f"{gap_words(value, record)} ({number(record)})",
        style="italic",
        no_wrap=True,
        overflow="ellipsis",
    )
    return Text("\n").join([head, bar, words])


class MeterBars(Widget):
    """The legend, every meter as a gauge (see :func:`gauge`), and the divergence.

    One widget draws them all: eight widgets cost eight times the layout and
    styling for every decision, for text that changes together anyway.
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "meter-bars--fill",
        "meter-bars--empty",
        "meter-bars--record",
        "meter-bars--legend",
    }

    DEFAULT_CSS = """
    MeterBars {
        height: auto;
        width: 1fr;
        /* Every line is one line: a wrapped one pushed the divergence out of
           the panel's fixed height in a narrow terminal. */
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    MeterBars > .meter-bars--fill { color: $primary; }
    MeterBars > .meter-bars--empty { color: $foreground 30%; }
    MeterBars > .meter-bars--record { color: $warning; text-style: bold; }
    MeterBars > .meter-bars--legend { color: $text-muted; }
    """

    #: The panel is a picture of numbers; selecting its text would only get in the way.
    ALLOW_SELECT = False

    def __init__(self, pack: Pack, state: GameState) -> None:
        super().__init__()
        self.pack = pack
        self.state = state
        self._set_tooltip()
        self._drawn: dict[tuple[object, ...], list[Strip]] = {}
        """The panel's lines for a state, by what they depend on (see :meth:`_key`)."""

    def _set_tooltip(self) -> None:
        helps = [
            f"{visible(m.label)}: {visible(m.help)}"
            for m in self.pack.scenario.meters.values()
            if m.help
        ]
        self.tooltip = Text("\n".join(helps)) if helps else None

    def show_state(self, pack: Pack, state: GameState) -> None:
        """Show this state's meters (nothing to redraw when they read the same)."""
        if pack is not self.pack:
            self.pack = pack
            self._drawn.clear()
            self._set_tooltip()
        elif self._shows(state) == self._shows(self.state):
            # The next scene after a decision shows the meters the view of
            # that decision showed (a journal answer makes a new state, with
            # the same meters): a repaint would draw the same 27 lines again.
            self.state = state
            return
        self.state = state
        # Same meters, same height: a repaint, not a new layout of the screen.
        self.refresh()

    def _shows(self, state: GameState) -> tuple[object, ...]:
        """What the panel draws from a state: the meters, and the date of the record."""
        return (tuple(state.meters.items()), state.date(self.pack))

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        # Legend and a blank line, three lines and a blank per meter, the divergence.
        return 2 + 4 * len(self.pack.scenario.meters) + 1

    def prepare(self, state: GameState) -> None:
        """Draw the panel for ``state`` now, so that showing it later costs no drawing.

        The scene screen prepares the state after each choice on offer while
        the scene is read: the meters are what most decisions redraw.
        """
        if self.size.width > 0:
            self._lines(state)

    def _key(self, state: GameState) -> tuple[object, ...]:
        # A new pack clears the drawings (see show_state).
        return (self._shows(state), self.size, self.app.theme)

    def _lines(self, state: GameState) -> list[Strip]:
        """The panel's lines for ``state``, drawn once per state, size and theme."""
        key = self._key(state)
        lines = self._drawn.get(key)
        if lines is None:
            text = visualize(self, self.text(state))
            lines = Visual.to_strips(self, text, self.size.width, None, self.visual_style)
            self._drawn[key] = lines
            while len(self._drawn) > DRAWN:
                del self._drawn[next(iter(self._drawn))]
        return lines

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._drawn.clear()  # the colours are baked into the lines

    def render_line(self, y: int) -> Strip:
        lines = self._lines(self.state)
        if y < len(lines):
            return lines[y]
        return Strip.blank(self.size.width, self.visual_style.rich_style)

    def render(self) -> Text:
        return self.text(self.state)

    def text(self, state: GameState) -> Text:
        """The panel for ``state``, as text."""
        pack = self.pack
        record = pack.record.at(state.date(pack))
        # Whole styles, not partial ones: a partial style drops a colour's
        # transparency, which drew the empty cells (`$foreground 30%`) as bright
        # as the text; the whole style has it blended into the background.
        styles = (
            self.get_component_rich_style("meter-bars--fill"),
            self.get_component_rich_style("meter-bars--empty"),
            self.get_component_rich_style("meter-bars--record"),
        )
        legend = Text.assemble(
            (FILL, "bold"),
            " this run   ",
            (RECORD_MARK, "bold"),
            " history",
            style=self.get_component_rich_style("meter-bars--legend"),
        )
        parts = [legend, Text()]
        width = self.size.width
        for mid, m in pack.scenario.meters.items():
            value = state.meters.get(mid, float(m.start))
            parts.append(
                gauge(m.label, float(m.min), float(m.max), value, record[mid], width, styles)
            )
            parts.append(Text())
        divergence = divergence_text(pack, state)
        if len(divergence) > width:  # a narrow panel: keep the number, shorten the words
            divergence = "Divergence: " + divergence.rsplit(" ", 1)[-1]
        parts.append(Text(divergence, style="bold"))
        return Text("\n").join(parts)


#: How many drawings of the panel are kept: the choices on offer, and the state shown.
DRAWN = 12


class MeterPanel(VerticalScroll):
    """Every meter of the run beside the record for the current date, and the divergence."""

    DEFAULT_CSS = """
    MeterPanel {
        width: 32;
        height: 1fr;
        padding: 0 1;
        border-left: vkey $foreground 30%;
    }
    """

    def __init__(self, pack: Pack, state: GameState, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.pack = pack
        self.state = state
        self.can_focus = False

    def compose(self) -> ComposeResult:
        yield MeterBars(self.pack, self.state)

    def show_state(self, pack: Pack, state: GameState) -> None:
        """Show this state's meters (the play screens are refilled for every decision)."""
        self.pack, self.state = pack, state
        self.query_one(MeterBars).show_state(pack, state)

    def prepare(self, state: GameState) -> None:
        """Draw the meters of ``state`` ahead of showing them (see :meth:`MeterBars.prepare`)."""
        self.query_one(MeterBars).prepare(state)


BLOCKS = " ▁▂▃▄▅▆▇█"


def spark(values: list[float], low: float, high: float, rows: int = 2) -> list[str]:
    """Values drawn as columns of block characters, ``rows`` high, on a fixed scale.

    Both lines of a meter share the meter's own scale (min to max), so the run and the
    record can be compared by eye; each column has ``8 * rows`` levels, and the lowest
    value still shows a baseline.
    """
    span = (high - low) or 1.0
    steps = 8 * rows
    lines = ["" for _ in range(rows)]
    for v in values:
        level = max(1, min(steps, round((v - low) / span * steps)))
        for r in range(rows):
            # Row 0 is the top line; row rows-1 the bottom one.
            filled = level - 8 * (rows - 1 - r)
            lines[r] += BLOCKS[max(0, min(8, filled))]
    return lines


class MeterTrace(Widget):
    """A meter's path in this run above the record's, on one time axis and one scale."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"meter-trace--run", "meter-trace--record"}

    DEFAULT_CSS = """
    MeterTrace { height: 5; margin-bottom: 1; }
    MeterTrace > .meter-trace--run { color: $primary; }
    MeterTrace > .meter-trace--record { color: $warning; }
    """

    def __init__(self, pack: Pack, path: MeterPath, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.pack = pack
        self.path = path

    def samples(self, width: int) -> tuple[list[float], list[float]]:
        """The run and the record sampled at ``width`` evenly spaced dates."""
        first, last = self.path.dates[0], self.path.dates[-1]
        days = max(0, (last - first).days)
        run, rec = [], []
        for i in range(width):
            when = (
                first
                if width == 1
                else first.fromordinal(first.toordinal() + round(days * i / (width - 1)))
            )
            run.append(value_on(self.path, when))
            rec.append(self.pack.record.at(when)[self.path.meter])
        return run, rec

    def render(self) -> Text:
        tag = 9
        width = max(1, self.size.width - tag)
        run, rec = self.samples(width)
        now, hist = self.path.run[-1], self.path.record[-1]
        head = Text(visible(self.path.label), style="bold", no_wrap=True, overflow="ellipsis")
        head.append(f"  now {number(now)}, {gap_words(now, hist)} ({number(hist)})")
        run_style = self.get_component_rich_style("meter-trace--run", partial=True)
        rec_style = self.get_component_rich_style("meter-trace--record", partial=True)
        run_lines = spark(run, self.path.low, self.path.high)
        rec_lines = spark(rec, self.path.low, self.path.high)
        lines = [head]
        for tag_text, rows, style in (
            ("this run", run_lines, run_style),
            ("history", rec_lines, rec_style),
        ):
            for i, row in enumerate(rows):
                label = tag_text if i == len(rows) - 1 else ""
                lines.append(Text.assemble((f"{label:<9}", Style(dim=True)), (row, style)))
        return Text("\n").join(lines)
