"""Each meter's path in this run beside the historical record, start to now."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from summit_game.ui.present import long_date, meter_paths
from summit_game.ui.screens.base import OverlayScreen
from summit_game.ui.widgets.meters import MeterTrace


class MetersScreen(OverlayScreen):
    """Two sparklines per meter on one scale: this run, then the record."""

    def body(self) -> ComposeResult:
        pack, state = self.game.pack, self.game.state
        assert state is not None
        paths = meter_paths(pack, state)
        first, last = pack.scenario.start, state.date(pack)
        yield Static(Text("Meters over time", style="bold"), classes="screen-title")
        yield Static(
            Text(
                f"From {long_date(first)} to {long_date(last)}; low is the "
                "meter's minimum, high its maximum.",
                style="italic",
            ),
            classes="hint",
        )
        with VerticalScroll(id="meters-scroll"):
            for path in paths:
                yield MeterTrace(pack, path, id=f"trace-{path.meter}")
