"""The floor for the explorer: a bare dict-based step loop over the same pack.

``build(pack)`` turns the loaded pack into plain dicts and lists; ``play``
then takes exactly ``steps`` random decisions, playthrough after playthrough,
each seat in turn: enter a scene (its events' effects, once per run), pick a
choice at random, add its effects clamped to the meters' bounds, set its flags,
go to its unconditional ``next``.  No conditions, no counting, no report: the
least a step can cost in Python.
"""

from __future__ import annotations

import random
from typing import Any


def build(pack: Any) -> dict[str, Any]:
    """The pack as plain dicts."""
    scenes = {}
    for sid, s in pack.scenes.items():
        scenes[sid] = {
            "ending": s.is_ending or not s.choices,
            "events": [dict(ev.effects) for ev in s.events],
            "choices": [
                {"effects": dict(c.effects), "set": set(c.sets), "next": c.next[-1][1]}
                for c in s.choices
                if c.next
            ],
        }
    meters = pack.scenario.meters
    return {
        "scenes": scenes,
        "bounds": {m: (float(v.min), float(v.max)) for m, v in meters.items()},
        "start_meters": {m: float(v.start) for m, v in meters.items()},
        "starts": [r.start for r in pack.scenario.roles.values()],
    }


def play(graph: dict[str, Any], steps: int, seed: int = 0) -> int:
    """Take ``steps`` decisions; returns the number of playthroughs begun."""
    scenes, bounds, start_meters = graph["scenes"], graph["bounds"], graph["start_meters"]
    rnd = random.Random(seed).random
    done = runs = 0
    while done < steps:
        for start in graph["starts"]:
            runs += 1
            meters = dict(start_meters)
            flags: set[str] = set()
            visited: set[str] = set()
            sid = start
            while done < steps:
                scene = scenes[sid]
                if sid not in visited:
                    visited.add(sid)
                    for effects in scene["events"]:
                        for m, d in effects.items():
                            lo, hi = bounds[m]
                            v = meters[m] + d
                            meters[m] = hi if v > hi else lo if v < lo else v
                if scene["ending"]:
                    break
                choices = scene["choices"]
                choice = choices[int(rnd() * len(choices))]
                for m, d in choice["effects"].items():
                    lo, hi = bounds[m]
                    v = meters[m] + d
                    meters[m] = hi if v > hi else lo if v < lo else v
                flags |= choice["set"]
                sid = choice["next"]
                done += 1
    return runs
