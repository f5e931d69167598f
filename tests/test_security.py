"""Security: hostile packs through every command, text injection, and what is never run.

Hostile packs go through ``check``, ``play --plain``, ``explore`` and ``graph``
in child processes (tests/test_hostile.py covers ``check`` case by case).
Each child runs under an audit hook (:func:`sys.addaudithook`) that logs every
file it opens and every folder it lists, so "nothing outside the pack is
read" is checked on what the process really did, not inferred from its
output; the parent collects the child's peak memory from ``os.wait4`` (the
per-child form of ``getrusage(RUSAGE_CHILDREN)``) and times it.

Text typed by teachers (scene text, choices, names of seats) and by students
(names, journal answers) must come out literally in ``--plain``, escaped in
Markdown, HTML and CSV, and unable to break the syntax of Mermaid or DOT.
"""

from __future__ import annotations

import ast
import csv
import io
import json
import os
import random
import re
import shutil
import signal
import stat
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, replace
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

import summit_game
from summit_game import engine
from summit_game.export import debrief_html, debrief_markdown, md
from summit_game.graph import to_dot, to_mermaid
from summit_game.loader import load_pack
from summit_game.pack import Pack
from summit_game.plain import run_plain
from summit_game.report import build_report, collect, report_csv, report_html, report_markdown
from summit_game.saves import list_saves, write_save
from summit_game.text import visible

ROOT = Path(__file__).resolve().parents[1]
SRC = Path(summit_game.__file__).resolve().parent
MINI = ROOT / "tests" / "packs" / "mini"
#: Seconds a child may take on a hostile pack (they take about half a second).
LIMIT = 10.0
#: The child is killed after this, so a hang fails the test instead of blocking it.
TIMEOUT = 60.0
#: Peak resident memory a child may reach; a bare run is about 40 MB.
MAX_RSS_MB = 256
#: Address space a child may map: a memory bomb fails fast instead of swapping.
MAX_AS_BYTES = 2 * 1024**3
MARKER = "read-from-outside-the-pack"

# ====================================================================== the child

_AUDITED = r"""
import os, resource, sys
resource.setrlimit(resource.RLIMIT_AS, (int(sys.argv[2]), int(sys.argv[2])))
_log = open(sys.argv[1], "w", encoding="utf-8", errors="backslashreplace")
def _hook(event, args):
    if event == "open":
        what = args[0]
    elif event in ("os.listdir", "os.scandir"):
        what = "." if args[0] is None else args[0]
    else:
        return
    if isinstance(what, int):
        return
    _log.write(event + "\t" + os.path.abspath(os.fsdecode(what)) + "\n")
    _log.flush()
sys.addaudithook(_hook)
from summit_game.cli import main
sys.exit(main(sys.argv[3:]))
"""


@dataclass
class Child:
    """What one run of ``summit-game`` in a child process did."""

    code: int
    out: str
    err: str
    seconds: float
    peak_mb: float
    touched: list[tuple[str, str]]
    """(event, absolute path) for every open and every folder listing."""


#: Runs the audited child and reports its peak memory.  Linux carries a
#: process's peak RSS across exec, so a child forked straight from this large
#: test process would report the test process's size; a small Python in between
#: forks the real child and reads ``getrusage(RUSAGE_CHILDREN)`` once it is done.
_MEASURED = r"""
import resource, subprocess, sys
code = subprocess.call(sys.argv[2:])
with open(sys.argv[1], "w") as fh:
    fh.write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
sys.exit(code if code >= 0 else 128 - code)
"""


def run_child(argv: list[str], tmp: Path, stdin: str = "") -> Child:
    """Run ``summit-game ARGV`` audited; its exit code, output, time, memory and files."""
    stamp = time.monotonic_ns()
    log, peak = tmp / f"audit-{stamp}.log", tmp / f"peak-{stamp}.txt"
    home = tmp / "home"
    home.mkdir(exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SUMMIT_", "XDG_"))}
    env.update(
        HOME=str(home),
        SUMMIT_CACHE=str(tmp / "cache"),
        SUMMIT_SAVES=str(tmp / "saves"),
        PYTHONDONTWRITEBYTECODE="1",
    )
    audited = [sys.executable, "-I", "-c", _AUDITED, str(log), str(MAX_AS_BYTES), *argv]
    started = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, "-I", "-c", _MEASURED, str(peak), *audited],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=home,
        env=env,
        start_new_session=True,  # so a hang is killed with its child
    )
    killer = threading.Timer(TIMEOUT, lambda: os.killpg(proc.pid, signal.SIGKILL))
    killer.start()
    try:
        out, err = proc.communicate(stdin.encode("utf-8"))
    finally:
        killer.cancel()
    seconds = time.monotonic() - started
    touched = [tuple(line.split("\t", 1)) for line in log.read_text(encoding="utf-8").splitlines()]
    return Child(
        proc.returncode,
        out.decode("utf-8", "replace"),
        err.decode("utf-8", "replace"),
        seconds,
        int(peak.read_text()) / 1024 if peak.exists() else float("inf"),  # Linux: kilobytes
        [(e, p) for e, p in touched],
    )


