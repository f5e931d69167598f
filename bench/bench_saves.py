"""Target 6: an atomic, flushed save of a full run, and loading it back.

The run: all three seats of the shipped pack in one hot-seat game, played to
the end with seeded random choices and a journal answer wherever a scene asks
for one (the largest save a class makes).  Timed in-process, median of many:

* ``write_save``: JSON of the state, written to a temporary file, flushed and
  fsync-ed, moved over the old save with ``os.replace``, the folder fsync-ed;
* ``load_save``: read, validate, check against the pack and replay every
  decision to verify the file.

Floors: the same bytes written with the same atomic protocol and nothing else,
and the same bytes read and parsed with ``json.loads``.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from common import BENCH, SHIPPED, figure, main, median, p90


def full_run(pack: Any) -> Any:
    from summit_game import engine

    rng = random.Random(7)
    state = engine.new_game(pack, list(pack.scenario.roles), seed=7)
    while not engine.is_over(pack, state):
        choice = rng.choice(engine.available(pack, state))
        prompt = pack.scenes[state.scene_id].prompt
        state, _ = engine.step(pack, state, choice.id)
        if prompt:
            state = engine.record_journal(state, "Because trust is built in small steps. " * 3)
    return state


def raw_atomic_write(folder: Path, data: bytes) -> None:
    tmp, path = folder / ".raw.json.tmp", folder / "raw.json"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)
    dfd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(dfd)
    finally:
        os.close(dfd)


def run(smoke: bool) -> dict[str, Any]:
    from summit_game.loader import require_pack
    from summit_game.saves import load_save, write_save

    reps = 3 if smoke else 50
    pack = require_pack(SHIPPED)
    state = full_run(pack)
    # In the checkout, on the disk ./saves is on (/tmp may be a RAM disk, where
    # fsync costs nothing).
    (BENCH / "generated").mkdir(exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="saves-", dir=BENCH / "generated"))
    w, r, fw, fr = [], [], [], []
    try:
        path = write_save(folder, "bench", pack, state, "a full run")
        data = path.read_bytes()
        load_save(path, pack)
        for _ in range(reps):
            t = time.perf_counter()
            write_save(folder, "bench", pack, state, "a full run")
            w.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            load_save(path, pack)
            r.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            raw_atomic_write(folder, data)
            fw.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            json.loads((folder / "raw.json").read_bytes())
            fr.append((time.perf_counter() - t) * 1000)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    decisions = len(state.decisions)
    return {
        "figures": [
            figure(
                6,
                f"save a full run ({decisions} decisions, {len(data) // 1024} KiB), median",
                median(w),
                "ms",
                median(fw),
                "same bytes, atomic write + fsync",
                limit=5,
                limit_on="value",
            ),
            figure(6, "save, p90", p90(w), "ms", p90(fw), "same, p90"),
            figure(
                6,
                "load and verify it, median",
                median(r),
                "ms",
                median(fr),
                "same bytes, read + json.loads",
                limit=5,
                limit_on="value",
            ),
        ],
        "raw": {
            "decisions": decisions,
            "bytes": len(data),
            "write_ms": w,
            "load_ms": r,
            "floor_write_ms": fw,
            "floor_load_ms": fr,
        },
    }


if __name__ == "__main__":
    main(run)
