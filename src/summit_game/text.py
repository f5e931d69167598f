"""Making content text safe to show: control characters become visible.

Scene text, names and journal answers are data typed by teachers and
students.  Escape sequences in them would drive the terminal (move the
cursor, change colours, set the window title), so every front end shows
text through :func:`visible`, which keeps newlines and turns every other
control character into a visible ``\\xNN`` / ``^[`` form.
"""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def _show(match: re.Match[str]) -> str:
    ch = match.group()
    if ch == "\x1b":
        return "^["
    return f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}"


def visible(text: str) -> str:
    """``text`` with control characters (except newline and tab) shown, not obeyed."""
    return _CONTROL.sub(_show, text.replace("\r\n", "\n"))


def number(value: float) -> str:
    """A meter value as players read it: no trailing ``.0``."""
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def signed(value: float) -> str:
    """A change with its sign, using a real minus sign for readability."""
    text = number(abs(value))
    return f"+{text}" if value > 0 else f"−{text}" if value < 0 else "0"