def _runtime(path: str) -> bool:
    """Files Python itself reads: the interpreter, installed packages, Summit's code."""
    real = os.path.realpath(path)
    prefixes = {sys.prefix, sys.base_prefix, sys.exec_prefix, str(SRC)}
    return any(real == p or real.startswith(os.path.realpath(p) + os.sep) for p in prefixes)


def assert_confined(child: Child, *allowed: Path, forbidden: tuple[Path, ...] = ()) -> None:
    """Every file opened and folder listed lies in ``allowed`` (or is Python's own)."""
    roots = [os.path.realpath(a) for a in allowed]
    for event, path in child.touched:
        real = os.path.realpath(path)
        for bad in forbidden:
            assert not real.startswith(os.path.realpath(bad)), f"{event} {path}: forbidden"
        if _runtime(path) or (event != "open" and real in (str(ROOT), str(SRC.parent))):
            continue  # the editable install lists the checkout to find the package
        assert any(real == r or real.startswith(r + os.sep) for r in roots), (
            f"{event} {path}: outside the pack, saves and cache folders"
        )


# ====================================================================== hostile packs


@dataclass(frozen=True)
class Expect:
    """The diagnostic a hostile pack must get: its code, file (relative) and line."""

    code: str
    file: str
    line: int | None  # None: any line


def make_pack(tmp: Path) -> Path:
    pack = tmp / "pack"
    shutil.copytree(MINI, pack)
    return pack


def make_outside(tmp: Path) -> Path:
    """A folder beside the pack whose files are errors (or block) if ever read."""
    outside = tmp / "outside"
    outside.mkdir()
    (outside / "evil.yaml").write_text(f"scenes:\n  - id: {MARKER}\n    id: twice\n[\n")
    (outside / "sub").mkdir()
    (outside / "sub" / "more.yaml").write_text(f"{MARKER}: [\n")
    os.mkfifo(outside / "pipe.yaml")
    return outside


def _write_big(path: Path, size: int) -> None:
    """A real (not sparse) file of ``size`` bytes of harmless YAML lines."""
    line = b"  - id: filler-scene-with-a-long-name\n"
    block = line * (1024 * 1024 // len(line))
    with open(path, "wb") as fh:
        fh.write(b"scenes:\n")
        written = 8
        while written < size:
            fh.write(block)
            written += len(block)


def _alias_bomb(pack: Path, outside: Path) -> Expect:
    lines = ["a0: &a0 [" + ", ".join(['"lol"'] * 9) + "]"]
    for i in range(1, 10):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    lines.append("scenes: *a9")
    (pack / "scenes" / "bomb.yaml").write_text("\n".join(lines) + "\n")
    return Expect("SG010", "scenes/bomb.yaml", None)


def _huge_scene_file(pack: Path, outside: Path) -> Expect:
    _write_big(pack / "scenes" / "huge.yaml", 50 * 1024 * 1024)
    return Expect("SG002", "scenes/huge.yaml", 0)


def _huge_scenario(pack: Path, outside: Path) -> Expect:
    _write_big(pack / "scenario.yaml", 50 * 1024 * 1024)
    return Expect("SG002", "scenario.yaml", 0)


def _deep_flow_lists(pack: Path, outside: Path) -> Expect:
    (pack / "scenes" / "deep.yaml").write_text("scenes: " + "[" * 10_000 + "]" * 10_000 + "\n")
    return Expect("SG010", "scenes/deep.yaml", 1)


def _deep_flow_maps(pack: Path, outside: Path) -> Expect:
    text = "scenes: " + "{a: " * 10_000 + "1" + "}" * 10_000 + "\n"
    (pack / "scenes" / "deep.yaml").write_text(text)
    return Expect("SG010", "scenes/deep.yaml", 1)


def _deep_block_lists(pack: Path, outside: Path) -> Expect:
    (pack / "scenes" / "deep.yaml").write_text("scenes:\n  " + "- " * 10_000 + "x\n")
    return Expect("SG010", "scenes/deep.yaml", 2)


def _deep_scenario(pack: Path, outside: Path) -> Expect:
    text = (pack / "scenario.yaml").read_text()
    text += "deep: " + "[" * 10_000 + "]" * 10_000 + "\n"
    (pack / "scenario.yaml").write_text(text)
    return Expect("SG010", "scenario.yaml", text.count("\n"))


def _link_out_file(pack: Path, outside: Path) -> Expect:
    (pack / "scenes" / "evil.yaml").symlink_to(outside / "evil.yaml")
    return Expect("SG003", "scenes/evil.yaml", 0)


def _link_out_folder(pack: Path, outside: Path) -> Expect:
    (pack / "scenes" / "more").symlink_to(outside, target_is_directory=True)
    return Expect("SG003", "scenes/more", 0)


def _link_out_scenes(pack: Path, outside: Path) -> Expect:
    shutil.rmtree(pack / "scenes")
    (pack / "scenes").symlink_to(outside, target_is_directory=True)
    return Expect("SG003", "scenes", 0)


def _link_out_scenario(pack: Path, outside: Path) -> Expect:
    (pack / "scenario.yaml").unlink()
    (pack / "scenario.yaml").symlink_to(outside / "evil.yaml")
    return Expect("SG003", "scenario.yaml", 0)


def _link_to_passwd(pack: Path, outside: Path) -> Expect:
    (pack / "glossary.yaml").symlink_to("/etc/passwd")
    return Expect("SG003", "glossary.yaml", 0)


def _link_to_outside_pipe(pack: Path, outside: Path) -> Expect:
    (pack / "scenes" / "pipe.yaml").symlink_to(outside / "pipe.yaml")
    return Expect("SG003", "scenes/pipe.yaml", 0)


def _fifo_scene(pack: Path, outside: Path) -> Expect:
    os.mkfifo(pack / "scenes" / "pipe.yaml")
    return Expect("SG001", "scenes/pipe.yaml", 0)


def _fifo_scenario(pack: Path, outside: Path) -> Expect:
    (pack / "scenario.yaml").unlink()
    os.mkfifo(pack / "scenario.yaml")
    return Expect("SG001", "scenario.yaml", 0)


def _fifo_glossary(pack: Path, outside: Path) -> Expect:
    os.mkfifo(pack / "glossary.yaml")
    return Expect("SG001", "glossary.yaml", 0)


def _device_file(pack: Path, outside: Path) -> Expect:
    try:  # a character device like /dev/zero: reading it never ends
        os.mknod(pack / "scenes" / "zero.yaml", stat.S_IFCHR | 0o666, os.makedev(1, 5))
    except OSError as exc:
        pytest.skip(f"cannot create a device file here: {exc}")
    return Expect("SG001", "scenes/zero.yaml", 0)


def _link_to_dev_zero(pack: Path, outside: Path) -> Expect:
    (pack / "scenes" / "zero.yaml").symlink_to("/dev/zero")
    return Expect("SG003", "scenes/zero.yaml", 0)


def _link_to_dev_urandom(pack: Path, outside: Path) -> Expect:
    (pack / "scenario.yaml").unlink()
    (pack / "scenario.yaml").symlink_to("/dev/urandom")
    return Expect("SG003", "scenario.yaml", 0)


def _folder_named_yaml(pack: Path, outside: Path) -> Expect:
    (pack / "scenario.yaml").unlink()
    (pack / "scenario.yaml").mkdir()
    return Expect("SG001", "scenario.yaml", 0)


def _binary_png(pack: Path, outside: Path) -> Expect:
    (pack / "scenes" / "pic.yaml").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 64)
    return Expect("SG004", "scenes/pic.yaml", 1)


