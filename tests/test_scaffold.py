"""`summit-game new pack` and `new scene`: valid, commented files; the teacher's text kept."""

from __future__ import annotations

import io
import json
import shutil
import sys
from pathlib import Path

import pytest

from summit_game.cli import main
from summit_game.loader import load_pack
from summit_game.scaffold import SCHEMA_FILE, new_scene
from summit_game.schema import schema_text

ROOT = Path(__file__).resolve().parents[1]
MINI = ROOT / "tests" / "packs" / "mini"
SHIPPED = ROOT / "content" / "korea-2017-2025"


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SUMMIT_SAVES", str(tmp_path / "saves"))
    return tmp_path


def play(pack: str, role: str, typed: str, capsys: pytest.CaptureFixture[str]) -> str:
    old = sys.stdin
    sys.stdin = io.StringIO(typed)
    try:
        assert main(["play", "--content", pack, "--plain", "--role", role]) == 0
    finally:
        sys.stdin = old
    return capsys.readouterr().out


def check_json(pack: str, capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    capsys.readouterr()
    main(["check", pack, "--strict", "--format", "json"])
    data: dict[str, object] = json.loads(capsys.readouterr().out)
    return data


# --------------------------------------------------------------------------- new pack


def test_a_new_pack_passes_check_strictly_and_plays_every_seat(
    here: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["new", "pack", "cuba-1962"]) == 0
    out = capsys.readouterr().out
    assert "wrote content/cuba-1962/scenario.yaml" in out
    assert "summit-game check content/cuba-1962" in out
    assert check_json("content/cuba-1962", capsys) == {"ok": True, "diagnostics": []}
    assert "== The end for" in play("content/cuba-1962", "us", "2\nwhy\n", capsys)
    assert "== The end for" in play("content/cuba-1962", "dprk", "1\n", capsys)
    assert main(["explore", "content/cuba-1962", "--runs", "50", "--exhaustive"]) == 0


def test_every_new_file_starts_with_the_modeline_and_the_schema_is_current(here: Path) -> None:
    assert main(["new", "pack", "my-class"]) == 0
    root = here / "content" / "my-class"
    assert (root / SCHEMA_FILE).read_text() == schema_text()
    files = [root / "scenario.yaml", root / "glossary.yaml", *(root / "scenes").glob("*.yaml")]
    assert len(files) == 4
    for f in files:
        first = f.read_text().splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema=")
        target = (f.parent / first.split("$schema=", 1)[1]).resolve()
        assert target == (root / SCHEMA_FILE).resolve(), f


def test_the_new_pack_explains_its_keys_in_comments(here: Path) -> None:
    assert main(["new", "pack", "my-class", "--dir", "packs"]) == 0
    text = (here / "packs" / "my-class" / "scenes" / "us.yaml").read_text()
    comments = sum(1 for line in text.splitlines() if line.strip().startswith("#"))
    assert comments >= 20
    for word in ("effects", "historical", "next", "ending", "counterfactual", "Flags"):
        assert word in text


def test_new_pack_refuses_an_existing_folder_and_a_bad_name(
    here: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (here / "content" / "taken").mkdir(parents=True)
    assert main(["new", "pack", "taken"]) == 1
    assert "already exists" in capsys.readouterr().err
    assert list((here / "content" / "taken").iterdir()) == []
    assert main(["new", "pack", "My Pack"]) == 2
    assert "cannot be a pack name" in capsys.readouterr().err
    assert main(["new"]) == 2
    assert main(["new", "pack"]) == 2


# --------------------------------------------------------------------------- new scene


@pytest.fixture
def pack(here: Path) -> Path:
    assert main(["new", "pack", "my-class"]) == 0
    return here / "content" / "my-class"


def test_a_new_scene_is_linked_checked_and_playable(
    pack: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = (pack / "scenes" / "us.yaml").read_text()
    capsys.readouterr()
    args = ["new", "scene", "--pack", "content/my-class", "--role", "us", "--after", "us-start"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "wrote content/my-class/scenes/us-start-new.yaml" in out
    assert "edited content/my-class/scenes/us.yaml" in out
    after = (pack / "scenes" / "us.yaml").read_text()
    # Only added lines: every original line is still there, in order.
    old, new = before.splitlines(), after.splitlines()
    assert len(new) == len(old) + 4
    it = iter(new)
    assert all(line in it for line in old)
    assert "      - id: go-us-start-new\n        text:" in after
    assert check_json("content/my-class", capsys) == {"ok": True, "diagnostics": []}
    text = play("content/my-class", "us", "3\nwhy\n1\n", capsys)
    assert "== A new scene ==" in text and "== The end for" in text


def test_new_scene_ids_are_made_unique_and_can_be_chosen(
    pack: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = ["new", "scene", "--pack", "content/my-class", "--role", "dprk"]
    assert main([*base, "--after", "dprk-start"]) == 0
    assert main([*base, "--after", "dprk-start"]) == 0
    assert main([*base, "--after", "dprk-start-new", "--id", "dprk-third"]) == 0
    result = load_pack(pack)
    assert result.pack is not None, [d.format() for d in result.diagnostics]
    assert {"dprk-start-new", "dprk-start-new-2", "dprk-third"} <= set(result.pack.scenes)
    start = result.pack.scenes["dprk-start"]
    assert [c.id for c in start.choices][-2:] == ["go-dprk-start-new", "go-dprk-start-new-2"]
    # The third scene sits in its own file beside the one it follows.
    assert (pack / "scenes" / "dprk-third.yaml").exists()
    assert result.pack.scenes["dprk-start-new"].choices[-1].next[0][1] == "dprk-third"


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--pack", "content/nothing", "--role", "us", "--after", "us-start"], 1, "no pack here"),
        (["--role", "usa", "--after", "us-start"], 2, "unknown role 'usa'"),
        (["--role", "us", "--after", "us-strat"], 2, "did you mean 'us-start'"),
        (["--role", "dprk", "--after", "us-start"], 2, "use --role us"),
        (["--role", "us", "--after", "us-end-talks"], 2, "is an ending"),
        (["--role", "us", "--after", "us-start", "--id", "us-end-talks"], 2, "already exists"),
        (["--role", "us", "--after", "us-start", "--id", "Bad Id"], 2, "cannot be a scene id"),
        (["--role", "us"], 2, "--after"),
    ],
)
def test_new_scene_errors_are_clear_and_change_nothing(
    pack: Path,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    code: int,
    message: str,
) -> None:
    before = {p: p.read_bytes() for p in pack.rglob("*") if p.is_file()}
    full = ["new", "scene", *([] if "--pack" in args else ["--pack", "content/my-class"]), *args]
    capsys.readouterr()
    assert main(full) == code
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert {p: p.read_bytes() for p in pack.rglob("*") if p.is_file()} == before


def test_new_scene_never_overwrites_a_file(pack: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = pack / "scenes" / "us-secret.yaml"
    target.write_text("scenes: []\n")  # a file that is there but is not a scene yet
    before = (pack / "scenes" / "us.yaml").read_text()
    capsys.readouterr()
    args = ["new", "scene", "--pack", "content/my-class", "--role", "us", "--after", "us-start"]
    assert main([*args, "--id", "us-secret"]) == 1
    assert "already exists" in capsys.readouterr().err
    assert target.read_text() == "scenes: []\n"
    assert (pack / "scenes" / "us.yaml").read_text() == before


def test_new_scene_refuses_a_broken_pack_with_its_diagnostics(
    here: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = here / "broken"
    shutil.copytree(MINI, broken)
    path = broken / "scenes" / "us.yaml"
    path.write_text(path.read_text().replace("next: us-two", "next: us-too", 1))
    capsys.readouterr()
    assert main(["new", "scene", "--pack", "broken", "--role", "us", "--after", "us-one"]) == 1
    err = capsys.readouterr().err
    assert "SG031 unknown scene 'us-too'" in err
    assert not (broken / "scenes" / "us-one-new.yaml").exists()


def test_windows_line_endings_and_flush_left_lists_are_kept(here: Path) -> None:
    root = here / "p"
    shutil.copytree(MINI, root)
    path = root / "scenes" / "us.yaml"
    # The same scenes with lists flush with their key, comments, CRLF line ends.
    text = path.read_text()
    text = text.replace("    choices:\n      - id: accept", "    choices:\n    - id: accept")
    lines = text.split("\n")
    out = []
    inside = False
    for line in lines:
        if line == "    choices:" and not inside:
            inside = True
        elif inside and line.startswith("  - id:"):
            inside = False
        if inside and line.startswith("      "):
            line = line[2:]
        out.append(line)
    text = "# The US seat.\r\n" + "\r\n".join(out)
    path.write_bytes(text.encode())
    assert load_pack(root).pack is not None
    done = new_scene(root, "us", "us-one")
    assert done.manual is None
    data = path.read_bytes()
    assert data.startswith(b"# The US seat.\r\n")
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert b"\r\n    - id: go-us-one-new\r\n      text:" in data
    assert load_pack(root).pack is not None


def test_a_layout_too_unusual_to_edit_gets_the_lines_to_add(
    here: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = here / "p"
    shutil.copytree(MINI, root)
    path = root / "scenes" / "dprk.yaml"
    text = path.read_text()
    start = text.index("    choices:")
    end = text.index("  - id: dprk-end")
    flow = (
        "    choices: [{id: offer, text: Offer talks, historical: true, "
        "effects: {trust: 5}, next: dprk-end}, {id: test, text: Test a missile, "
        "effects: {tension: 15}, next: dprk-end}]\n"
    )
    path.write_text(text[:start] + flow + text[end:])
    before = path.read_text()
    assert load_pack(root).pack is not None
    capsys.readouterr()
    assert main(["new", "scene", "--pack", str(root), "--role", "dprk", "--after", "dprk-one"]) == 1
    captured = capsys.readouterr()
    assert "Could not add the link" in captured.err
    assert "- id: go-dprk-one-new" in captured.err and "next: dprk-one-new" in captured.err
    assert path.read_text() == before
    assert (root / "scenes" / "dprk-one-new.yaml").exists()


def test_the_modeline_reuses_the_files_own_schema_path(tmp_path: Path) -> None:
    root = tmp_path / "p"
    shutil.copytree(MINI, root)
    path = root / "scenes" / "us.yaml"
    path.write_text("# yaml-language-server: $schema=../../schema.json\n" + path.read_text())
    new_scene(root, "us", "us-two", "us-extra")
    first = (root / "scenes" / "us-extra.yaml").read_text().splitlines()[0]
    assert first == "# yaml-language-server: $schema=../../schema.json"
    assert not (root / SCHEMA_FILE).exists()
    # Without one, the pack gets its own copy of the schema.
    new_scene(root, "dprk", "dprk-one", "dprk-extra")
    first = (root / "scenes" / "dprk-extra.yaml").read_text().splitlines()[0]
    assert first == f"# yaml-language-server: $schema=../{SCHEMA_FILE}"
    assert (root / SCHEMA_FILE).read_text() == schema_text()


def test_new_scenes_in_a_copy_of_the_shipped_pack(tmp_path: Path) -> None:
    if load_pack(SHIPPED).pack is None:
        pytest.skip("the shipped pack does not load yet")
    root = tmp_path / "shipped"
    shutil.copytree(SHIPPED, root)
    pack = load_pack(root).pack
    assert pack is not None
    seen_roles: set[str] = set()
    picked = []
    for sid, scene in pack.scenes.items():
        if not scene.is_ending and scene.role not in seen_roles:
            seen_roles.add(scene.role)
            picked.append((sid, scene.role))
    originals = {p: p.read_text() for p in (root / "scenes").rglob("*.yaml")}
    for sid, role in picked:
        assert new_scene(root, role, sid).manual is None
    result = load_pack(root)
    assert result.pack is not None, [d.format() for d in result.errors]
    for p, text in originals.items():
        now = p.read_text().splitlines()
        it = iter(now)
        assert all(line in it for line in text.splitlines()), p
