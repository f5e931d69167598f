"""Target 5: peak resident memory of the TUI on the shipped pack vs the bare Textual app.

Peak RSS is the kernel's high-water mark for the process (VmHWM in
/proc/PID/status), read in a real pseudo-terminal (120 x 40):

* bare app: one second after its first frame (the floor);
* Summit at its title screen, one second after the first frame (warm pack cache);
* Summit after play: ``summit-game play --role rok``, the brief, then 14
  decisions (always the first choice, then Enter to the next scene: one short
  of that seat's ending), one second later.  Textual's render caches keep
  growing for about ten scenes before they level off, so this is near the
  session's peak.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

import yaml
from bare_app import TEXT
from common import BENCH, PYTHON, SHIPPED, SUMMIT, child_env, figure, in_terminal, main, median

DECISIONS = 14


def run(smoke: bool) -> dict[str, Any]:
    reps, settle, decisions = (1, 0.2, 1) if smoke else (3, 1.0, DECISIONS)
    title = yaml.safe_load((SHIPPED / "scenario.yaml").read_text(encoding="utf-8"))["title"]
    tmp = Path(tempfile.mkdtemp(prefix="summit-bench-memory-"))
    env = child_env(
        SUMMIT_CONTENT=str(SHIPPED), SUMMIT_CACHE=str(tmp / "cache"), SUMMIT_SAVES=str(tmp / "s")
    )
    play = [("\r", "What do you do?")]
    play += [("1", "You chose:"), ("\r", "What do you do?")] * decisions
    try:
        if not smoke:
            in_terminal([SUMMIT, "play"], title, env)  # fill the pack cache
        b, t, p = [], [], []
        for _ in range(reps):
            b.append(in_terminal([PYTHON, str(BENCH / "bare_app.py")], TEXT, settle=settle))
            t.append(in_terminal([SUMMIT, "play"], title, env, settle=settle))
            p.append(
                in_terminal(
                    [SUMMIT, "play", "--role", "rok"],
                    "Press Enter to begin",
                    env,
                    then=play,
                    settle=settle,
                )
            )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    mib = 1024.0
    bare = median([x["peak_rss_kb"] for x in b]) / mib
    floor = "bare Textual app, peak RSS"
    return {
        "figures": [
            figure(
                5,
                "peak RSS, title screen",
                median([x["peak_rss_kb"] for x in t]) / mib,
                "MiB",
                bare,
                floor,
                limit=1.5,
            ),
            figure(
                5,
                f"peak RSS, after {decisions} decisions",
                median([x["peak_rss_kb"] for x in p]) / mib,
                "MiB",
                bare,
                floor,
                limit=1.5,
            ),
        ],
        "raw": {"bare": b, "title": t, "played": p},
    }


if __name__ == "__main__":
    main(run)