def _binary_executable(pack: Path, outside: Path) -> Expect:
    with open(sys.executable, "rb") as fh:
        (pack / "scenes" / "python.yaml").write_bytes(fh.read(256 * 1024))
    return Expect("SG00[45]", "scenes/python.yaml", 1)


def _binary_random(pack: Path, outside: Path) -> Expect:
    rng = random.Random(5)
    data = bytes(rng.randrange(256) for _ in range(64 * 1024))
    (pack / "scenario.yaml").write_bytes(data)
    return Expect("SG00[45]", "scenario.yaml", None)


_TOUCH = "touch {mark}"
_TAGS = [
    '  - id: !!python/object/apply:os.system ["{cmd}"]',
    '  - !!python/object/new:subprocess.Popen [["sh", "-c", "{cmd}"]]',
    "  - !!python/name:os.system",
    "  - !!python/module:os",
    '  - !<tag:yaml.org,2002:python/object/apply:os.system> ["{cmd}"]',
    "  - !!python/object:subprocess.Popen {{args: [sh, -c, '{cmd}']}}",
    "  - !ruby/object:Gem::Installer {{i: x}}",
    "  - !!binary aGk=",
    "  - !!set {{a, b}}",
    "  - !!omap [a: 1]",
]


def _object_tags(pack: Path, outside: Path) -> Expect:
    cmd = _TOUCH.format(mark=outside / "ran")
    body = "\n".join(t.format(cmd=cmd) for t in _TAGS)
    (pack / "scenes" / "tags.yaml").write_text("scenes:\n" + body + "\n")
    return Expect("SG009", "scenes/tags.yaml", 2)


def _tag_directive(pack: Path, outside: Path) -> Expect:
    cmd = _TOUCH.format(mark=outside / "ran")
    text = f'%TAG !p! tag:yaml.org,2002:python/object/apply:\n---\nscenes: !p!os.system ["{cmd}"]\n'
    (pack / "scenes" / "tags.yaml").write_text(text)
    return Expect("SG009", "scenes/tags.yaml", 3)


def _tagged_scenario(pack: Path, outside: Path) -> Expect:
    cmd = _TOUCH.format(mark=outside / "ran")
    text = (pack / "scenario.yaml").read_text()
    text = text.replace(
        "title: A small test pack", f'title: !!python/object/apply:os.system ["{cmd}"]'
    )
    (pack / "scenario.yaml").write_text(text)
    return Expect("SG009", "scenario.yaml", 3)


def _many_broken_scenes(pack: Path, outside: Path) -> Expect:
    """Just under the value limit: 199,990 broken scenes (checking stops after 100)."""
    (pack / "scenes" / "many.yaml").write_text("scenes:\n" + "- 1\n" * 199_990)
    return Expect("SG022", "scenes/many.yaml", 2)


