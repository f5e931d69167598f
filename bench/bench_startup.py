"""Target 1: process start to the first frame of the title screen, shipped pack loaded.

Both programs run in a real pseudo-terminal (120 x 40) exactly as a student
starts them: ``summit-game play`` (the installed entry point) and
``python bench/bare_app.py``.  Runs alternate between the programs and the
median is taken.  No hook in the app is needed: each figure is the time until
some text has been written to the terminal.

* **start-up to title screen** (the target): until the pack's title is on the
  screen.  With a warm cache, ``play`` draws the title screen from the cache's
  title card (title and summary) and rebuilds the pack just after that frame.
* **start-up until ready to play** (for information): until the title's
  autosave line, "No autosave yet." (the saves folder is empty), is on the
  screen.  It is drawn once the pack is loaded, so from then on every key
  works on the loaded pack; a key pressed earlier waits for the load.
* **CPU time to first frame**: user + system seconds of the process, which is
  killed as soon as the title is seen (so a little of the pack's load may count).

"Warm" is the usual start: bytecode and the pack caches (``$SUMMIT_CACHE``)
already filled by an earlier start; "empty pack cache" starts with neither the
validated-pack cache nor the parse cache, as after editing every file of the
pack (the pack is then loaded in full before the first frame).
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
    reps, cold_reps = (1, 0) if smoke else (15, 3)
    ready = "No autosave yet."
    title = yaml.safe_load((SHIPPED / "scenario.yaml").read_text(encoding="utf-8"))["title"]
    tmp = Path(tempfile.mkdtemp(prefix="summit-bench-startup-"))
    try:
        cache = tmp / "cache"

        def summit(cache_dir: Path, marker: str = title) -> dict[str, float]:
            env = child_env(
                SUMMIT_CONTENT=str(SHIPPED),
                SUMMIT_CACHE=str(cache_dir),
                SUMMIT_SAVES=str(tmp / "saves"),
            )
            return in_terminal([SUMMIT, "play"], marker, env)

        def bare() -> dict[str, float]:
            return in_terminal([PYTHON, str(BENCH / "bare_app.py")], TEXT)

        if not smoke:
            bare(), summit(cache)  # warm up: bytecode, the pack cache, the OS's file cache
        b, w, c, r = [], [], [], []
        for i in range(reps):
            b.append(bare())
            w.append(summit(cache))
            r.append(summit(cache, ready))
            if i < cold_reps:
                fresh = tmp / f"cold-{i}"
                c.append(summit(fresh))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    bare_s = median([x["first"] for x in b])
    warm_s = median([x["first"] for x in w])
    ready_s = median([x["first"] for x in r])
    cold_s = median([x["first"] for x in c or w])
    bare_cpu = median([x["cpu"] for x in b])
    warm_cpu = median([x["cpu"] for x in w])
    floor = "bare Textual app, first frame"
    return {
        "figures": [
            figure(1, "start-up to title screen (warm)", warm_s, "s", bare_s, floor, limit=1.3),
            figure(1, "start-up until ready to play (warm)", ready_s, "s", bare_s, floor),
            figure(1, "start-up to title screen (empty pack cache)", cold_s, "s", bare_s, floor),
            figure(
                1, "start-up CPU time to first frame", warm_cpu, "s", bare_cpu, "bare app, same"
            ),
        ],
        "raw": {
            "bare": b,
            "summit_warm": w,
            "summit_ready": r,
            "summit_cold": c,
            "marker": title,
            "ready_marker": ready,
        },
    }


if __name__ == "__main__":
    main(run)
