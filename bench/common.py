"""What the benchmark modules share: timing, figures, the machine, a pseudo-terminal.

Every benchmark module defines ``run(smoke: bool) -> dict`` returning
``{"figures": [...], "raw": {...}}`` and ends with ``main(run)``, so it can be
run alone (``python bench/bench_check.py --smoke``) and prints its result as
JSON.  ``bench/run.py`` runs each module in its own process and gathers them.
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import platform
import pty
import re
import select
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
SHIPPED = ROOT / "content" / "korea-2017-2025"
PYTHON = sys.executable
SUMMIT = str(Path(PYTHON).with_name("summit-game"))
COLUMNS, LINES = 120, 40

# Terminal escape sequences (CSI, OSC, DCS, two-byte ESC), removed before
# looking for text on the screen.
ANSI = re.compile(
    rb"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|P[^\x1b]*\x1b\\|[@-Z\\-_])"
)


# ----------------------------------------------------------------------------- numbers


def median(xs: Sequence[float]) -> float:
    return statistics.median(xs)


def p90(xs: Sequence[float]) -> float:
    """The 90th percentile (nearest rank)."""
    s = sorted(xs)
    return s[max(0, -(-9 * len(s) // 10) - 1)]


def figure(
    target: int,
    name: str,
    value: float,
    unit: str,
    floor: float | None = None,
    floor_name: str | None = None,
    *,
    limit: float | None = None,
    limit_on: str = "ratio",
    better: str = "lower",
) -> dict[str, Any]:
    """One line of the results table.

    ``limit_on`` says what the target bounds: ``ratio`` (value / floor) or
    ``value`` (the absolute figure); ``better`` is ``lower`` or ``higher``.
    A figure without a limit is reported for information.
    """
    ratio = value / floor if floor else None
    judged = ratio if limit_on == "ratio" else value
    ok = None
    if limit is not None and judged is not None:
        ok = judged <= limit if better == "lower" else judged >= limit
    return {
        "target": target,
        "name": name,
        "value": value,
        "unit": unit,
        "floor": floor,
        "floor_name": floor_name,
        "ratio": ratio,
        "limit": limit,
        "limit_on": limit_on,
        "better": better,
        "pass": ok,
    }


# ----------------------------------------------------------------------------- processes


def child_env(**extra: str) -> dict[str, str]:
    """The environment for measured child processes.

    Bytecode caches are allowed (an installed program has them) but kept out of
    the checkout, under ``$BENCH_PYCACHE`` (set by run.py) or a temporary folder.
    """
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.setdefault("BENCH_PYCACHE", str(Path(tempfile.gettempdir()) / "summit-bench-pycache"))
    env["PYTHONPYCACHEPREFIX"] = env["BENCH_PYCACHE"]
    env["TERM"] = "xterm-256color"
    env.update(extra)
    return env


def run_timed(argv: Sequence[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """Run a command to the end; its wall time and CPU time (user + system), seconds."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        argv, env=env or child_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read() if proc.stderr else b""
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"{argv} failed ({proc.returncode}): {err.decode()[-2000:]}")
    return wall, usage.ru_utime + usage.ru_stime


def in_terminal(
    argv: Sequence[str],
    marker: str,
    env: dict[str, str] | None = None,
    *,
    then: Sequence[tuple[str, str]] = (),
    settle: float = 0.0,
    timeout: float = 30.0,
) -> dict[str, float]:
    """Start ``argv`` in a pseudo-terminal of COLUMNS x LINES and watch its screen.

    Returns ``first`` (seconds from starting the process until ``marker`` is on
    the screen: the first frame), ``peak_rss_kb`` (the kernel's high-water mark
    of the process's resident memory, VmHWM, read when done) and ``cpu``
    (its user + system seconds).  ``then`` is a list of (keys to type, text to
    wait for) played after the first frame; ``settle`` seconds more are waited
    before the memory is read.  The process is killed at the end.
    """
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", LINES, COLUMNS, 0, 0))
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        argv,
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env or child_env(),
        start_new_session=True,
        close_fds=True,
    )
    os.close(slave)
    screen = b""
    out: dict[str, float] = {}

    def wait_for(text: str, deadline: float) -> float:
        nonlocal screen
        want = text.encode()
        while time.perf_counter() < deadline:
            ready, _, _ = select.select([master], [], [], 0.05)
            if ready:
                try:
                    chunk = os.read(master, 1 << 16)
                except OSError:
                    break
                screen += chunk
                if want in ANSI.sub(b"", screen):
                    return time.perf_counter()
            elif proc.poll() is not None:
                break
        tail = ANSI.sub(b"", screen)[-600:].decode(errors="replace")
        raise RuntimeError(f"{argv}: {text!r} never appeared on the screen; it shows: {tail}")

    try:
        out["first"] = wait_for(marker, t0 + timeout) - t0
        for keys, text in then:
            screen = b""
            os.write(master, keys.encode())
            wait_for(text, time.perf_counter() + timeout)
        end = time.perf_counter() + settle
        while time.perf_counter() < end:  # keep reading, or the app blocks writing
            if select.select([master], [], [], 0.05)[0]:
                os.read(master, 1 << 16)
        out["peak_rss_kb"] = _vm_hwm(proc.pid)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        _, _, usage = os.wait4(proc.pid, 0)
        proc.returncode = -9
        os.close(master)
    out["cpu"] = usage.ru_utime + usage.ru_stime
    return out


def _vm_hwm(pid: int) -> float:
    with open(f"/proc/{pid}/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return float(line.split()[1])
    raise RuntimeError("no VmHWM in /proc (Linux only)")


# ----------------------------------------------------------------------------- machine


def machine() -> dict[str, Any]:
    """Where the figures come from."""
    from importlib import metadata

    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as fh:
            cpu = next(
                (line.split(":", 1)[1].strip() for line in fh if line.startswith("model name")),
                cpu,
            )
    except OSError:
        pass
    versions = {}
    for dist in ("textual", "rich", "pydantic", "pydantic-core", "PyYAML"):
        try:
            versions[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            versions[dist] = None
    import yaml

    commit = subprocess.run(
        ["git", "-C", str(ROOT), "describe", "--always", "--dirty"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "load_average": os.getloadavg(),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "libraries": versions,
        "libyaml": bool(yaml.__with_libyaml__),
        "commit": commit or None,
    }


# ----------------------------------------------------------------------------- entry


def main(run: Callable[[bool], dict[str, Any]]) -> None:
    """Run one benchmark module from the command line; print its result as JSON."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--smoke", action="store_true", help="tiny sizes: checks the script works")
    args = ap.parse_args()
    json.dump(run(args.smoke), sys.stdout, indent=1)
    sys.stdout.write("\n")
