"""The meter panel: each meter as a bar and a number, history marked on the same bar."""

from __future__ import annotations

from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widget import Widget
from textual.widgets import Static

from summit_game.engine import GameState
from summit_game.pack import Pack
from summit_game.text import number, visible
from summit_game.ui.present import MeterPath, divergence_text, gap_words, value_on

#: Drawn where the record's value sits; a glyph, so colour is never the only signal.
RECORD_MARK = "┃"
FILL = "█"
EMPTY = "░"


class MeterGauge(Widget):
    """One meter: its label and value, a bar, and the gap to history in words."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "meter-gauge--fill",
        "meter-gauge--empty",
        "meter-gauge--record",
    }

    DEFAULT_CSS = """
    MeterGauge {
        height: 3;
        width: 1fr;
    }
    MeterGauge > .meter-gauge--fill { color: $primary; }
    MeterGauge > .meter-gauge--empty { color: $foreground 30%; }
    MeterGauge > .meter-gauge--record { color: $warning; text-style: bold; }
    """

    def __init__(
        self,
        label: str,
        low: float,
        high: float,
        value: float,
        record: float,
        *,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.label = label
        self.low = low
        self.high = high
        self.value = value
        self.record = record

    def set_values(self, value: float, record: float) -> None:
        """Show new values."""
        self.value, self.record = value, record
        self.refresh()

    def _cell(self, value: float, width: int) -> int:
        span = (self.high - self.low) or 1.0
        return max(0, min(width, round((value - self.low) / span * width)))

    def render(self) -> Text:
        width = max(4, self.size.width)
        head = Text(visible(self.label), style="bold", no_wrap=True, overflow="ellipsis")
        num = number(self.value)
        head.truncate(max(1, width - len(num) - 1), overflow="ellipsis")
        head.append(" " * max(1, width - head.cell_len - len(num)))
        head.append(num, style="bold")
        fill = self._cell(self.value, width)
        mark = min(width - 1, self._cell(self.record, width))
        fill_style = self.get_component_rich_style("meter-gauge--fill", partial=True)
        empty_style = self.get_component_rich_style("meter-gauge--empty", partial=True)
        mark_style = self.get_component_rich_style("meter-gauge--record", partial=True)
        bar = Text(no_wrap=True)
        for i in range(width):
            if i == mark:
                bar.append(RECORD_MARK, style=mark_style)
            elif i < fill:
                bar.append(FILL, style=fill_style)
            else:
                bar.append(EMPTY, style=empty_style)
        words = Text(
            f"{gap_words(self.value, self.record)} ({number(self.record)})",
            style="italic",
            no_wrap=True,
            overflow="ellipsis",
        )
        return Text("\n").join([head, bar, words])


class MeterPanel(VerticalScroll):
    """Every meter of the run beside the record for the current date, and the divergence."""

    DEFAULT_CSS = """
    MeterPanel {
        width: 32;
        height: 1fr;
        padding: 0 1;
        border-left: vkey $foreground 30%;
    }
    MeterPanel > .meter-legend { color: $text-muted; margin-bottom: 1; }
    MeterPanel > MeterGauge { margin-bottom: 1; }
    MeterPanel > .meter-divergence { text-style: bold; }
    """

    def __init__(self, pack: Pack, state: GameState, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.pack = pack
        self.state = state
        self.can_focus = False

    def compose(self) -> ComposeResult:
        date = self.state.date(self.pack)
        record = self.pack.record.at(date)
        legend = Text.assemble((FILL, "bold"), " this run   ", (RECORD_MARK, "bold"), " history")
        yield Static(legend, classes="meter-legend")
        for mid, m in self.pack.scenario.meters.items():
            gauge = MeterGauge(
                m.label,
                float(m.min),
                float(m.max),
                self.state.meters[mid],
                record[mid],
                id=f"meter-{mid}",
            )
            if m.help:
                gauge.tooltip = Text(visible(m.help))
            yield gauge
        yield Static(Text(divergence_text(self.pack, self.state)), classes="meter-divergence")


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
