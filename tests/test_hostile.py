"""Hostile packs: files that cannot be committed, built in tmp_path.

Each case runs ``summit-game check --format json`` in a child process, so a
hang is cut off by a timeout and a crash (even a segfault) shows up as an
exit status instead of taking the test run down.  Every case must give its
located diagnostic, finish well within :data:`LIMIT` seconds (a hang guard,
not a benchmark), and read nothing outside the pack: files outside are made
so that reading them would be an error (or would block forever, for pipes).
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from summit_game import yamlread

MINI = Path(__file__).resolve().parent / "packs" / "mini"
LIMIT = 10.0  # seconds: generous; these finish in well under one
TIMEOUT = 60.0  # the child is killed after this, so a hang fails instead of blocking
MARKER = "read-from-outside-the-pack"


def make_pack(tmp_path: Path) -> Path:
    pack = tmp_path / "pack"
    shutil.copytree(MINI, pack)
    return pack


def make_outside(tmp_path: Path) -> Path:
    """A folder beside the pack whose files are errors if ever read."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "evil.yaml").write_text(
        f"scenes:\n  - id: {MARKER}\n    id: twice\n\t- 'unclosed\n", encoding="utf-8"
    )
    (outside / "sub").mkdir()
    (outside / "sub" / "more.yaml").write_text(f"{MARKER}: [\n", encoding="utf-8")
    os.mkfifo(outside / "pipe.yaml")
    return outside


def check(pack: Path) -> tuple[int, list[dict[str, Any]], str]:
    """Run `check --format json` on ``pack`` in a child; return (exit, diagnostics, stderr)."""
    env = {k: v for k, v in os.environ.items() if k != "SUMMIT_DEBUG"}
    start = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "summit_game", "check", "--format", "json", str(pack)],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        env=env,
        cwd=pack.parent,
        check=False,
    )
    elapsed = time.monotonic() - start
    assert proc.returncode in (0, 1), (proc.returncode, proc.stderr[-2000:])
    assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr
    assert elapsed < LIMIT, f"check took {elapsed:.1f}s"
    assert MARKER not in proc.stdout + proc.stderr, "a file outside the pack was read"
    data = json.loads(proc.stdout)
    return proc.returncode, data["diagnostics"], proc.stderr


def find(
    diags: list[dict[str, Any]], code: str, file: Path, line: int | None = None
) -> dict[str, Any]:
    """The one diagnostic with ``code`` at ``file`` (and ``line``, when given)."""
    hits = [
        d
        for d in diags
        if d["code"] == code
        and Path(d["file"]) == file
        and (line is None or d["line"] == line)
        and d["message"]
    ]
    assert len(hits) == 1, json.dumps(diags, indent=1)[:3000]
    return hits[0]


def nothing_outside(diags: list[dict[str, Any]], outside: Path) -> None:
    for d in diags:
        assert not Path(d["file"]).is_relative_to(outside), d


# --------------------------------------------------------------------- not regular files


def test_fifo_scene_file_is_not_opened(tmp_path: Path) -> None:
    pack = make_pack(tmp_path)
    os.mkfifo(pack / "scenes" / "pipe.yaml")
    rc, diags, _ = check(pack)
    assert rc == 1
    find(diags, "SG001", pack / "scenes" / "pipe.yaml", 0)


def test_fifo_scenario_is_not_opened(tmp_path: Path) -> None:
    pack = make_pack(tmp_path)
    (pack / "scenario.yaml").unlink()
    os.mkfifo(pack / "scenario.yaml")
    rc, diags, _ = check(pack)
    assert rc == 1
    find(diags, "SG001", pack / "scenario.yaml", 0)


def test_device_file_is_not_read(tmp_path: Path) -> None:
    pack = make_pack(tmp_path)
    try:  # a character device like /dev/zero: reading it never ends
        os.mknod(pack / "scenes" / "zero.yaml", stat.S_IFCHR | 0o666, os.makedev(1, 5))
    except (PermissionError, OSError) as exc:
        pytest.skip(f"cannot create a device file here: {exc}")
    rc, diags, _ = check(pack)
    assert rc == 1
    find(diags, "SG001", pack / "scenes" / "zero.yaml", 0)


def test_folder_named_like_a_file_is_not_read(tmp_path: Path) -> None:
    pack = make_pack(tmp_path)
    (pack / "glossary.yaml").mkdir()
    rc, diags, _ = check(pack)
    assert rc == 1
    find(diags, "SG001", pack / "glossary.yaml", 0)


# --------------------------------------------------------------------- links


def test_link_to_a_file_outside_is_not_read(tmp_path: Path) -> None:
    pack = make_pack(tmp_path)
    outside = make_outside(tmp_path)
    (pack / "scenes" / "evil.yaml").symlink_to(outside / "evil.yaml")
    rc, diags, _ = check(pack)
    assert rc == 1
    find(diags, "SG003", pack / "scenes" / "evil.yaml", 0)
    nothing_outside(diags, outside)
    assert {d["code"] for d in diags} == {"SG003", "SG099"}


