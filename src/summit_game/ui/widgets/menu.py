"""A menu item: one line of text that can take the focus and be pressed.

The title screen's six choices were Textual ``Button``s.  Button brings a
large stylesheet (every variant, every state) that is parsed and applied at
start-up, before the first frame, and the title is the one screen whose
first frame a whole class waits for at once; six ``Button``s cost about a
tenth of the bare Textual app's start-up.  A menu item is a ``Static`` that
takes the focus, shows it reversed, and is pressed by Enter or a click.
"""

from __future__ import annotations

from typing import ClassVar

from textual import events
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Static


class MenuItem(Static, can_focus=True):
    """One choice of a menu; Enter or a click posts :class:`MenuItem.Pressed`."""

    DEFAULT_CSS = """
    MenuItem {
        width: 100%;
        height: 1;
        text-align: center;
        text-style: bold;
        color: $text;
        background: $surface-lighten-1;
    }
    MenuItem.-primary { background: $primary; }
    MenuItem:hover { background: $primary 60%; }
    MenuItem:focus { text-style: bold reverse; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [Binding("enter", "press", "Choose", show=False)]

    class Pressed(Message):
        """The item was chosen."""

        def __init__(self, item: MenuItem) -> None:
            super().__init__()
            self.item = item

        @property
        def control(self) -> MenuItem:
            """The item chosen."""
            return self.item

    def __init__(self, label: str, *, id: str, primary: bool = False) -> None:
        super().__init__(label, id=id, markup=False, classes="-primary" if primary else "")

    def action_press(self) -> None:
        """Choose this item."""
        self.post_message(self.Pressed(self))

    def on_click(self, event: events.Click) -> None:
        event.stop()
        self.action_press()
