"""The key bar at the foot of every screen: the keys that work here, drawn as one line.

Textual's own ``Footer`` shows the same thing as one widget per key and
rebuilds all of them whenever the focused widget changes, which is at every
decision: ten widgets composed, styled and laid out again cost more than the
rest of the new scene.  This bar draws the same keys, in the same colours
(the theme's ``footer-*`` variables, so the high-contrast theme applies), as
one line of text: a change of bindings costs one repaint.  A click on a key
presses it, as it does in Textual's footer.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import events
from textual.screen import Screen
from textual.widget import Widget


class KeyBar(Widget, can_focus=False):
    """Each shown binding of the screen as ``key description``; the palette key at the right."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES: ClassVar[set[str]] = {"key-bar--key", "key-bar--description"}

    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        width: 1fr;
        color: $footer-foreground;
        background: $footer-background;
        text-wrap: nowrap;
        text-overflow: clip;
    }
    KeyBar > .key-bar--key {
        color: $footer-key-foreground;
        background: $footer-key-background;
        text-style: bold;
    }
    KeyBar > .key-bar--description {
        color: $footer-description-foreground;
        background: $footer-description-background;
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self._spans: list[tuple[int, int, str, bool]] = []
        """Where each key is drawn: start and end column, key, enabled."""
        self._shown: object = None
        """The keys last drawn, to skip repainting when a change of focus left them as they were."""

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def _bindings_changed(self, screen: Screen[object]) -> None:
        if screen is self.screen and self._keys() != self._shown:
            self.refresh()

    def _keys(self) -> tuple[list[tuple[str, str, str, bool]], tuple[str, str, str, bool] | None]:
        """(key, shown key, description, enabled) for each binding; the palette's apart."""
        shown: list[tuple[str, str, str, bool]] = []
        actions: set[str] = set()
        palette = None
        bindings = self.screen.active_bindings
        for key, (_node, binding, enabled, _tooltip) in bindings.items():
            item = (key, self.app.get_key_display(binding), binding.description, enabled)
            if key == self.app.COMMAND_PALETTE_BINDING and self.app.ENABLE_COMMAND_PALETTE:
                palette = item
            elif binding.show and binding.action not in actions:
                # Several keys bound to one action show once, as Textual's footer does.
                actions.add(binding.action)
                shown.append(item)
        return shown, palette

    def render(self) -> Text:
        key_style = self.get_component_rich_style("key-bar--key", partial=True)
        text_style = self.get_component_rich_style("key-bar--description", partial=True)
        shown, palette = self._shown = self._keys()
        line = Text(no_wrap=True, overflow="crop", end="")
        spans: list[tuple[int, int, str, bool]] = []

        def add(item: tuple[str, str, str, bool]) -> None:
            key, display, description, enabled = item
            start = line.cell_len
            line.append(f" {display} ", style=key_style)
            if description:
                line.append(f"{description} ", style=text_style)
            if not enabled:
                line.stylize("dim", start)
            spans.append((start, line.cell_len, key, enabled))

        for item in shown:
            add(item)
        if palette is not None:
            width = self.size.width
            _, display, description, _ = palette
            need = len(display) + len(description) + 4
            if line.cell_len + need <= width:
                line.append(" " * (width - line.cell_len - need))
                line.append("▏")
                add(palette)
        self._spans = spans
        return line

    def on_mouse_down(self, event: events.MouseDown) -> None:
        for start, end, key, enabled in self._spans:
            if start <= event.x < end:
                event.stop()
                if enabled:
                    self.app.simulate_key(key)
                else:
                    self.app.bell()
                return