def test_link_to_a_pipe_outside_is_not_opened(tmp_path: Path) -> None:
    pack = make_pack(tmp_path)
    outside = make_outside(tmp_path)
    (pack / "scenes" / "pipe.yaml").symlink_to(outside / "pipe.yaml")
    rc, diags, _ = check(pack)
    assert rc == 1
    find(diags, "SG003", pack / "scenes" / "pipe.yaml", 0)


def test_link_to_a_device_outside_is_not_read(tmp_path: Path) -> None:
    pack = make_pack(tmp_path)
    (pack / "scenes" / "zero.yaml").symlink_to("/dev/zero")
    rc, diags, _ = check(pack)
    assert rc == 1
    find(diags, "SG003", pack / "scenes" / "zero.yaml", 0)


def test_scenario_linked_outside_is_not_read(tmp_path: Path) -> None:
    pack = make_pack(tmp_path)
    outside = make_outside(tmp_path)
    (pack / "scenario.yaml").unlink()
    (pack / "scenario.yaml").symlink_to(outside / "evil.yaml")
    rc, diags, _ = check(pack)
    assert rc == 1
    find(diags, "SG003", pack / "scenario.yaml", 0)


def test_glossary_linked_outside_is_not_read(tmp_path: Path) -> None:
    pack = make_pack(tmp_path)
    outside = make_outside(tmp_path)
    (pack / "glossary.yaml").symlink_to(outside / "evil.yaml")
    rc, diags, _ = check(pack)
    assert rc == 1
    find(diags, "SG003", pack / "glossary.yaml", 0)


def test_folder_link_outside_is_not_walked(tmp_path: Path) -> None:
    pack = make_pack(tmp_path)
    outside = make_outside(tmp_path)
    (pack / "scenes" / "more").symlink_to(outside, target_is_directory=True)
    rc, diags, _ = check(pack)
    assert rc == 1
    find(diags, "SG003", pack / "scenes" / "more", 0)
    nothing_outside(diags, outside)
    assert not any("/scenes/more/" in d["file"] for d in diags), diags


def test_scenes_folder_linked_outside_is_not_walked(tmp_path: Path) -> None:
    pack = make_pack(tmp_path)
    outside = make_outside(tmp_path)
    shutil.rmtree(pack / "scenes")
    (pack / "scenes").symlink_to(outside, target_is_directory=True)
    rc, diags, _ = check(pack)
    assert rc == 1
    find(diags, "SG003", pack / "scenes", 0)
    assert [d["code"] for d in diags if d["severity"] == "error"] == ["SG003"], diags


def test_link_loop_is_located(tmp_path: Path) -> None:
    pack = make_pack(tmp_path)
    a, b = pack / "scenes" / "a.yaml", pack / "scenes" / "b.yaml"
    a.symlink_to(b)
    b.symlink_to(a)
    rc, diags, _ = check(pack)
    assert rc == 1
    find(diags, "SG001", a, 0)
    find(diags, "SG001", b, 0)


def test_broken_link_is_located(tmp_path: Path) -> None:
    pack = make_pack(tmp_path)
    (pack / "scenes" / "gone.yaml").symlink_to(pack / "scenes" / "nothing-here.yaml")
    rc, diags, _ = check(pack)
    assert rc == 1
    find(diags, "SG001", pack / "scenes" / "gone.yaml", 0)


def test_pack_reached_through_a_link_loads(tmp_path: Path) -> None:
    pack = make_pack(tmp_path)
    link = tmp_path / "link-to-pack"
    link.symlink_to(pack, target_is_directory=True)
    rc, diags, _ = check(link)
    assert (rc, diags) == (0, [])


# --------------------------------------------------------------------- size and shape


def test_huge_file_is_refused_unread(tmp_path: Path) -> None:
    pack = make_pack(tmp_path)
    huge = pack / "scenes" / "huge.yaml"
    with open(huge, "wb") as fh:  # sparse: NUL bytes, an error if they were read
        fh.truncate(yamlread.MAX_FILE_BYTES + 1)
    rc, diags, _ = check(pack)
    assert rc == 1
    d = find(diags, "SG002", huge, 0)
    assert f"{yamlread.MAX_FILE_BYTES:,}" in d["message"]
    assert "SG005" not in {x["code"] for x in diags}


def test_huge_scenario_is_refused_unread(tmp_path: Path) -> None:
    pack = make_pack(tmp_path)
    with open(pack / "scenario.yaml", "ab") as fh:
        fh.write(b"# " + b"x" * (yamlread.MAX_FILE_BYTES) + b"\n")
    rc, diags, _ = check(pack)
    assert rc == 1
    find(diags, "SG002", pack / "scenario.yaml", 0)


