"""Layer hygiene: the core runs headless, without Textual or Rich loaded."""

from __future__ import annotations

import subprocess
import sys

CORE = [
    "engine",
    "loader",
    "saves",
    "plain",
    "record",
    "conditions",
    "model",
    "cli",
    "graph",
    "schema",
    "debrief",
    "live",
    "explore",
    "export",
    "report",
    "scaffold",
]


def test_the_core_never_loads_textual_or_rich() -> None:
    code = (
        "import sys\n"
        + "".join(f"import summit_game.{m}\n" for m in CORE)
        + "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == "", f"the core imported: {out}"
