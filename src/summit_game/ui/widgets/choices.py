"""The numbered list of choices on offer in a scene."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.binding import Binding, BindingType
from textual.content import Content
from textual.geometry import Size
from textual.message import Message
from textual.strip import Strip
from textual.style import Style
from textual.visual import RenderOptions, Visual
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from summit_game.text import visible

if TYPE_CHECKING:
    from textual.css.styles import RulesMap

    from summit_game.pack import PlayChoice


class ChoiceList(OptionList):
    """The choices as ``1. …``; a choice's number, a click, or ↑↓ then Enter picks one.

    Nothing is highlighted when the list appears, so an Enter meant for the screen
    before (a double tap) cannot take a decision: the first arrow press highlights.

    Number keys are bound on the scene screen (so they work wherever focus is)
    and call :meth:`pick`.
    """

    DEFAULT_CSS = """
    ChoiceList {
        height: auto;
        max-height: 50vh;
        border: round $primary 50%;
        padding: 0 1;
        /* Room for the scrollbar always: a choice measured without it and drawn
           beside it took one line more than the list had, and grew a scrollbar.
           The list never scrolls sideways; with a stable gutter Textual would
           also add a horizontal scrollbar's line to its height. */
        scrollbar-gutter: stable;
        scrollbar-size-horizontal: 0;
    }
    ChoiceList:focus { border: round $primary; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [Binding("enter", "select", "Choose", show=True)]

    class ChoiceMade(Message):
        """A choice was picked."""

        def __init__(self, choice_list: ChoiceList, choice_id: str) -> None:
            super().__init__()
            self.choice_list = choice_list
            self.choice_id = choice_id

        @property
        def control(self) -> ChoiceList:
            """The list the choice was made in."""
            return self.choice_list

    def __init__(self, choices: list[PlayChoice], *, id: str | None = None) -> None:
        super().__init__(*self._option_rows(choices), id=id)
        # OptionList highlights its first option; we start with none (see above).
        self.highlighted = None
        self.choice_ids = [c.id for c in choices]
        self._picked = False

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        # Measure the choices at the width they are drawn at, beside the room
        # kept for the scrollbar (OptionList measures them without it).
        gutter = self.styles.scrollbar_size_vertical
        return super().get_content_height(container, viewport, max(1, width - gutter))

    def _option_rows(self, choices: list[PlayChoice]) -> list[Option]:
        return [Option(self._prompt(i, c.text), id=c.id) for i, c in enumerate(choices, 1)]

    def set_choices(self, choices: list[PlayChoice]) -> None:
        """Offer these choices instead (the scene screen is refilled for every scene)."""
        self.clear_options()
        self.add_options(self._option_rows(choices))
        self.highlighted = None
        self.choice_ids = [c.id for c in choices]
        self._picked = False

    @staticmethod
    def _prompt(number: int, text: str) -> NumberedText:
        """``1.`` then the choice's text, wrapped with a hanging indent."""
        return NumberedText(number, visible(text))

    def pick(self, number: int) -> bool:
        """Pick choice ``number`` (1-based); False when there is no such choice."""
        if not 1 <= number <= len(self.choice_ids):
            return False
        # No highlight first: the view changes at once, and drawing the
        # highlight would cost a frame before the one that matters.
        self._made(self.choice_ids[number - 1])
        return True

    def _made(self, choice_id: str) -> None:
        # One decision per scene: a double press must not post a second choice.
        if self._picked:
            return
        self._picked = True
        self.post_message(self.ChoiceMade(self, choice_id))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self._made(event.option.id)


class NumberedText(Visual):
    """A choice as ``1.`` and its text, continuation lines indented under the text.

    Drawn by Textual directly: the rich ``Table`` this replaces was measured
    and drawn through Rich's console on every scene, the dearest widget of
    the scene screen.  The wrapped lines are kept for the last width asked.
    """

    def __init__(self, number: int, text: str) -> None:
        self.label = Content.styled(f"{number}.", "bold")
        self.text = Content(text)
        self.indent = self.label.cell_length + 1
        self._wrapped: tuple[int, list[Content]] | None = None

    def _lines(self, width: int) -> list[Content]:
        if self._wrapped is None or self._wrapped[0] != width:
            lines = self.text.wrap(max(1, width - self.indent)) or [Content("")]
            pad = " " * self.indent
            first = self.label + " " + lines[0]
            self._wrapped = (width, [first, *(pad + line for line in lines[1:])])
        return self._wrapped[1]

    def render_strips(
        self, width: int, height: int | None, style: Style, options: RenderOptions
    ) -> list[Strip]:
        lines = self._lines(width)
        if height is not None:
            lines = lines[:height]
        return [Strip(line.render_segments(style), line.cell_length) for line in lines]

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        return self.indent + self.text.cell_length

    def get_height(self, rules: RulesMap, width: int) -> int:
        return len(self._lines(width))
