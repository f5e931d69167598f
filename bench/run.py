"""Run every benchmark, print the table, write bench/results.json.

    python bench/run.py [--smoke] [--out FILE] [--only startup,check,...]

Each benchmark module runs in its own process (so one's imports, memory and
garbage do not weigh on the next), one after the other on this machine.
Every figure comes with its floor, measured in the same run: absolute times on
shared machines drift, ratios much less.  ``--smoke`` runs everything at tiny
sizes, to check that the scripts work (tests/test_bench.py); its figures mean
nothing.  A missed target is a result, not an error: the exit status is 1 only
when a benchmark could not run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from common import BENCH, PYTHON, child_env, machine

MODULES = ("startup", "response", "check", "explore", "memory", "saves")
TARGETS = {
    1: "start-up",
    2: "response",
    3: "checking",
    4: "engine",
    5: "memory",
    6: "saving",
}


def run_module(name: str, smoke: bool) -> dict[str, Any]:
    argv = [PYTHON, str(BENCH / f"bench_{name}.py"), *(["--smoke"] if smoke else [])]
    env = child_env(BENCH_PYCACHE=str(BENCH / "generated" / "pycache"))
    done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(done.stderr.strip()[-3000:] or f"exit status {done.returncode}")
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def _num(x: float | None, unit: str = "") -> str:
    if x is None:
        return "-"
    if abs(x) >= 10_000:
        text = f"{x:,.0f}"
    elif abs(x) >= 100:
        text = f"{x:.0f}"
    elif abs(x) >= 10:
        text = f"{x:.1f}"
    else:
        text = f"{x:.3g}"
    return f"{text} {unit}".strip()


def table(figures: list[dict[str, Any]]) -> list[list[str]]:
    """Rows: target, figure, value, floor, ratio, target, verdict."""
    rows = []
    for f in figures:
        if f["limit"] is None:
            want = ""
        else:
            sign = "≤" if f["better"] == "lower" else "≥"
            want = (
                f"{sign} {f['limit']:g}×"
                if f["limit_on"] == "ratio"
                else (f"{sign} {_num(f['limit'], f['unit'])}")
            )
        verdict = {True: "ok", False: "MISSED", None: "(info)"}[f["pass"]]
        rows.append(
            [
                f"{f['target']} {TARGETS[f['target']]}",
                f["name"],
                _num(f["value"], f["unit"]),
                _num(f["floor"], f["unit"]) if f["floor"] is not None else "-",
                f"{f['ratio']:.2f}×" if f["ratio"] is not None else "-",
                want,
                verdict,
            ]
        )
    return rows


def render(rows: list[list[str]]) -> str:
    head = ["target", "figure", "value", "floor", "ratio", "wanted", ""]
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()
        for r in [head, *rows]
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--smoke", action="store_true", help="tiny sizes: check the scripts work")
    ap.add_argument("--out", type=Path, default=BENCH / "results.json")
    ap.add_argument("--only", help=f"comma-separated, from: {', '.join(MODULES)}")
    args = ap.parse_args()
    chosen = [m.strip() for m in args.only.split(",")] if args.only else list(MODULES)
    for m in chosen:
        if m not in MODULES:
            ap.error(f"unknown benchmark {m!r}")
    (BENCH / "generated").mkdir(exist_ok=True)
    started = time.perf_counter()
    results: dict[str, Any] = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "smoke": args.smoke,
        "machine": machine(),
        "figures": [],
        "raw": {},
        "errors": {},
        "seconds": {},
    }

    def one(name: str) -> tuple[str, dict[str, Any] | str, float]:
        print(f"running {name}...", file=sys.stderr, flush=True)
        t = time.perf_counter()
        try:
            got: dict[str, Any] | str = run_module(name, args.smoke)
        except (RuntimeError, json.JSONDecodeError) as exc:
            print(f"{name} failed:\n{exc}", file=sys.stderr)
            got = str(exc)
        return name, got, time.perf_counter() - t

    # Measurements run one at a time; smoke runs (whose figures mean nothing)
    # run side by side to finish sooner.
    with ThreadPoolExecutor(max_workers=3 if args.smoke else 1) as pool:
        for name, got, secs in pool.map(one, chosen):
            results["seconds"][name] = round(secs, 1)
            if isinstance(got, str):
                results["errors"][name] = got
            else:
                results["figures"] += got["figures"]
                results["raw"][name] = got["raw"]
    results["seconds"]["total"] = round(time.perf_counter() - started, 1)
    # Other work on a shared machine moves every figure: say how busy it was.
    results["machine"]["load_average_end"] = os.getloadavg()
    results["figures"].sort(key=lambda f: f["target"])
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    m = results["machine"]
    print(render(table(results["figures"])))
    print(
        f"\n{m['cpu']}, {m['cores']} cores, Python {m['python']}, "
        f"textual {m['libraries']['textual']}, pydantic {m['libraries']['pydantic']}, "
        f"PyYAML {m['libraries']['PyYAML']} (libyaml {'yes' if m['libyaml'] else 'no'}); "
        f"load average {m['load_average'][0]:.1f} then {m['load_average_end'][0]:.1f}; "
        f"{results['date']}; {results['seconds']['total']:.0f} s"
        + (" (smoke: figures mean nothing)" if args.smoke else "")
    )
    print(f"wrote {args.out}")
    return 1 if results["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
