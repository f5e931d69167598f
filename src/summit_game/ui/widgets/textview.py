"""A scrolling block of wrapped text, drawn line by line (Textual's Line API).

The play screen shows one long text at a time: the scene, or the account of
what a decision did.  As a ``Static`` inside a ``VerticalScroll`` it cost, on
every decision, wrapping the text twice (once to measure its height, once to
draw it), drawing the scroll container's own forty lines under it, and
arranging the two.  :class:`TextView` is the scrolling widget and the text in
one, as Textual's ``Log`` is: it wraps a text once per width into strips and
hands out the visible ones.

A text can also be wrapped ahead of time (:meth:`TextView.prepare`) while the
player reads, so showing it later costs a lookup: the scene screen prepares
the account of every choice on offer, and the next scene while the account is
read.
"""

from __future__ import annotations

from typing import Any

from textual.content import Content
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.selection import Selection
from textual.strip import Strip
from textual.visual import Visual

#: How many texts wrapped ahead are kept (a scene offers at most nine choices).
PREPARED = 12


class TextView(ScrollView, can_focus=False):
    """Wrapped text that scrolls; :meth:`update` shows a text, :meth:`prepare` wraps one ahead."""

    ALLOW_SELECT = True

    DEFAULT_CSS = """
    TextView {
        width: 1fr;
        height: 1fr;
        padding: 0 1;
        overflow-x: hidden;
        /* The text is wrapped to a width that does not depend on whether it
           overflows: wrapped ahead, it fits whatever comes. */
        scrollbar-gutter: stable;
    }
    """

    def __init__(
        self, *, blank_above: int = 1, blank_below: int = 0, id: str | None = None
    ) -> None:
        super().__init__(id=id)
        self._blank = (blank_above, blank_below)
        self.text = Content("")
        """The text shown (without the blank lines around it)."""
        self._strips: list[Strip] | None = None
        self._prepared: dict[int, tuple[Content, tuple[object, ...], list[Strip]]] = {}
        """Texts wrapped ahead, by identity: the text, what it was wrapped for, the strips."""

    # ------------------------------------------------------------ showing

    def update(self, text: Content) -> None:
        """Show ``text`` from its top."""
        self.text = text
        self._strips = None
        self._fit()
        self.scroll_to(0, 0, animate=False, immediate=True)
        self.refresh()

    def prepare(self, text: Content, like: TextView | None = None) -> None:
        """Wrap ``text`` now, so that showing it later (:meth:`update`) finds it wrapped.

        A view never shown yet has no width; ``like`` is a view laid out in
        the same place whose width it takes (the scene's, for the view after
        a choice).  If the width turns out otherwise, :meth:`update` wraps the
        text afresh.  Nothing is kept while the width is unknown or a selection
        is drawn; the oldest prepared text goes when more than
        :data:`PREPARED` are kept.
        """
        outer = self.outer_size if self.outer_size.width or like is None else like.outer_size
        key = self._wrap_key(outer)
        if key is None or self.text_selection is not None:
            return
        self._prepared[id(text)] = (text, key, self._wrap(text, self._width(outer)))
        while len(self._prepared) > PREPARED:
            del self._prepared[next(iter(self._prepared))]

    def _width(self, outer: Size | None = None) -> int:
        """The width text is wrapped to: inside the padding, beside the scroll bar.

        Taken from the size of the last layout, which a hidden view keeps (its
        region on screen is empty while the other view is shown).
        """
        width = (outer or self.outer_size).width
        return width - self.styles.gutter.width - self.scrollbar_size_vertical

    def _wrap_key(self, outer: Size | None = None) -> tuple[object, ...] | None:
        """What a wrapping depends on, besides the text (None: not laid out yet)."""
        width = self._width(outer)
        if width <= 0:
            return None
        return (width, self.app.theme, self.visual_style, self._blank)

    def _with_blanks(self, text: Content) -> Content:
        """``text`` with the blank lines above and below it (margins that scroll with it)."""
        above, below = self._blank
        return Content("\n" * above) + text + Content("\n" * below)

    def _wrap(self, text: Content, width: int) -> list[Strip]:
        return Visual.to_strips(self, self._with_blanks(text), width, None, self.visual_style)

    def _fit(self, outer: Size | None = None) -> None:
        """Wrap the text shown for the width (or take it prepared), and size to it.

        ``outer`` is the widget's size when it is being laid out anew.
        """
        key = self._wrap_key(outer)
        if key is None:
            self._strips = None
            return
        prepared = self._prepared.get(id(self.text))
        if (
            prepared is not None
            and prepared[0] is self.text
            and prepared[1] == key
            and self.text_selection is None
        ):
            self._strips = prepared[2]
        else:
            self._strips = self._wrap(self.text, self._width(outer))
        self.virtual_size = Size(self._width(outer), len(self._strips))

    # ------------------------------------------------------------ Textual's hooks

    def _size_updated(self, size: Size, *args: Any, **kwargs: Any) -> bool:
        # Textual's hook for a new size from a layout (ScrollView's own override
        # sets the scroll bars from the virtual size): the text is wrapped to
        # the new width first, so the frame of that layout draws it rightly.
        # Handling the Resize event instead would draw one frame wrapped wrong.
        width = self._width(size)
        if self._strips is None or (width > 0 and width != self.virtual_size.width):
            self._fit(size)
        updated: bool = super()._size_updated(size, *args, **kwargs)
        return updated

    def notify_style_update(self) -> None:
        super().notify_style_update()
        # A new theme or style changes the colours baked into the strips.
        self._prepared.clear()
        self._strips = None

    def selection_updated(self, selection: Selection | None) -> None:
        self._strips = None
        self.refresh()

    def render(self) -> Content:
        # What Textual's text selection extracts from (see Widget.get_selection).
        return self._with_blanks(self.text)

    def render_line(self, y: int) -> Strip:
        if self._strips is None:
            self._fit()
        strips = self._strips or []
        line = self.scroll_offset.y + y
        if line < len(strips):
            return strips[line]
        return Strip.blank(max(0, self._width()), self.visual_style.rich_style)
