"""The meter panel: each meter as a bar and a number, history marked on the same bar."""

from __future__ import annotations

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

    COMPONENT_CLASSES = {"meter-gauge--fill", "meter-gauge--empty", "meter-gauge--record"}

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
        self, label: str, low: float, high: float, value: float, record: float,
        *, id: str | None = None,
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
        words = Text(f"{gap_words(self.value, self.record)} ({number(self.record)})",
                     style="italic", no_wrap=True, overflow="ellipsis")
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
        legend = Text.assemble((FILL, "bold"), " this run  ", (RECORD_MARK, "bold"),
                               f" history on {date.isoformat()}")
        yield Static(legend, classes="meter-legend")
        for mid, m in self.pack.scenario.meters.items():
            gauge = MeterGauge(m.label, float(m.min), float(m.max), self.state.meters[mid],
                               record[mid], id=f"meter-{mid}")
            if m.help:
                gauge.tooltip = Text(visible(m.help))
            yield gauge
        yield Static(Text(divergence_text(self.pack, self.state)), classes="meter-divergence")


SPARKS = "▁▂▃▄▅▆▇█"


def spark(values: list[float], low: float, high: float) -> str:
    """Values drawn as block characters on a fixed scale (so two lines compare)."""
    span = (high - low) or 1.0
    out = []
    for v in values:
        level = (v - low) / span
        out.append(SPARKS[max(0, min(len(SPARKS) - 1, round(level * (len(SPARKS) - 1))))])
    return "".join(out)


class MeterTrace(Widget):
    """A meter's path in this run above the record's, on one time axis and one scale."""

    COMPONENT_CLASSES = {"meter-trace--run", "meter-trace--record"}

    DEFAULT_CSS = """
    MeterTrace { height: 3; margin-bottom: 1; }
    MeterTrace > .meter-trace--run { color: $primary; }
    MeterTrace > .meter-trace--record { color: $warning; }
    """

    def __init__(self, path: MeterPath, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.path = path

    def samples(self, width: int) -> tuple[list[float], list[float]]:
        """The run and the record sampled at ``width`` evenly spaced dates."""
        from summit_game.ui.present import record_on

        first, last = self.path.dates[0], self.path.dates[-1]
        days = max(0, (last - first).days)
        run, rec = [], []
        for i in range(width):
            when = first if width == 1 else first.fromordinal(
                first.toordinal() + round(days * i / (width - 1)))
            run.append(value_on(self.path, when))
            rec.append(record_on(self.path, when))
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
        line1 = Text.assemble(("this run ", Style(dim=True)),
                              (spark(run, self.path.low, self.path.high), run_style))
        line2 = Text.assemble(("history  ", Style(dim=True)),
                              (spark(rec, self.path.low, self.path.high), rec_style))
        return Text("\n").join([head, line1, line2])
