"""Target 1: process start to the first frame of the title screen, shipped pack loaded.

Both programs run in a real pseudo-terminal (120 x 40) exactly as a student
starts them: ``summit-game play`` (the installed entry point) and
``python bench/bare_app.py``.  The first frame is the moment the title screen's
text (the pack's title; the bare app's one line) has been written to the
terminal; no hook in the app is needed.  Runs alternate between the two
programs and the median is taken.  "Warm" is the usual start: bytecode and the
pack cache (``$SUMMIT_CACHE``) already filled by an earlier start; "cold" starts
with an empty pack cache, as after editing every file of the pack.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

import yaml
from bare_app import TEXT
from common import BENCH, PYTHON, SHIPPED, SUMMIT, child_env, figure, in_terminal, main, median


def run(smoke: bool) -> dict[str, Any]:
    reps, cold_reps = (1, 0) if smoke else (9, 3)
    title = yaml.safe_load((SHIPPED / "scenario.yaml").read_text(encoding="utf-8"))["title"]
    tmp = Path(tempfile.mkdtemp(prefix="summit-bench-startup-"))
    try:
        cache = tmp / "cache"

        def summit(cache_dir: Path) -> dict[str, float]:
            env = child_env(
                SUMMIT_CONTENT=str(SHIPPED),
                SUMMIT_CACHE=str(cache_dir),
                SUMMIT_SAVES=str(tmp / "saves"),
            )
            return in_terminal([SUMMIT, "play"], title, env)

        def bare() -> dict[str, float]:
            return in_terminal([PYTHON, str(BENCH / "bare_app.py")], TEXT)

        if not smoke:
            bare(), summit(cache)  # warm up: bytecode, the pack cache, the OS's file cache
        b, w, c = [], [], []
        for i in range(reps):
            b.append(bare())
            w.append(summit(cache))
            if i < cold_reps:
                fresh = tmp / f"cold-{i}"
                c.append(summit(fresh))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    bare_s = median([x["first"] for x in b])
    warm_s = median([x["first"] for x in w])
    cold_s = median([x["first"] for x in c or w])
    bare_cpu = median([x["cpu"] for x in b])
    warm_cpu = median([x["cpu"] for x in w])
    floor = "bare Textual app, first frame"
    return {
        "figures": [
            figure(1, "start-up to title screen (warm)", warm_s, "s", bare_s, floor, limit=1.3),
            figure(1, "start-up to title screen (empty pack cache)", cold_s, "s", bare_s, floor),
            figure(
                1, "start-up CPU time to first frame", warm_cpu, "s", bare_cpu, "bare app, same"
            ),
        ],
        "raw": {"bare": b, "summit_warm": w, "summit_cold": c, "marker": title},
    }


if __name__ == "__main__":
    main(run)
