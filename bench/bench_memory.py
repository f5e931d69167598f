"""Target 5: peak resident memory of the TUI on the shipped pack vs the bare Textual app.

Peak RSS is the kernel's high-water mark for the process (VmHWM in
/proc/PID/status), read in a real pseudo-terminal (120 x 40):

* bare app: one second after its first frame (the floor);
* Summit at its title screen (warm pack cache) on a first start (an empty
  saves folder), one second after the title is ready to play: its autosave
  line ("No autosave yet.") is drawn once the pack, rebuilt from the cache just
  after the first frame, is loaded;
* for information, the same with the autosave the played runs below leave in
  their saves folder (the title then reads that save, which loads the saves
  module and the engine: a returning student's start);
* Summit after play: ``summit-game play --role rok``, the brief, then 14
  decisions (always the first choice, then Enter to the next scene: one short
  of that seat's ending), one second later.  Textual's render caches keep
  growing for about ten scenes before they level off, so this is near the
  session's peak.
"""

from __future__ import annotations

import json
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
    first = {**env, "SUMMIT_SAVES": str(tmp / "first-start")}
    try:
        if not smoke:
            in_terminal([SUMMIT, "play"], title, env)  # fill the pack cache
        b, t, p, ta = [], [], [], []
        for _ in range(reps):
            b.append(in_terminal([PYTHON, str(BENCH / "bare_app.py")], TEXT, settle=settle))
            t.append(in_terminal([SUMMIT, "play"], "No autosave yet.", first, settle=settle))
            p.append(
                in_terminal(
                    [SUMMIT, "play", "--role", "rok"],
                    "Press Enter to begin",
                    env,
                    then=play,
                    settle=settle,
                )
            )
            # The title's autosave line starts with the save's date and seat.
            label = json.loads((tmp / "s" / "autosave.json").read_text(encoding="utf-8"))["label"]
            ta.append(in_terminal([SUMMIT, "play"], label[:16], env, settle=settle))
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
                "peak RSS, title screen with an autosave",
                median([x["peak_rss_kb"] for x in ta]) / mib,
                "MiB",
                bare,
                floor,
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
        "raw": {"bare": b, "title": t, "played": p, "title_with_autosave": ta},
    }


if __name__ == "__main__":
    main(run)
