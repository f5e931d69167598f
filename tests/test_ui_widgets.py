"""The hand-drawn pieces of the play screen, drawn without an app."""

from __future__ import annotations

import pytest
from textual.style import Style
from textual.visual import RenderOptions

from summit_game.ui.widgets.choices import NumberedText

TEXT = (
    "Keep the freeze as a bargaining chip and ask Beijing for much tougher "
    "enforcement against the North in return."
)


def lines_of(visual: NumberedText, width: int) -> list[str]:
    options = RenderOptions(get_style=lambda s: Style.null(), rules={})
    return [strip.text for strip in visual.render_strips(width, None, Style.null(), options)]


@pytest.mark.parametrize("width", [12, 30, 50, 76, 200])
def test_a_choice_wraps_under_its_text_not_under_its_number(width: int) -> None:
    """``12.`` then the text; every further line starts under the text's first letter."""
    visual = NumberedText(12, TEXT)
    lines = lines_of(visual, width)
    assert lines[0].startswith("12. Keep")
    assert all(line.startswith("    ") and line[4] != " " for line in lines[1:])
    assert all(len(line.rstrip()) <= width for line in lines)
    # Nothing lost or added: the letters read back in order (a word longer
    # than the narrowest width is folded across lines).
    assert "".join("".join(lines).split())[3:] == "".join(TEXT.split())
    # The height the list asks for is the height drawn (a mismatch grew a scrollbar).
    assert visual.get_height({}, width) == len(lines)
    assert (len(lines) == 1) == (width >= len(TEXT) + 4)


def test_an_empty_choice_still_shows_its_number() -> None:
    assert lines_of(NumberedText(3, ""), 20) == ["3. "]
