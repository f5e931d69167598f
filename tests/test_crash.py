"""Crash safety: kill -9 during saves, full disks, read-only folders, concurrent writers.

The promise (saves.py): a save is written to a temporary file, synced, and
renamed over the old one, so at any instant the file holds the last complete
save.  Here a writer is killed with SIGKILL at random moments and the file
must always load; "saves lost" counts completed saves (ones the writer had
reported done) that the file on disk no longer holds, and must stay 0.

Kill loops fork the already-loaded test process (milliseconds per kill) so
the slow tier can afford hundreds; the default tier also runs the real CLI
in a child process a few times.  Disk-full and read-only cases mount a small
tmpfs when running as root, and are simulated by failing ``os.write`` /
``os.fsync`` otherwise.
"""

from __future__ import annotations

import contextlib
import errno
import io
import multiprocessing
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

import pytest

from summit_game import engine
from summit_game.errors import SaveError
from summit_game.loader import load_pack
from summit_game.pack import Pack
from summit_game.plain import run_plain
from summit_game.saves import list_saves, load_save, read_save, write_save

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "content" / "korea-2017-2025"
MINI = ROOT / "tests" / "packs" / "mini"
_FORK = multiprocessing.get_context("fork")


@pytest.fixture(scope="module")
def shipped() -> Pack:
    pack = load_pack(SHIPPED).pack
    assert pack is not None
    return pack


@dataclass
class Tally:
    """Kills made, and completed saves the file on disk no longer held."""

    kills: int = 0
    lost: int = 0
    never_saved: int = 0
    """Kills that came before the first save finished (nothing to lose yet)."""
    during_play: int = 0
    """Kills that came before the game (or the write loop) had ended."""
    leftovers: int = 0
    """Temporary files left by killed writers (never read as saves, cleaned later)."""
    notes: list[str] = field(default_factory=list)


def _temporaries(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if ".tmp-" in p.name]


# ====================================================================== write_save


def _writer(pack: Pack, folder: Path, report_fd: int, big: bool) -> None:
    """Save over and over; after each save returns, report its seed (in the child)."""
    state = engine.new_game(pack, ["us"])
    i = 0
    while True:
        i += 1
        # Sizes vary from a few hundred bytes to ~100 KB, so kills land in every phase.
        name = "x" * (i * 7919 % (100_000 if big else 5_000))
        state = replace(state, seed=i, names={"us": name})
        write_save(folder, "run", pack, state, f"save {i}")
        os.write(report_fd, f"{i}\n".encode())


def kill_writers(pack: Pack, folder: Path, kills: int, seed: int, big: bool = False) -> Tally:
    """Fork a writer, kill -9 it at a random moment, check the file; ``kills`` times."""
    rng = random.Random(seed)
    tally = Tally()
    folder.mkdir(parents=True, exist_ok=True)
    for _ in range(kills):
        read_fd, write_fd = os.pipe()
        proc = _FORK.Process(target=_writer, args=(pack, folder, write_fd, big))
        proc.start()
        os.close(write_fd)
        time.sleep(rng.uniform(0.0, 0.08))
        assert proc.pid is not None
        os.kill(proc.pid, signal.SIGKILL)
        proc.join()
        with os.fdopen(read_fd, "rb") as fh:
            reported = [int(x) for x in fh.read().split()]
        tally.kills += 1
        tally.during_play += 1
        path = folder / "run.json"
        if not reported and not path.exists():
            tally.never_saved += 1
            continue
        last_done = reported[-1] if reported else 0
        save = read_save(path)  # the last completed save (or the one after it) loads
        load_save(path, pack)
        on_disk = save.state.seed
        assert on_disk >= last_done, f"save {last_done} was completed but the file holds {on_disk}"
        assert on_disk <= last_done + 1, "the file holds a save the writer never began"
        tally.lost += max(0, last_done - on_disk)
        path.unlink()  # the next writer starts afresh, so its count starts at 1
    tally.leftovers = len(_temporaries(folder))
    assert [i.name for i in list_saves(folder)] == [], "temporaries are never listed as saves"
    return tally


