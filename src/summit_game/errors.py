"""The one error hierarchy of Summit.

Every failure a user can cause (bad content, a bad save, a misused command)
is a :class:`SummitError`.  The CLI catches exactly this type, prints its
``str()`` to stderr and exits with :attr:`SummitError.exit_code`; anything
else escaping is a bug, shown as a traceback only with ``SUMMIT_DEBUG=1``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from summit_game.diagnostics import Diagnostic


class SummitError(Exception):
    """Base of every error a user can cause; carries a one-line message."""

    exit_code: int = 1

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} ({self.hint})" if self.hint else self.message


class UsageError(SummitError):
    """The command line was misused (exit 2, as cli.md requires)."""

    exit_code = 2


class ConditionError(SummitError):
    """A condition expression could not be compiled.

    ``column`` is 1-based within the condition text, so the loader can point
    at the offending token; ``token`` is the text found there.
    """

    def __init__(self, message: str, column: int, token: str = "", hint: str | None = None) -> None:
        super().__init__(message, hint)
        self.column = column
        self.token = token


class ContentError(SummitError):
    """A pack failed to load; carries every diagnostic found, not just the first."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        errors = [d for d in diagnostics if d.is_error]
        first = errors[0].format() if errors else "the pack has errors"
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        super().__init__(first + more)
        self.diagnostics = diagnostics


class SaveError(SummitError):
    """A save could not be written or read; the file on disk is left untouched."""


class GameError(SummitError):
    """An impossible move in play (an unknown choice, undo with nothing to undo)."""