def _too_many_files(pack: Path, outside: Path) -> Expect:
    extra = pack / "scenes" / "extra"
    extra.mkdir()
    for i in range(20_001):
        (extra / f"s{i:05}.yaml").write_text("scenes: []\n")
    return Expect("SG013", "scenes", 0)


HOSTILE = {
    "199990-broken-scenes": _many_broken_scenes,
    "alias-bomb": _alias_bomb,
    "50mb-scene-file": _huge_scene_file,
    "50mb-scenario": _huge_scenario,
    "10000-deep-flow-lists": _deep_flow_lists,
    "10000-deep-flow-maps": _deep_flow_maps,
    "10000-deep-block-lists": _deep_block_lists,
    "10000-deep-in-scenario": _deep_scenario,
    "link-out-file": _link_out_file,
    "link-out-folder": _link_out_folder,
    "link-out-scenes": _link_out_scenes,
    "link-out-scenario": _link_out_scenario,
    "link-to-etc-passwd": _link_to_passwd,
    "link-to-outside-pipe": _link_to_outside_pipe,
    "fifo-scene": _fifo_scene,
    "fifo-scenario": _fifo_scenario,
    "fifo-glossary": _fifo_glossary,
    "device-file": _device_file,
    "link-to-dev-zero": _link_to_dev_zero,
    "link-to-dev-urandom": _link_to_dev_urandom,
    "folder-named-yaml": _folder_named_yaml,
    "binary-png": _binary_png,
    "binary-executable": _binary_executable,
    "binary-random": _binary_random,
    "yaml-object-tags": _object_tags,
    "yaml-tag-directive": _tag_directive,
    "tag-in-scenario": _tagged_scenario,
}


def command(name: str, pack: Path, tmp: Path) -> tuple[list[str], str]:
    """The argv and standard input of one command run on ``pack``."""
    saves = tmp / "saves"
    return {
        "check": (["check", str(pack)], ""),
        "play": (
            ["play", "--plain", "--content", str(pack), "--role", "us", "--saves-dir", str(saves)],
            "1\nanswer\n1\nquit\n",
        ),
        "explore": (["explore", "--runs", "20", str(pack)], ""),
        "graph-mermaid": (["graph", str(pack)], ""),
        "graph-dot": (["graph", "--format", "dot", str(pack)], ""),
    }[name]


#: Hostile packs that take seconds to build: the slow tier only.
SLOW_HOSTILE = {"20001-scene-files": _too_many_files}
COMMANDS = ("play", "explore", "graph-mermaid", "graph-dot", "check")
CASES = list(HOSTILE)
#: The default tier runs each hostile pack through one command, in rotation
#: (every command gets several); the slow tier runs every pair.
ROTATION = [(case, COMMANDS[i % len(COMMANDS)]) for i, case in enumerate(CASES)]
MATRIX = [
    (case, cmd)
    for case in [*CASES, *SLOW_HOSTILE]
    for cmd in COMMANDS
    if (case, cmd) not in ROTATION
]


def _run_hostile(case: str, cmd: str, tmp_path: Path) -> Child:
    tmp = tmp_path.resolve()
    pack = make_pack(tmp)
    outside = make_outside(tmp)
    expect = {**HOSTILE, **SLOW_HOSTILE}[case](pack, outside)
    argv, stdin = command(cmd, pack, tmp)
    child = run_child(argv, tmp, stdin)
    assert child.code == 1, (child.code, child.err[-3000:])
    assert "Traceback" not in child.err and "internal error" not in child.err, child.err[-3000:]
    where = re.escape(str(pack / expect.file) if expect.file else str(pack))
    line = r"(:\d+)?" if expect.line is None else (f":{expect.line}" if expect.line else "")
    assert re.search(rf"^{where}{line}: {expect.code} \S", child.err, re.MULTILINE), (
        expect,
        child.err[-3000:],
    )
    print(f"hostile {case} / {cmd}: {child.seconds:.2f} s, peak {child.peak_mb:.0f} MB")  # -s
    assert child.seconds < LIMIT, f"{case} / {cmd} took {child.seconds:.1f} s"
    assert child.peak_mb < MAX_RSS_MB, f"{case} / {cmd} peaked at {child.peak_mb:.0f} MB"
    assert MARKER not in child.out + child.err, "a file outside the pack was read"
    assert not (outside / "ran").exists(), "a YAML tag ran a command"
    assert_confined(
        child,
        pack,
        tmp / "saves",
        tmp / "cache",
        forbidden=(outside, Path("/etc/passwd"), Path("/dev/zero"), Path("/dev/urandom")),
    )
    return child


@pytest.mark.parametrize(("case", "cmd"), ROTATION, ids=[f"{c}-{m}" for c, m in ROTATION])
def test_hostile_pack_is_refused_boundedly_and_confined(
    case: str, cmd: str, tmp_path: Path
) -> None:
    _run_hostile(case, cmd, tmp_path)


@pytest.mark.slow
@pytest.mark.parametrize(("case", "cmd"), MATRIX, ids=[f"{c}-{m}" for c, m in MATRIX])
def test_hostile_pack_is_refused_boundedly_and_confined_every_command(
    case: str, cmd: str, tmp_path: Path
) -> None:
    _run_hostile(case, cmd, tmp_path)