def test_kill_minus_nine_during_saves_loses_no_completed_save(mini: Pack, tmp_path: Path) -> None:
    tally = kill_writers(mini, tmp_path / "saves", kills=25, seed=1)
    assert tally.kills == 25 and tally.lost == 0


@pytest.mark.slow
def test_kill_minus_nine_during_saves_hundreds_of_times(mini: Pack, tmp_path: Path) -> None:
    tally = kill_writers(mini, tmp_path / "saves", kills=400, seed=2)
    big = kill_writers(mini, tmp_path / "big", kills=200, seed=3, big=True)
    print(f"write_save: {tally} / big saves: {big}")  # shown with -s
    assert tally.lost == 0 and big.lost == 0


# ====================================================================== autosaves in --plain

_SHOWN = re.compile(r"^  \d+\. [^\n]*\nDivergence from history: ", re.MULTILINE)


def completed_autosaves(out: str) -> int:
    """Decisions whose autosave had finished, read from what --plain printed.

    Each decision autosaves before the next scene is shown; a scene display ends
    with its numbered choices and the divergence line.  The first display comes
    before any decision; the debrief follows the last decision's autosave.
    """
    shown = len(_SHOWN.findall(out))
    return max(0, shown - 1) + ("== Debrief ==" in out)


def game_input(rng: random.Random, lines: int = 400) -> str:
    """Random picks among the first two choices (a reflection takes the next line)."""
    return "".join(rng.choice(["1\n", "2\n", "1\n"]) for _ in range(lines))


def _plain_child(pack: Pack, saves: Path, text: str, out_fd: int) -> None:
    out = io.TextIOWrapper(io.FileIO(out_fd, "w"), encoding="utf-8", write_through=True)
    run_plain(pack, saves, io.StringIO(text), out, seats=["us", "dprk", "rok"])


def _check_autosave(pack: Pack, saves: Path, out: str, tally: Tally) -> None:
    done = completed_autosaves(out)
    path = saves / "autosave.json"
    tally.kills += 1
    tally.during_play += "== Debrief ==" not in out
    if not path.exists():
        assert done == 0, f"{done} autosaves were completed but there is no file"
        tally.never_saved += 1
        return
    state = load_save(path, pack)
    on_disk = len(state.decisions)
    assert on_disk >= done, f"{done} decisions were autosaved but the file holds {on_disk}"
    assert on_disk <= done + 1
    tally.lost += max(0, done - on_disk)


def _drain(fd: int, into: bytearray) -> None:
    while data := os.read(fd, 65536):
        into.extend(data)


def kill_plain_games(pack: Pack, folder: Path, kills: int, seed: int) -> Tally:
    """Fork a --plain game fed random choices, kill -9 it at a random moment; repeat."""
    rng = random.Random(seed)
    tally = Tally()
    # How long a whole game takes here: kills are spread over that span.
    started = time.monotonic()
    calibration = _FORK.Process(
        target=_plain_child,
        args=(pack, folder / "calibration", game_input(rng), os.open(os.devnull, os.O_WRONLY)),
    )
    calibration.start()
    calibration.join()
    span = time.monotonic() - started
    for k in range(kills):
        saves = folder / f"k{k}"
        read_fd, write_fd = os.pipe()
        proc = _FORK.Process(target=_plain_child, args=(pack, saves, game_input(rng), write_fd))
        proc.start()
        os.close(write_fd)
        collected = bytearray()
        reader = threading.Thread(target=_drain, args=(read_fd, collected))
        reader.start()
        time.sleep(rng.uniform(0.0, 0.6 * span))  # games vary in length: most kills in play
        assert proc.pid is not None
        os.kill(proc.pid, signal.SIGKILL)
        proc.join()
        assert proc.exitcode in (0, -signal.SIGKILL), "the game crashed by itself"
        reader.join()
        os.close(read_fd)
        _check_autosave(pack, saves, collected.decode("utf-8", "replace"), tally)
        tally.leftovers += len(_temporaries(saves)) if saves.exists() else 0
    return tally


