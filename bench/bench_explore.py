"""Target 4: the explorer's speed on the shipped pack.

* 10,000 random playthroughs: ``explore(pack, runs=N)`` with N per seat, so
  that all seats together make at least 10,000 (the whole call is timed:
  building the kernel, the runs, the strategies and the report's counts);
* decisions per second: the random runs' decisions over that time;
* the floor: dict_loop.py taking exactly as many decisions as those runs did.

In-process, after loading the pack; median of the repetitions.  For scale,
the engine's own ``engine.step`` (frozen dataclass state, decision log) is timed too.
"""

from __future__ import annotations

import math
import random
import time
from typing import Any

import dict_loop
from common import SHIPPED, figure, main, median


def run(smoke: bool) -> dict[str, Any]:
    from summit_game import engine
    from summit_game.explore import explore
    from summit_game.loader import require_pack

    playthroughs, reps = (90, 1) if smoke else (10_000, 5)
    pack = require_pack(SHIPPED)
    seats = list(pack.scenario.roles)
    per_seat = math.ceil(playthroughs / len(seats))
    graph = dict_loop.build(pack)
    explore(pack, runs=10, seed=1)  # warm up
    ex, floor, decisions = [], [], 0
    for i in range(reps):
        t = time.perf_counter()
        report = explore(pack, runs=per_seat, seed=i)
        ex.append(time.perf_counter() - t)
        decisions = report.decisions
        t = time.perf_counter()
        dict_loop.play(graph, decisions, seed=i)
        floor.append(time.perf_counter() - t)
    # engine.step, for scale: whole runs of the first seat.
    steps, t, rng = 0, time.perf_counter(), random.Random(0)
    while steps < (200 if smoke else 5_000):
        state = engine.new_game(pack, [seats[0]])
        while not engine.is_over(pack, state):
            choice = rng.choice(engine.available(pack, state))
            state, _ = engine.step(pack, state, choice.id)
            steps += 1
    step_us = (time.perf_counter() - t) / steps * 1e6
    secs = median(ex)
    per_decision_us = secs / decisions * 1e6
    return {
        "figures": [
            figure(
                4,
                f"explore: {per_seat * len(seats):,} playthroughs",
                secs,
                "s",
                median(floor),
                f"dict loop, same {decisions:,} steps",
                limit=2.0,
            ),
            figure(
                4,
                "explore: decisions per second",
                decisions / secs,
                "/s",
                limit=100_000,
                limit_on="value",
                better="higher",
            ),
            figure(
                4,
                "explore: time per decision",
                per_decision_us,
                "µs",
                step_us,
                "engine.step (frozen state), per decision",
                limit=10,
                limit_on="value",
            ),
        ],
        "raw": {
            "playthroughs": per_seat * len(seats),
            "decisions": decisions,
            "explore_s": ex,
            "dict_loop_s": floor,
            "engine_step_us": step_us,
        },
    }


if __name__ == "__main__":
    main(run)