def test_every_command_on_a_good_pack_stays_in_its_folders(tmp_path: Path) -> None:
    """The control: a clean pack and a whole --plain game touch only pack, saves and cache."""
    tmp = tmp_path.resolve()
    pack = make_pack(tmp)
    for cmd in COMMANDS:
        argv, stdin = command(cmd, pack, tmp)
        child = run_child(argv, tmp, stdin)
        assert child.code == 0, (cmd, child.err)
        assert child.peak_mb < MAX_RSS_MB
        assert_confined(child, pack, tmp / "saves", tmp / "cache")
        if cmd == "play":
            opened = {p for e, p in child.touched if e == "open"}
            assert any(p.startswith(str(tmp / "saves")) for p in opened), "it autosaved"


# ====================================================================== saves folder


def _hostile_saves_folder(tmp: Path, pack: Pack) -> Path:
    """A saves folder with one good save and things that only look like saves."""
    saves = tmp / "saves"
    state = engine.new_game(pack, ["us"])
    write_save(saves, "good", pack, state)
    os.mkfifo(saves / "pipe.json")
    (saves / "zero.json").symlink_to("/dev/zero")
    outside = make_outside(tmp)
    (outside / "secret.json").write_text(MARKER)
    (saves / "secret.json").symlink_to(outside / "secret.json")
    (saves / "folder.json").mkdir()
    (saves / "huge.json").write_bytes(b" " * (9 * 1024 * 1024))
    return saves


def test_list_saves_never_opens_pipes_devices_or_links_out(mini: Pack, tmp_path: Path) -> None:
    saves = _hostile_saves_folder(tmp_path, mini)
    started = time.monotonic()
    infos = {i.name: i for i in list_saves(saves)}
    assert time.monotonic() - started < LIMIT
    assert infos["good"].error is None
    assert "pipe or device" in (infos["pipe"].error or "")
    assert "outside the saves folder" in (infos["zero"].error or "")
    assert "outside the saves folder" in (infos["secret"].error or "")
    assert "folder" in (infos["folder"].error or "")
    assert "too large" in (infos["huge"].error or "")


def test_plain_load_and_report_refuse_pipes_and_devices(tmp_path: Path) -> None:
    """Loading a FIFO or /dev/zero named like a save, and reporting on the folder."""
    tmp = tmp_path.resolve()
    pack = load_pack(MINI).pack
    assert pack is not None
    saves = _hostile_saves_folder(tmp, pack)
    argv = ["play", "--plain", "--content", str(MINI), "--role", "us", "--saves-dir", str(saves)]
    child = run_child(argv, tmp, "load pipe\nload zero\nload folder\nload huge\nload good\nquit\n")
    assert child.code == 0, child.err
    assert child.seconds < LIMIT and child.peak_mb < MAX_RSS_MB
    assert child.out.count("Could not load") == 4, child.out
    assert "pipe or device" in child.out and "Loaded 'good'" in child.out
    child = run_child(["report", str(saves), "--content", str(MINI)], tmp)
    assert child.code == 0, child.err
    assert child.seconds < LIMIT and child.peak_mb < MAX_RSS_MB
    assert "1 runs read" in child.out
    assert MARKER not in child.out + child.err
    assert "secret.json: skipped: a link that leads outside its folder" in child.err
    assert_confined(child, MINI, saves, tmp / "cache")


async def test_the_tui_load_screen_lists_hostile_saves_without_hanging(
    mini: Pack, tmp_path: Path
) -> None:
    from summit_game.ui.app import SummitApp

    saves = _hostile_saves_folder(tmp_path, mini)
    (saves / "[@click=app.quit] \x1b[2J.json").write_text("{")
    app = SummitApp(mini, saves)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("l")
        await pilot.pause()
        assert app.is_running
        text = " ".join(strip.text for strip in app.screen._compositor.render_strips())
        assert "pipe or device" in text
        assert "[@click=app.quit] ^[[2J" in text
        assert "\x1b" not in text


async def test_the_tui_load_screen_survives_a_save_missing_a_meter(
    mini: Pack, tmp_path: Path
) -> None:
    from summit_game.ui.app import SummitApp

    saves = tmp_path / "saves"
    state = engine.new_game(mini, ["us"])
    write_save(saves, "older", mini, replace(state, meters={"trust": 20.0}))
    app = SummitApp(mini, saves)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("l")
        await pilot.pause()
        assert app.is_running


# ====================================================================== no code runs


_FORBIDDEN_CALLS = {"eval", "exec", "compile", "__import__", "breakpoint"}
_FORBIDDEN_MODULES = {"pickle", "cPickle", "marshal", "shelve", "dill", "cloudpickle", "code"}
_FORBIDDEN_ATTRS = {
    ("yaml", "load"),
    ("yaml", "load_all"),
    ("yaml", "unsafe_load"),
    ("yaml", "full_load"),
    ("yaml", "Loader"),
    ("yaml", "UnsafeLoader"),
    ("yaml", "FullLoader"),
    ("os", "system"),
    ("os", "popen"),
    ("os", "execv"),
    ("os", "execvp"),
    ("importlib", "import_module"),
}