def test_kill_minus_nine_during_autosaves_in_plain(shipped: Pack, tmp_path: Path) -> None:
    tally = kill_plain_games(shipped, tmp_path, kills=8, seed=4)
    assert tally.kills == 8 and tally.lost == 0


@pytest.mark.slow
def test_kill_minus_nine_during_autosaves_in_plain_hundreds_of_times(
    shipped: Pack, tmp_path: Path
) -> None:
    tally = kill_plain_games(shipped, tmp_path, kills=300, seed=5)
    print(f"--plain autosaves: {tally}")  # shown with -s
    assert tally.lost == 0
    assert tally.during_play > 150, "most kills land while the game is still being played"


def test_kill_minus_nine_of_the_real_cli_during_autosaves(tmp_path: Path) -> None:
    """The same through `summit-game play --plain` in a child process: a few kills."""
    rng = random.Random(6)
    pack = load_pack(SHIPPED).pack
    assert pack is not None
    tally = Tally()
    for k in range(3):
        saves = tmp_path / f"k{k}"
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "summit_game",
                "play",
                "--plain",
                "--seats",
                "us,dprk,rok",
                "--saves-dir",
                str(saves),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env={**os.environ, "SUMMIT_CACHE": str(tmp_path / "cache")},
        )
        assert proc.stdin is not None and proc.stdout is not None
        proc.stdin.write(game_input(rng).encode())
        proc.stdin.close()
        first = proc.stdout.readline()  # the game has started: kill it while it plays
        assert first
        time.sleep(rng.uniform(0.0, 0.2))
        proc.send_signal(signal.SIGKILL)
        out = first + proc.stdout.read()
        proc.wait()
        _check_autosave(pack, saves, out.decode("utf-8", "replace"), tally)
    assert tally.lost == 0


# ====================================================================== full and read-only disks


