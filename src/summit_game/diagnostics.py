"""Diagnostics: located, coded problems found in a content pack.

The loader never raises on bad content; it collects :class:`Diagnostic`
objects so ``summit-game check`` can show every problem at once.  Codes are
stable (saves, docs and teachers' notes refer to them) and each one is
documented once, in ``docs/diagnostics.md``; :data:`CODES` is the catalogue
a test holds against that page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Severity(StrEnum):
    """How bad a problem is: errors stop the pack from loading, warnings do not."""

    ERROR = "error"
    WARNING = "warning"


#: code -> (severity, short title).  The order of codes is the order of root
#: causes: file problems before syntax, syntax before schema, schema before
#: references, references before graph analysis.
CODES: dict[str, tuple[Severity, str]] = {
    "SG001": (Severity.ERROR, "file cannot be read"),
    "SG002": (Severity.ERROR, "file too large"),
    "SG003": (Severity.ERROR, "link leads outside the pack"),
    "SG004": (Severity.ERROR, "file is not UTF-8 text"),
    "SG005": (Severity.ERROR, "control character in file"),
    "SG006": (Severity.ERROR, "tab used for indentation"),
    "SG007": (Severity.ERROR, "YAML syntax error"),
    "SG008": (Severity.ERROR, "duplicate key"),
    "SG009": (Severity.ERROR, "YAML tag not allowed"),
    "SG010": (Severity.ERROR, "structure too large or too deep"),
    "SG011": (Severity.ERROR, "empty file"),
    "SG012": (Severity.ERROR, "file is not a mapping"),
    "SG013": (Severity.ERROR, "pack folder incomplete"),
    "SG020": (Severity.ERROR, "unknown key"),
    "SG021": (Severity.ERROR, "missing key"),
    "SG022": (Severity.ERROR, "wrong type"),
    "SG023": (Severity.ERROR, "invalid id"),
    "SG024": (Severity.ERROR, "invalid date"),
    "SG025": (Severity.ERROR, "date outside the scenario's span"),
    "SG026": (Severity.ERROR, "invalid value"),
    "SG030": (Severity.ERROR, "duplicate id"),
    "SG031": (Severity.ERROR, "unknown scene"),
    "SG032": (Severity.ERROR, "unknown role"),
    "SG033": (Severity.ERROR, "unknown meter"),
    "SG034": (Severity.ERROR, "unknown source"),
    "SG035": (Severity.ERROR, "flag never set"),
    "SG040": (Severity.ERROR, "condition does not parse"),
    "SG041": (Severity.ERROR, "condition names something unknown"),
    "SG042": (Severity.ERROR, "malformed next list"),
    "SG050": (Severity.ERROR, "scene no seat can reach"),
    "SG051": (Severity.ERROR, "dead end"),
    "SG052": (Severity.ERROR, "loop no choice can leave"),
    "SG053": (Severity.ERROR, "ending with choices"),
    "SG060": (Severity.WARNING, "more than one historical choice"),
    "SG061": (Severity.WARNING, "record out of order"),
    "SG062": (Severity.WARNING, "scene dated before the scene that leads to it"),
    "SG099": (Severity.WARNING, "checks skipped"),
}


@dataclass(frozen=True, slots=True, order=False)
class Diagnostic:
    """One problem, placed at a file and line, with a hint to fix it.

    ``file`` is relative to the pack folder's parent where possible, so the
    text reads the same on every machine; ``line`` is 1-based, 0 when the
    problem belongs to the whole file or pack.
    """

    code: str
    file: str
    line: int
    message: str
    hint: str | None = None
    severity: Severity = field(default=Severity.ERROR)

    @property
    def is_error(self) -> bool:
        """True when this problem stops the pack from loading."""
        return self.severity is Severity.ERROR

    def format(self) -> str:
        """The one-line text form: ``file:line: SGnnn message (hint)``."""
        where = f"{self.file}:{self.line}" if self.line else self.file
        kind = "" if self.is_error else "warning: "
        hint = f" ({self.hint})" if self.hint else ""
        return f"{where}: {self.code} {kind}{self.message}{hint}"

    def as_dict(self) -> dict[str, object]:
        """The JSON form used by ``check --format json`` (stable keys)."""
        return {
            "code": self.code,
            "severity": self.severity.value,
            "file": self.file,
            "line": self.line,
            "message": self.message,
            "hint": self.hint,
        }


def make(code: str, file: str, line: int, message: str, hint: str | None = None) -> Diagnostic:
    """Build a diagnostic whose severity comes from the catalogue."""
    return Diagnostic(code, file, line, message, hint, CODES[code][0])


def sort_key(d: Diagnostic) -> tuple[int, str, int, str]:
    """Root causes first: by code family, then file and line."""
    return (int(d.code[2:]) // 10, d.file, d.line, d.code)