def test_no_module_can_run_code_from_content_or_saves() -> None:
    """No eval/exec, no pickle, no unsafe YAML loader, no shell anywhere in the package."""
    problems = []
    for path in sorted(SRC.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        rel = path.relative_to(SRC.parent)
        for node in ast.walk(tree):
            found: list[str] = []
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                found = [f"{node.func.id}()"] if node.func.id in _FORBIDDEN_CALLS else []
            elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
                pair = (node.value.id, node.attr)
                found = [f"{pair[0]}.{pair[1]}"] if pair in _FORBIDDEN_ATTRS else []
            elif isinstance(node, ast.Import):
                found = [a.name for a in node.names if a.name.split(".")[0] in _FORBIDDEN_MODULES]
            elif isinstance(node, ast.ImportFrom):
                module = node.module or ""
                found = [module] if module.split(".")[0] in _FORBIDDEN_MODULES else []
            elif isinstance(node, ast.keyword) and node.arg == "shell":
                safe = isinstance(node.value, ast.Constant) and node.value.value is False
                found = [] if safe else ["shell="]
            problems += [f"{rel}:{getattr(node, 'lineno', 0)}: {f}" for f in found]
    assert problems == []


def test_object_tags_construct_nothing_in_process(tmp_path: Path) -> None:
    """The loader itself, in this process: tags are reported and never constructed."""
    pack = make_pack(tmp_path)
    outside = make_outside(tmp_path)
    _object_tags(pack, outside)
    result = load_pack(pack)
    tags = [d for d in result.diagnostics if d.code == "SG009"]
    assert len(tags) == len(_TAGS), [d.format() for d in result.diagnostics]
    assert not (outside / "ran").exists()


# ====================================================================== text injection

#: Teachers' text: YAML cannot carry raw control characters into a pack (SG005),
#: but markup, HTML, quotes, backslashes and invisible Unicode controls it can.
CONTENT = (
    "[bold]x[/ [@click=app.quit]q[/] <script>alert(1)</script> <img src=x onerror=alert(2)> "
    '"quoted" \\back\\ `tick` #hash &amp; |pipe| *star* _u_ \u202eevil\u202c z\u200bw =1+1'
)
#: Players' text (names, journal answers) can carry anything a keyboard can send.
PLAYER = (
    "\x1b[2J\x1b]0;pwned\x07 \x9b31m \x08\r\x00[bold]b[/ [@click=app.quit]q "
    '<script>alert(3)</script> =HYPERLINK("http://e") @SUM(1) \u202eevil'
)
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def hostile_text_pack(tmp: Path) -> Pack:
    """The mini pack with hostile text in every kind of text field, still valid."""
    root = tmp / "hostile-text"
    shutil.copytree(MINI, root)
    scenario_path = root / "scenario.yaml"
    sc = yaml.safe_load(scenario_path.read_text())
    sc["title"] = "Title " + CONTENT
    for role in sc["roles"].values():
        role["name"] = role["name"] + " " + CONTENT[:60]
        role["brief"] = CONTENT
        role["goals"] = [CONTENT]
    for meter in sc["meters"].values():
        meter["label"] = meter["label"] + " <b>|</b>"
    sc["sources"]["book"]["title"] = CONTENT
    sc["sources"]["book"]["url"] = 'https://e.x/"><script>alert(4)</script>\n<script\n'
    scenario_path.write_text(yaml.safe_dump(sc, allow_unicode=True, sort_keys=False))
    for scenes_path in (root / "scenes").glob("*.yaml"):
        data = yaml.safe_load(scenes_path.read_text())
        for scene in data["scenes"]:
            scene["title"] = '"]; <b>T</b> [@click=x] \\ `#&\u202e' + scene["title"]
            scene["text"] = CONTENT
            scene["place"] = CONTENT
            if "prompt" in scene:
                scene["prompt"] = CONTENT
            if "history" in scene:
                scene["history"]["summary"] = CONTENT
            for choice in scene.get("choices", []):
                choice["text"] = choice["text"] + " " + CONTENT
                choice["feedback"] = CONTENT
            if "ending" in scene:
                scene["ending"]["title"] = "End " + CONTENT
                scene["ending"]["summary"] = CONTENT
        scenes_path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    result = load_pack(root)
    assert result.pack is not None, [d.format() for d in result.diagnostics]
    return result.pack


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Pack:
    return hostile_text_pack(tmp_path_factory.mktemp("text"))


def hostile_run(pack: Pack) -> engine.GameState:
    """A finished two-seat run with hostile names and journal answers, off history."""
    state = engine.new_game(pack, ["us", "dprk"], names={"us": PLAYER, "dprk": CONTENT})
    while not engine.is_over(pack, state):
        offered = engine.available(pack, state)
        state, _ = engine.step(pack, state, offered[-1].id, PLAYER)
    return state


def test_plain_shows_hostile_text_literally(hostile: Pack, tmp_path: Path) -> None:
    out = io.StringIO()
    stdin = io.StringIO(f"1\n{PLAYER}\n1\n1\n{PLAYER}\nmeters\n")
    names = {"us": PLAYER, "dprk": CONTENT}
    run_plain(hostile, tmp_path, stdin, out, seats=["us", "dprk"], names=names)
    text = out.getvalue()
    assert not CONTROL.search(text.replace("\t", "")), repr(CONTROL.search(text))
    assert "[bold]x[/ [@click=app.quit]q[/] <script>alert(1)</script>" in text
    assert "\\u202eevil\\u202c" in text, "invisible controls are shown"
    assert visible(PLAYER) in text, "the player's name and answers are shown, made visible"
    assert "^[[2J^[]0;pwned\\x07 \\x9b31m \\x08\\x0d\\x00[bold]b[/" in text


def test_plain_on_a_real_terminal_stream_writes_no_escape_bytes(tmp_path: Path) -> None:
    """Through the CLI: an escape typed as a name or an answer never reaches stdout raw."""
    tmp = tmp_path.resolve()
    name = PLAYER.replace("\x00", "")  # a command line cannot carry NUL
    argv = ["play", "--plain", "--content", str(MINI), "--seats", "us,dprk", "--name", name]
    # dprk-one, then us-one with its reflection question, then us-two: the debrief.
    child = run_child([*argv, "--saves-dir", str(tmp / "saves")], tmp, f"1\n1\n{name}\n1\n")
    assert child.code == 0, child.err
    assert not CONTROL.search(child.out.replace("\t", "")), repr(CONTROL.search(child.out))
    assert "Your reflection: ^[[2J" in child.out


class _Html(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs.extend(attrs)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parse_html(page: str) -> _Html:
    parser = _Html()
    parser.feed(page)
    parser.close()
    return parser


def _flat(text: str) -> str:
    return " ".join(text.split())


def assert_safe_html(page: str) -> _Html:
    """No script, no handlers, no links but http(s), no control characters."""
    parsed = _parse_html(page)
    assert not {"script", "img", "iframe", "object", "embed"} & set(parsed.tags), parsed.tags
    for name, value in parsed.attrs:
        assert not name.startswith("on"), name
        if name in ("href", "src"):
            assert (value or "").startswith(("http://", "https://")), value
    assert not CONTROL.search(page), repr(CONTROL.search(page))
    return parsed


def test_debrief_html_escapes_everything(hostile: Pack) -> None:
    page = debrief_html(hostile, hostile_run(hostile))
    text = _flat("".join(assert_safe_html(page).text))
    assert _flat(visible(PLAYER)) in text and _flat(visible(CONTENT)) in text


def test_report_html_escapes_everything(hostile: Pack, tmp_path: Path) -> None:
    path = write_save(tmp_path, "run", hostile, hostile_run(hostile))
    runs, skipped = collect(hostile, [path])
    page = report_html(hostile, build_report(hostile, runs, skipped))
    text = _flat("".join(assert_safe_html(page).text))
    assert _flat(visible(PLAYER)) in text and _flat(visible(CONTENT)) in text


_MD_TAGS = {
    "h1", "h2", "h3", "p", "ul", "li", "strong", "em", "br", "a",
    "table", "thead", "tbody", "tr", "th", "td", "hr",
}  # fmt: skip


def _render_markdown(text: str) -> str:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": True}).enable("table").render(text)


def assert_safe_markdown(text: str) -> _Html:
    """Rendered as CommonMark with raw HTML allowed: only the tags we wrote come out."""
    assert not CONTROL.search(text), repr(CONTROL.search(text))
    parsed = assert_safe_html(_render_markdown(text))
    assert set(parsed.tags) <= _MD_TAGS, set(parsed.tags) - _MD_TAGS
    return parsed


def test_debrief_markdown_escapes_everything(hostile: Pack) -> None:
    text = debrief_markdown(hostile, hostile_run(hostile))
    parsed = assert_safe_markdown(text)
    shown = _flat("".join(parsed.text))
    assert _flat(visible(PLAYER)) in shown and _flat(visible(CONTENT)) in shown


def test_report_markdown_escapes_everything(hostile: Pack, tmp_path: Path) -> None:
    path = write_save(tmp_path, "run", hostile, hostile_run(hostile))
    runs, skipped = collect(hostile, [path])
    parsed = assert_safe_markdown(report_markdown(hostile, build_report(hostile, runs, skipped)))
    shown = _flat("".join(parsed.text))
    assert _flat(visible(PLAYER)) in shown and _flat(visible(CONTENT)) in shown


_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def test_report_csv_defuses_formulas_in_every_cell(hostile: Pack, tmp_path: Path) -> None:
    folder = tmp_path / "=HYPERLINK(1)"  # a folder (and so file) name that looks like a formula
    path = write_save(folder, "run", hostile, hostile_run(hostile))
    named = path.with_name("=cmd|' calc'!A1.json")
    path.rename(named)
    runs, skipped = collect(hostile, [named])
    rows = list(csv.reader(io.StringIO(report_csv(hostile, build_report(hostile, runs, skipped)))))
    assert len(rows) > 1
    for row in rows:
        for cell in row:
            assert not cell.startswith(_FORMULA), cell
            assert not CONTROL.search(cell), cell


def test_report_csv_defuses_a_file_named_like_a_formula(mini: Pack, tmp_path: Path) -> None:
    """`report *.json` in the folder: the file column is the bare name."""
    state, _ = engine.step(mini, engine.new_game(mini, ["us"]), "accept")
    write_save(tmp_path, "x", mini, state)
    (tmp_path / "x.json").rename(tmp_path / "=HYPERLINK(1).json")
    cwd = Path.cwd()
    os.chdir(tmp_path)
    try:
        runs, skipped = collect(mini, [Path("=HYPERLINK(1).json")])
    finally:
        os.chdir(cwd)
    rows = list(csv.reader(io.StringIO(report_csv(mini, build_report(mini, runs, skipped)))))
    assert rows[1][0] == "'=HYPERLINK(1).json"


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_any_csv_cell_is_defused(text: str) -> None:
    from summit_game.report import _cell

    cell = _cell(text)
    assert not cell.startswith(_FORMULA) and not CONTROL.search(cell)


_MD_PIECES = [
    *"\\`*_{}[]()#+-.!|<>~&;:=/ \n\tab1x@\"'",
    *("javascript:", "http://e.x", "<script>", "&lt;", "    ", "1.", "1)", "***", "===", "---"),
    *("![", "](", "<a href=x>", "&#x41;", "\u00a0", "<!--", "-->", "<?php", "\x1b[2J", "\u202e"),
]


@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.sampled_from(_MD_PIECES), max_size=25).map("".join),
    st.sampled_from(["", "intro ", "- item ", "| a | ", "### ", "**Name:** "]),
)
def test_markdown_escaping_keeps_any_text_literal(text: str, before: str) -> None:
    """Whatever the text, md() renders to exactly that text (made visible), and no markup."""
    rendered = _render_markdown(before + md(text) + "\n")
    parsed = _parse_html(rendered)
    assert set(parsed.tags) <= _MD_TAGS - {"a"}, (text, rendered)
    if not before.startswith("|"):
        shown = _flat("".join(parsed.text))
        assert shown == _flat(before.lstrip("-#*| ").replace("**", "") + visible(text)), rendered


