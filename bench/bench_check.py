"""Target 3: `summit-game check` on a generated 10,000-scene pack vs plain libyaml loading.

The pack is written by gen_pack.py (10,000 scenes in 1,000 files, deterministic)
into a temporary folder.  Both sides run as fresh processes, timed from outside
(wall time, and CPU time for reference), alternating, median of the runs:

* ``summit-game check DIR``: reading, line numbers, validation, references,
  the graph checks and the report (the pack cache is not used by `check`);
* ``python bench/yaml_floor.py DIR``: ``yaml.load(..., Loader=yaml.CSafeLoader)``
  of the same files, nothing kept.

The shipped pack's check time is reported too, against the same floor on it.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

import gen_pack
from common import BENCH, PYTHON, SHIPPED, SUMMIT, figure, main, median, run_timed


def measure(pack: Path, reps: int, warm: bool = True) -> dict[str, list[tuple[float, float]]]:
    check = [SUMMIT, "check", str(pack)]
    floor = [PYTHON, str(BENCH / "yaml_floor.py"), str(pack)]
    if warm:
        run_timed(check), run_timed(floor)  # warm up: bytecode, the OS's file cache
    out: dict[str, list[tuple[float, float]]] = {"check": [], "floor": []}
    for _ in range(reps):
        out["check"].append(run_timed(check))
        out["floor"].append(run_timed(floor))
    return out


def run(smoke: bool) -> dict[str, Any]:
    scenes, files, reps = (30, 3, 1) if smoke else (10_000, 1_000, 5)
    tmp = Path(tempfile.mkdtemp(prefix="summit-bench-check-"))
    try:
        big = measure(gen_pack.generate(tmp / "pack", scenes, files), reps, not smoke)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    shipped = measure(SHIPPED, 1 if smoke else 5, not smoke)

    def wall(xs: list[tuple[float, float]]) -> float:
        return median([x[0] for x in xs])

    def cpu(xs: list[tuple[float, float]]) -> float:
        return median([x[1] for x in xs])

    floor = "yaml.load with CSafeLoader, same files"
    return {
        "figures": [
            figure(
                3,
                f"check, generated pack ({scenes:,} scenes)",
                wall(big["check"]),
                "s",
                wall(big["floor"]),
                floor,
                limit=1.0,
            ),
            figure(
                3,
                "check, generated pack, CPU time",
                cpu(big["check"]),
                "s",
                cpu(big["floor"]),
                floor,
            ),
            figure(
                3, "check, shipped pack", wall(shipped["check"]), "s", wall(shipped["floor"]), floor
            ),
        ],
        "raw": {"scenes": scenes, "files": files, "generated": big, "shipped": shipped},
    }


if __name__ == "__main__":
    main(run)