@contextlib.contextmanager
def small_tmpfs(where: Path, size: str = "192k") -> Iterator[Path]:
    """A tmpfs of ``size`` mounted at ``where`` (root only), unmounted afterwards."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root; the simulated cases still run")
    where.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def fill(folder: Path) -> None:
    """Write until the file system says it is full."""
    fd = os.open(folder / "filler", os.O_WRONLY | os.O_CREAT, 0o644)
    try:
        while True:
            os.write(fd, b"\0" * 4096)
    except OSError as exc:
        assert exc.errno == errno.ENOSPC, exc
    finally:
        os.close(fd)


def played(pack: Pack, decisions: int = 3) -> engine.GameState:
    state = engine.new_game(pack, ["us"])
    for _ in range(decisions):
        offered = engine.available(pack, state)
        if not offered:
            break
        state, _ = engine.step(pack, state, offered[0].id, "an answer")
    return state


def assert_refused_keeping(folder: Path, pack: Pack, keep: engine.GameState, reason: str) -> None:
    """Saving fails with a clear one-line message; the earlier save is untouched."""
    before = (folder / "keep.json").read_bytes()
    for name in ("new", "keep"):  # a new save, and an overwrite of the earlier one
        with pytest.raises(SaveError, match=reason) as info:
            write_save(folder, name, pack, played(pack, 5), "later")
        message = str(info.value)
        assert "earlier saves are intact" in message and "\n" not in message
    assert (folder / "keep.json").read_bytes() == before
    assert load_save(folder / "keep.json", pack) == keep
    assert not _temporaries(folder), "a failed save leaves no temporary file"


def test_disk_full_refuses_clearly_and_keeps_earlier_saves(shipped: Pack, tmp_path: Path) -> None:
    with small_tmpfs(tmp_path / "mnt") as folder:
        keep = played(shipped, 1)
        write_save(folder, "keep", shipped, keep)
        fill(folder)
        assert_refused_keeping(folder, shipped, keep, "No space left on device")


def test_read_only_saves_folder_refuses_clearly_and_keeps_earlier_saves(
    shipped: Pack, tmp_path: Path
) -> None:
    """As root permissions are ignored, so the folder is made read-only by a remount."""
    with small_tmpfs(tmp_path / "mnt") as folder:
        keep = played(shipped, 1)
        write_save(folder, "keep", shipped, keep)
        subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
        assert_refused_keeping(folder, shipped, keep, "Read-only file system")


@pytest.mark.parametrize(
    ("call", "code"),
    [("write", errno.ENOSPC), ("fsync", errno.EIO), ("replace", errno.EROFS)],
)
def test_failing_writes_keep_earlier_saves_simulated(
    shipped: Pack, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, call: str, code: int
) -> None:
    """Without root: the same promises with the system call made to fail."""
    import summit_game.saves as saves_module

    keep = played(shipped, 1)
    write_save(tmp_path, "keep", shipped, keep)

    def fail(*args: object, **kwargs: object) -> None:
        raise OSError(code, os.strerror(code))

    class FailingOs:
        """The os module as saves.py sees it, with one call failing."""

        def __getattr__(self, name: str) -> object:
            return fail if name == call else getattr(os, name)

    monkeypatch.setattr(saves_module, "os", FailingOs())
    assert_refused_keeping(tmp_path, shipped, keep, re.escape(os.strerror(code)))


def _plain_on(pack: Pack, saves: Path, text: str) -> tuple[int, str]:
    out = io.StringIO()
    code = run_plain(pack, saves, io.StringIO(text), out, seats=["us"])
    return code, out.getvalue()


def _assert_game_goes_on(pack: Pack, saves: Path, reason: str) -> str:
    # A reflection question may follow each choice: "answer" is harmless where none does.
    code, out = _plain_on(pack, saves, "1\nanswer\n1\nanswer\nmeters\nquit\n")
    assert code == 0
    assert out.count("Could not save:") >= 2, out
    assert reason in out
    # After the failed autosave the next scene is shown and commands still work.
    shown = _SHOWN.findall(out)
    assert len(shown) >= 2 and "Meters on" in out
    for line in out.splitlines():
        if line.startswith("Could not save:"):
            assert "earlier saves are intact" in line or "saves folder" in line, line
    assert "Goodbye (not saved)." in out and "Saved. Goodbye." not in out
    return out


def test_plain_goes_on_when_the_disk_is_full(shipped: Pack, tmp_path: Path) -> None:
    with small_tmpfs(tmp_path / "mnt") as folder:
        keep = played(shipped, 1)
        write_save(folder, "autosave", shipped, keep)
        before = (folder / "autosave.json").read_bytes()
        fill(folder)
        _assert_game_goes_on(shipped, folder, "No space left on device")
        assert (folder / "autosave.json").read_bytes() == before
        assert load_save(folder / "autosave.json", shipped) == keep


def test_plain_goes_on_when_the_saves_folder_is_read_only(shipped: Pack, tmp_path: Path) -> None:
    with small_tmpfs(tmp_path / "mnt") as folder:
        keep = played(shipped, 1)
        write_save(folder, "autosave", shipped, keep)
        subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
        _assert_game_goes_on(shipped, folder, "Read-only file system")
        assert load_save(folder / "autosave.json", shipped) == keep


@pytest.mark.parametrize("shape", ["file", "inside-a-file"])
def test_plain_goes_on_when_the_saves_path_is_a_file(
    shipped: Pack, tmp_path: Path, shape: str
) -> None:
    blocker = tmp_path / "saves"
    blocker.write_text("not a folder")
    saves = blocker if shape == "file" else blocker / "inner"
    out = _assert_game_goes_on(shipped, saves, "saves folder")
    assert "choose another folder with --saves-dir" in out
    assert blocker.read_text() == "not a folder"


def test_the_cli_goes_on_when_the_saves_path_is_a_file(tmp_path: Path) -> None:
    blocker = tmp_path / "saves"
    blocker.write_text("not a folder")
    argv = ["play", "--plain", "--content", str(MINI), "--role", "us", "--saves-dir", str(blocker)]
    proc = subprocess.run(
        [sys.executable, "-m", "summit_game", *argv],
        input="1\nwhy\n1\n",
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "SUMMIT_CACHE": str(tmp_path / "cache")},
    )
    assert proc.returncode == 0, proc.stderr
    assert "Could not save:" in proc.stdout and "== The end for the US" in proc.stdout
    assert "Traceback" not in proc.stderr


# ====================================================================== served mode


def _hammer(pack: Pack, folder: Path, writer: int, saves: int, name: str) -> None:
    state = engine.new_game(pack, ["us"])
    for i in range(1, saves + 1):
        seed = writer * 1_000_000 + i
        filler = "y" * ((seed * 7919) % 20_000)
        state = replace(state, seed=seed, names={"us": filler})
        write_save(folder, name, pack, state, f"writer {writer}")


def _watch(folder: Path, name: str, stop: Callable[[], bool], failures: list[str]) -> int:
    reads = 0
    path = folder / f"{name}.json"
    while not stop():
        if path.exists():
            try:
                read_save(path)
            except SaveError as exc:
                failures.append(str(exc))
            reads += 1
    return reads


def hammer_one_name(
    pack: Pack, folder: Path, writers: int, saves: int, name: str = "Ada-autosave"
) -> tuple[int, list[str]]:
    """``writers`` processes save under one name while this one keeps reading it."""
    folder.mkdir(parents=True, exist_ok=True)
    procs = [
        _FORK.Process(target=_hammer, args=(pack, folder, w, saves, name))
        for w in range(1, writers + 1)
    ]
    for p in procs:
        p.start()
    failures: list[str] = []
    reads = _watch(folder, name, lambda: not any(p.is_alive() for p in procs), failures)
    for p in procs:
        p.join()
        assert p.exitcode == 0
    assert failures == [], failures[:3]
    final = read_save(folder / f"{name}.json").state.seed
    # The last rename wins, and it is some writer's last save.
    assert final in {w * 1_000_000 + saves for w in range(1, writers + 1)}, final
    load_save(folder / f"{name}.json", pack)
    assert not _temporaries(folder)
    return reads, failures


def test_two_sessions_saving_under_one_name_never_corrupt_it(mini: Pack, tmp_path: Path) -> None:
    reads, _ = hammer_one_name(mini, tmp_path, writers=2, saves=150)
    assert reads > 0


@pytest.mark.slow
def test_many_sessions_saving_under_one_name_never_corrupt_it(mini: Pack, tmp_path: Path) -> None:
    reads, _ = hammer_one_name(mini, tmp_path, writers=6, saves=1000)
    print(f"6 writers x 1000 saves under one name: {reads} reads, all complete")  # -s
    assert reads > 100


def _kill_some_writers(pack: Pack, folder: Path, rng: random.Random) -> None:
    procs = [
        _FORK.Process(target=_hammer, args=(pack, folder, w, 10**6, "shared")) for w in range(1, 4)
    ]
    for p in procs:
        p.start()
    time.sleep(rng.uniform(0.01, 0.1))
    for p in procs:
        assert p.pid is not None
        os.kill(p.pid, signal.SIGKILL)
        time.sleep(rng.uniform(0.0, 0.02))
    for p in procs:
        p.join()


@pytest.mark.slow
def test_visitors_disconnecting_mid_save_leave_a_loadable_save(mini: Pack, tmp_path: Path) -> None:
    """Three sessions on one name, killed one after another, a hundred times."""
    rng = random.Random(8)
    for _ in range(100):
        _kill_some_writers(mini, tmp_path, rng)
        path = tmp_path / "shared.json"
        if path.exists():
            load_save(path, mini)