# ---------------------------------------------------------------------- graph output

_Q = r'"(?:[^"\\\n]|\\.)*"'  # a DOT quoted string
_DOT_LINE = re.compile(
    rf"^(digraph summit \{{|  rankdir=TB;|  node \[shape=box, fontname=\"Helvetica\"\];"
    rf"|  subgraph {_Q} \{{|    label={_Q};|    {_Q} \[label={_Q}(, [a-z]+=(\w+|{_Q}))*\];"
    rf"|  }}|  {_Q} -> {_Q} \[label={_Q}\];|}})$"
)
_M = r'"[^"\n]*"'  # a Mermaid quoted label
_MERMAID_LINE = re.compile(
    rf"^(flowchart TD|  subgraph seat_\w+\[{_M}\]|    n_\w+(\[{_M}\]|\(\[{_M}\]\)|\{{\{{{_M}\}}\}})"
    rf"|  end|  n_\w+ -->\|{_M}\| n_\w+|  classDef \w+ [^\n]+|  class n_\w+ \w+)$"
)


def test_graph_text_cannot_be_broken_by_titles_and_names(hostile: Pack) -> None:
    dot = to_dot(hostile)
    for line in dot.splitlines():
        assert _DOT_LINE.match(line), line
    mermaid = to_mermaid(hostile)
    for line in mermaid.splitlines():
        assert _MERMAID_LINE.match(line), line
        for label in re.findall(_M, line):
            assert not set(label[1:-1]) & set("<>`&"), label
    for out in (dot, mermaid):
        assert not CONTROL.search(out), repr(CONTROL.search(out))
        assert "\\u202e" in out, "invisible controls are shown"