def test_alias_bomb_is_stopped(tmp_path: Path) -> None:
    pack = make_pack(tmp_path)
    lines = ["a0: &a0 [" + ", ".join(['"lol"'] * 9) + "]"]
    for i in range(1, 10):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    lines.append("scenes: *a9")
    bomb = pack / "scenes" / "bomb.yaml"
    bomb.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert bomb.stat().st_size < 1000
    rc, diags, _ = check(pack)
    assert rc == 1
    d = find(diags, "SG010", bomb)
    assert 1 <= d["line"] <= 11
    assert f"{yamlread.MAX_NODES:,}" in d["message"]


def test_too_many_values_without_aliases(tmp_path: Path) -> None:
    pack = make_pack(tmp_path)
    big = pack / "scenes" / "big.yaml"
    big.write_text("scenes:\n" + "  - 1\n" * (yamlread.MAX_NODES + 10), encoding="utf-8")
    rc, diags, _ = check(pack)
    assert rc == 1
    find(diags, "SG010", big)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("scenes: " + "[" * 10_000 + "]" * 10_000 + "\n", id="flow-lists"),
        pytest.param("scenes: " + "{a: " * 10_000 + "1" + "}" * 10_000 + "\n", id="flow-maps"),
        pytest.param(
            "scenes:\n" + "".join(" " * (2 * i + 2) + "- \n" for i in range(200)),
            id="block-lists",
        ),
    ],
)
def test_deep_nesting_is_stopped(tmp_path: Path, text: str) -> None:
    pack = make_pack(tmp_path)
    deep = pack / "scenes" / "deep.yaml"
    deep.write_text(text, encoding="utf-8")
    rc, diags, _ = check(pack)
    assert rc == 1
    d = find(diags, "SG010", deep)
    assert d["line"] >= 1


def test_very_deep_nesting_does_not_crash(tmp_path: Path) -> None:
    pack = make_pack(tmp_path)
    deep = pack / "scenes" / "deep.yaml"
    deep.write_text("scenes: " + "[" * 100_000 + "]" * 100_000 + "\n", encoding="utf-8")
    rc, diags, _ = check(pack)
    assert rc == 1
    find(diags, "SG010", deep)


# --------------------------------------------------------------------- bytes


@pytest.mark.parametrize(
    ("data", "code", "line"),
    [
        pytest.param(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 64, "SG004", 1, id="png"),
        pytest.param(b"scenes:\n  - id: x\n  - \xff\xfe\n", "SG004", 3, id="bad-byte-line-3"),
        pytest.param("scenes: []\n".encode("utf-16"), "SG004", 1, id="utf-16"),
        pytest.param(b"\x7fELF\x02\x01\x01" + b"\x00" * 64, "SG005", 1, id="elf"),
        pytest.param(b"scenes:\n  - id: x\x00y\n", "SG005", 2, id="nul"),
    ],
)
def test_binary_files_are_located(tmp_path: Path, data: bytes, code: str, line: int) -> None:
    pack = make_pack(tmp_path)
    f = pack / "scenes" / "bin.yaml"
    f.write_bytes(data)
    rc, diags, _ = check(pack)
    assert rc == 1
    find(diags, code, f, line)


def test_huge_number_is_located(tmp_path: Path) -> None:
    pack = make_pack(tmp_path)
    us = pack / "scenes" / "us.yaml"
    us.write_text(
        us.read_text(encoding="utf-8").replace("{trust: -30}", "{trust: " + "9" * 5000 + "}"),
        encoding="utf-8",
    )
    rc, diags, _ = check(pack)
    assert rc == 1
    find(diags, "SG022", us, 39)


# --------------------------------------------------------------------- conditions


def _with_condition(tmp_path: Path, condition: str) -> tuple[Path, Path]:
    pack = make_pack(tmp_path)
    us = pack / "scenes" / "us.yaml"
    text = us.read_text(encoding="utf-8")
    us.write_text(text.replace("if: not us_refused", f"if: '{condition}'"), encoding="utf-8")
    return pack, us


def test_deeply_nested_condition_is_refused(tmp_path: Path) -> None:
    pack, us = _with_condition(tmp_path, "(" * 33 + "trust > 1" + ")" * 33)
    rc, diags, _ = check(pack)
    assert rc == 1
    d = find(diags, "SG040", us, 38)
    assert "32" in d["message"]


def test_deep_not_chain_is_refused(tmp_path: Path) -> None:
    pack, us = _with_condition(tmp_path, "not " * 40 + "us_refused")
    rc, diags, _ = check(pack)
    assert rc == 1
    find(diags, "SG040", us, 38)


def test_overlong_condition_is_refused(tmp_path: Path) -> None:
    pack, us = _with_condition(tmp_path, "(" * 10_000 + "trust > 1" + ")" * 10_000)
    rc, diags, _ = check(pack)
    assert rc == 1
    d = find(diags, "SG026", us, 38)
    assert "too long" in d["message"]


def test_python_in_a_condition_is_not_run(tmp_path: Path) -> None:
    flag = tmp_path / "ran"
    pack, us = _with_condition(tmp_path, f'__import__("os").mkdir("{flag}")')
    rc, diags, _ = check(pack)
    assert rc == 1
    find(diags, "SG040", us, 38)
    assert not flag.exists()
