"""The code itself: ruff, mypy --strict and the layer contracts, as `make check` runs them.

Kept in the suite so CI (which runs `make test`) holds the line too.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def run(*cmd: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize(
    "tool",
    [
        ("ruff", "check", "src", "tests"),
        ("ruff", "format", "--check", "src"),
        ("mypy",),
        ("lint-imports",),
    ],
    ids=lambda t: " ".join(t),
)
def test_tool_passes(tool: tuple[str, ...]) -> None:
    exe = BIN / tool[0]
    if not exe.exists():
        found = shutil.which(tool[0])
        if found is None:
            pytest.skip(f"{tool[0]} is not installed in this environment")
        exe = Path(found)
    proc = run(str(exe), *tool[1:])
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-3000:]