def test_graph_svg_through_graphviz_has_no_markup(hostile: Pack, tmp_path: Path) -> None:
    dot = shutil.which("dot")
    if dot is None:
        pytest.skip("Graphviz's dot is not installed")
    svg = subprocess.run(
        [dot, "-Tsvg"], input=to_dot(hostile), capture_output=True, text=True, check=True
    ).stdout
    parsed = _parse_html(svg)
    assert "script" not in parsed.tags and "img" not in parsed.tags


# ---------------------------------------------------------------------- explore output


def test_explore_json_escapes_hostile_text(hostile: Pack) -> None:
    from summit_game.explore import explore

    report = explore(hostile, runs=20, seed=1)
    text = json.dumps(report.as_json())
    assert not CONTROL.search(text)


def test_explore_text_shows_controls_visibly(hostile: Pack) -> None:
    from summit_game.explore import explore, render_text

    text = render_text(explore(hostile, runs=20, seed=1))
    assert not CONTROL.search(text), repr(CONTROL.search(text))


def test_file_names_with_escapes_are_shown_visibly_in_diagnostics(tmp_path: Path) -> None:
    """A pack unpacked from an archive may carry any file name: `check` prints it inert."""
    pack = make_pack(tmp_path)
    (pack / "scenes" / "x\x1b[31mred\nnl.yaml").write_text("scenes: [\n")
    result = load_pack(pack)
    shown = [d.format() for d in result.diagnostics if d.code == "SG007"]
    assert len(shown) == 1
    assert "x^[[31mred\\x0anl.yaml:2: SG007" in shown[0]
    assert not CONTROL.search(shown[0]) and "\n" not in shown[0]
