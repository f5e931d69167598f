"""Target 2: key press to the next frame composed, at 120 x 40 (Textual's Pilot).

What is timed, precisely: from just before ``pilot.press(key)`` hands the key
event to the app, to the moment the app hands the screen compositor's first
frame holding the new content to its output (``App._display``, wrapped here to
note the time: in a terminal this is when the frame is written).  The frames
are checked afterwards, so the checking adds nothing to the time.  Two
presses make one decision, and both are timed:

* **choice**: a number key in a scene, to the first frame of the view after
  the choice ("You chose: ..."): the engine's step, the autosave (written and
  flushed to disk) and composing the new screen;
* **next scene**: Enter on that view, to the first frame of the next scene
  holding the scene's title.

Every seat of the shipped pack is played from its first scene to an ending
with seeded random choices.  The floor is the bare app (bare_app.py) replacing
its screen with a new one-Static screen on a key press, timed the same way.
"""

from __future__ import annotations

import asyncio
import gc
import random
import re
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from bare_app import BareApp
from common import COLUMNS, LINES, SHIPPED, figure, main, median, p90
from textual.app import App

ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])")


class Frames:
    """Notes every frame the app composes: (time, screen, update)."""

    def __init__(self, app: App[Any]) -> None:
        self.app = app
        self.seen: list[tuple[float, Any, Any]] = []
        display = app._display

        def noted(screen: Any, update: Any) -> None:
            self.seen.append((time.perf_counter(), screen, update))
            display(screen, update)

        app._display = noted  # type: ignore[method-assign]

    def clear(self) -> None:
        self.seen.clear()

    def first(self, screen_type: str, text: str) -> float | None:
        """When the first frame of a ``screen_type`` screen showing ``text`` was composed."""
        for t, screen, update in self.seen:
            if type(screen).__name__ != screen_type or update is None:
                continue
            if text in ANSI.sub("", update.render_segments(self.app.console)):
                return t
        return None


async def press(pilot: Any, frames: Frames, key: str, screen: str, text: str) -> float:
    """Milliseconds from pressing ``key`` to the first frame of ``screen`` showing ``text``."""
    frames.clear()
    t0 = time.perf_counter()
    await pilot.press(key)
    await pilot.pause()
    t = frames.first(screen, text)
    if t is None:
        raise RuntimeError(f"after {key!r}, no {screen} frame showed {text!r}")
    return (t - t0) * 1000


async def summit(max_decisions: int, seats: list[str]) -> dict[str, list[float]]:
    from summit_game import engine
    from summit_game.loader import require_pack
    from summit_game.ui.app import SummitApp
    from summit_game.ui.present import plain

    pack = require_pack(SHIPPED)
    gc.freeze()  # as `summit-game play` does once the pack is loaded
    saves = Path(tempfile.mkdtemp(prefix="summit-bench-saves-"))
    out: dict[str, list[float]] = {"choice": [], "next_scene": []}
    try:
        for seat in seats:
            app = SummitApp(pack, saves)
            async with app.run_test(size=(COLUMNS, LINES)) as pilot:
                frames = Frames(app)
                app.new_game([seat], briefed=True)
                await pilot.pause()
                rng = random.Random(f"bench:{seat}")
                for _ in range(max_decisions):
                    state = app.state
                    assert state is not None
                    offered = engine.available(pack, state)
                    key = str(rng.randrange(len(offered)) + 1)
                    ms = await press(pilot, frames, key, "SceneScreen", "You chose:")
                    out["choice"].append(ms)
                    state = app.state
                    assert state is not None
                    if engine.is_over(pack, state):
                        break
                    title = plain(pack.scenes[state.scene_id].title).plain
                    ms = await press(pilot, frames, "enter", "SceneScreen", title)
                    out["next_scene"].append(ms)
    finally:
        shutil.rmtree(saves, ignore_errors=True)
    return out


async def bare(n: int) -> list[float]:
    app = BareApp()
    out = []
    async with app.run_test(size=(COLUMNS, LINES)) as pilot:
        frames = Frames(app)
        await pilot.pause()
        for i in range(1, n + 1):
            out.append(await press(pilot, frames, "n", "SceneScreen", f"Scene {i}"))
    return out


class Collections:
    """The garbage collector's pauses, by generation: count, total and longest (ms)."""

    def __init__(self) -> None:
        self.started = 0.0
        self.pauses: dict[int, list[float]] = {0: [], 1: [], 2: []}
        gc.callbacks.append(self.note)

    def note(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self.started = time.perf_counter()
        else:
            self.pauses[info["generation"]].append((time.perf_counter() - self.started) * 1000)

    def summary(self) -> dict[str, list[float]]:
        gc.callbacks.remove(self.note)
        return {f"gen{g}": [len(p), sum(p), max(p, default=0.0)] for g, p in self.pauses.items()}


def run(smoke: bool) -> dict[str, Any]:
    decisions, seats = (2, ["us"]) if smoke else (40, ["us", "dprk", "rok"])
    floor = asyncio.run(bare(3 if smoke else 60))
    collections = Collections()
    got = asyncio.run(summit(decisions, seats))
    pauses = collections.summary()
    fm, f90 = median(floor), p90(floor)
    figures = []
    for name, xs in (("choice", got["choice"]), ("next scene", got["next_scene"])):
        figures += [
            figure(
                2,
                f"{name}: key to frame, median",
                median(xs),
                "ms",
                fm,
                "bare app, new screen, median",
                limit=16,
                limit_on="value",
            ),
            figure(
                2,
                f"{name}: key to frame, p90",
                p90(xs),
                "ms",
                f90,
                "bare app, new screen, p90",
                limit=33,
                limit_on="value",
            ),
        ]
    raw = {"bare_ms": floor, **{f"{k}_ms": v for k, v in got.items()}}
    return {"figures": figures, "raw": {**raw, "gc_pauses_count_total_max_ms": pauses}}


if __name__ == "__main__":
    main(run)
