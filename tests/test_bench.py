"""The benchmark scripts work: `bench/run.py --smoke` runs them all and writes valid JSON.

No timing is asserted here (benchmarks are `make bench`, not tests): smoke
sizes are tiny and their figures mean nothing.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.skipif(
    sys.platform != "linux", reason="the start-up and memory benchmarks read /proc"
)


def test_smoke_run_writes_results_for_every_target(tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--smoke", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    results = json.loads(out.read_text(encoding="utf-8"))
    assert results["smoke"] is True
    assert results["errors"] == {}
    assert {"cpu", "cores", "python", "libraries"} <= set(results["machine"])
    assert results["machine"]["libraries"]["textual"]
    assert results["date"]
    assert set(results["raw"]) == {"startup", "response", "check", "explore", "memory", "saves"}
    assert {f["target"] for f in results["figures"]} == {1, 2, 3, 4, 5, 6}
    for f in results["figures"]:
        assert f["name"] and f["unit"]
        assert math.isfinite(f["value"]) and f["value"] > 0, f
        if f["floor"] is not None:
            assert f["floor"] > 0 and f["ratio"] == pytest.approx(f["value"] / f["floor"]), f
        if f["limit"] is None:
            assert f["pass"] is None, f
        else:
            assert isinstance(f["pass"], bool), f
    # The table is printed too.
    assert "start-up to title screen" in done.stdout
    assert "wrote" in done.stdout


def test_generated_pack_is_deterministic_and_checks_clean(tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import gen_pack
    finally:
        sys.path.remove(str(ROOT / "bench"))
    from summit_game.loader import load_pack

    a = gen_pack.generate(tmp_path / "a", scenes=60, files=6)
    b = gen_pack.generate(tmp_path / "b", scenes=60, files=6)
    files = sorted(p.relative_to(a) for p in a.rglob("*.yaml"))
    assert len(files) == 7  # scenario.yaml and six scene files
    assert all((a / f).read_bytes() == (b / f).read_bytes() for f in files)
    result = load_pack(a)
    assert result.diagnostics == []
    assert result.pack is not None and len(result.pack.scenes) == 60
