"""Closing the terminal ends the game: no process left behind, spinning.

Run the real `summit-game play` in a pseudo-terminal it does not control (as
under `make play`, where the kernel's SIGHUP never reaches the game), close
the terminal's end, and the game must save and leave within seconds.  Before
ui/hangup.py it read end-of-file in a tight loop for ever.
"""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

from summit_game.loader import require_pack
from summit_game.saves import load_save, save_path

ROOT = Path(__file__).resolve().parents[1]
MINI = ROOT / "tests" / "packs" / "mini"
ANSI = re.compile(
    rb"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|P[^\x1b]*\x1b\\|[@-Z\\-_])"
)


def _wait_for(master: int, proc: subprocess.Popen[bytes], text: bytes, seconds: float) -> bytes:
    screen = b""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.05)
        if ready:
            screen += os.read(master, 1 << 16)
            if text in ANSI.sub(b"", screen):
                return screen
        elif proc.poll() is not None:
            break
    raise AssertionError(f"{text!r} never showed: {ANSI.sub(b'', screen)[-400:]!r}")


def test_closing_the_terminal_saves_and_ends_the_game(tmp_path: Path) -> None:
    saves = tmp_path / "saves"
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 32, 100, 0, 0))
    env = dict(os.environ, TERM="xterm-256color", XDG_CACHE_HOME=str(tmp_path / "cache"))
    argv = [sys.executable, "-m", "summit_game", "play", "--content", str(MINI)]
    proc = subprocess.Popen(
        [*argv, "--saves-dir", str(saves), "--role", "us"],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        start_new_session=True,  # not the terminal's foreground group: no SIGHUP
        close_fds=True,
    )
    os.close(slave)
    try:
        _wait_for(master, proc, b"Press Enter to begin", 30)  # the seat's brief
        os.write(master, b"\r")
        _wait_for(master, proc, b"Kim offers to meet", 15)
        os.write(master, b"1")
        _wait_for(master, proc, b"You chose", 15)
        os.close(master)  # the window is closed
        proc.wait(timeout=15)  # before ui/hangup.py: never (it spun at 100 % of a core)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    saved = load_save(save_path(saves, "autosave"), require_pack(MINI))
    assert [d.choice for d in saved.decisions] == ["accept"]
