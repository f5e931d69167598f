"""Saves: round trips, refusals that leave the file untouched, names, crash safety."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from summit_game import engine
from summit_game.errors import SaveError
from summit_game.pack import Pack
from summit_game.saves import (
    SAVE_VERSION,
    clean_temporary,
    list_saves,
    load_save,
    read_save,
    save_path,
    write_save,
)


def played(pack: Pack) -> engine.GameState:
    s = engine.new_game(pack, ["us"], names={"us": "Ada"})
    s, _ = engine.step(pack, s, "accept")
    return engine.record_journal(s, "to talk")


def test_round_trip_restores_the_whole_state(mini: Pack, tmp_path: Path) -> None:
    s = played(mini)
    path = write_save(tmp_path, "lesson one", mini, s, "label")
    assert path == tmp_path / "lesson one.json"
    assert load_save(path, mini) == s
    assert json.loads(path.read_text())["version"] == SAVE_VERSION


def test_overwrite_replaces_and_leaves_no_temporary_files(mini: Pack, tmp_path: Path) -> None:
    s = played(mini)
    write_save(tmp_path, "a", mini, engine.new_game(mini, ["us"]))
    write_save(tmp_path, "a", mini, s)
    assert load_save(tmp_path / "a.json", mini) == s
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.json"]


@pytest.mark.parametrize(
    "name", ["../evil", "/etc/passwd", "a/b", "", ".hidden", "x" * 80, "con\x00", "..", "a\nb"]
)
def test_names_cannot_escape_the_saves_folder(tmp_path: Path, name: str) -> None:
    with pytest.raises(SaveError):
        save_path(tmp_path, name)


def _refused_untouched(path: Path, pack: Pack, match: str) -> None:
    before = path.read_bytes()
    with pytest.raises(SaveError, match=match or None) as info:
        load_save(path, pack)
    assert str(path) in str(info.value), "the reason names the file"
    assert "\n" not in str(info.value), "the reason is one line"
    assert path.read_bytes() == before, "a refused save is left byte-for-byte as it was"


def test_too_new_save_is_refused(mini: Pack, tmp_path: Path) -> None:
    path = write_save(tmp_path, "n", mini, played(mini))
    obj = json.loads(path.read_text())
    obj["version"] = SAVE_VERSION + 1
    path.write_text(json.dumps(obj))
    _refused_untouched(path, mini, "newer Summit")


def test_save_for_another_pack_is_refused(mini: Pack, tmp_path: Path) -> None:
    path = write_save(tmp_path, "n", mini, played(mini))
    obj = json.loads(path.read_text())
    obj["pack_id"] = "other-pack"
    path.write_text(json.dumps(obj))
    _refused_untouched(path, mini, "for pack 'other-pack'")


def test_save_whose_scene_is_gone_is_explained(mini: Pack, tmp_path: Path) -> None:
    path = write_save(tmp_path, "n", mini, played(mini))
    obj = json.loads(path.read_text())
    obj["pack_digest"] = "edited"
    obj["state"]["positions"]["us"] = "us-deleted-scene"
    path.write_text(json.dumps(obj))
    _refused_untouched(path, mini, "no longer has")


def test_edited_pack_replays_the_decisions(mini: Pack, tmp_path: Path) -> None:
    s = played(mini)
    path = write_save(tmp_path, "n", mini, s)
    obj = json.loads(path.read_text())
    obj["pack_digest"] = "an older version"
    path.write_text(json.dumps(obj))
    assert load_save(path, mini) == s


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"{",
        b"\xff\xfe",
        b"[]",
        b'{"kind": "other"}',
        b'{"kind": "summit-save", "version": "1"}',
        b'{"kind": "summit-save", "version": 1, "state": 3}',
        b"[" * 100000,
    ],
    ids=lambda c: f"{len(c)}-bytes",
)
def test_garbage_is_refused_cleanly(mini: Pack, tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    _refused_untouched(path, mini, "")


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    cut=st.integers(min_value=0, max_value=10**6), flip=st.integers(min_value=0, max_value=10**6)
)
def test_any_truncation_or_flipped_byte_is_refused_or_loads_intact(
    mini: Pack, tmp_path: Path, cut: int, flip: int
) -> None:
    s = played(mini)
    good = write_save(tmp_path, "good", mini, s).read_bytes()
    bad = tmp_path / "bad.json"
    truncated = good[: cut % len(good)]
    bad.write_bytes(truncated)
    _refused_untouched(bad, mini, "")
    flipped = bytearray(good)
    flipped[flip % len(good)] ^= 0x5A
    bad.write_bytes(bytes(flipped))
    try:
        loaded = load_save(bad, mini)
    except SaveError:
        assert bad.read_bytes() == bytes(flipped)
    else:
        # A flip inside free text (a label, a journal answer) can still be valid JSON.
        assert loaded.positions == s.positions


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(journal=st.text(max_size=300), name=st.text(max_size=40))
def test_round_trip_keeps_any_text(mini: Pack, tmp_path: Path, journal: str, name: str) -> None:
    s = engine.new_game(mini, ["us"], names={"us": name})
    s, _ = engine.step(mini, s, "accept", journal)
    path = write_save(tmp_path, "t", mini, s)
    assert load_save(path, mini) == s


def test_list_saves_shows_broken_ones_with_reasons(mini: Pack, tmp_path: Path) -> None:
    write_save(tmp_path, "good", mini, played(mini), "2018-06-12 us: The summit")
    (tmp_path / "broken.json").write_text("{")
    infos = {i.name: i for i in list_saves(tmp_path)}
    assert infos["good"].error is None and infos["good"].label.endswith("The summit")
    assert infos["broken"].error is not None and "damaged" in infos["broken"].error


def test_leftover_temporary_files_are_ignored_and_cleaned(mini: Pack, tmp_path: Path) -> None:
    write_save(tmp_path, "good", mini, played(mini))
    tmp = tmp_path / ".good.json.tmp-deadbeef"
    tmp.write_text("half a save")
    old = time.time() - 3600
    os.utime(tmp, (old, old))
    assert [i.name for i in list_saves(tmp_path)] == ["good"]
    assert not tmp.exists()
    assert clean_temporary(tmp_path) == 0


def test_unwritable_places_give_a_message_and_keep_earlier_saves(
    mini: Pack, tmp_path: Path
) -> None:
    s = played(mini)
    write_save(tmp_path, "keep", mini, s)
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(SaveError, match="saves folder"):
        write_save(blocker, "x", mini, s)
    if os.geteuid() != 0:  # root ignores permissions
        ro = tmp_path / "ro"
        ro.mkdir()
        ro.chmod(0o500)
        with pytest.raises(SaveError, match="could not save"):
            write_save(ro, "x", mini, s)
    assert load_save(tmp_path / "keep.json", mini) == s


_WRITER = """
import dataclasses
import sys
from pathlib import Path
from summit_game import engine
from summit_game.loader import load_pack
from summit_game.saves import write_save
pack = load_pack(Path(sys.argv[1])).pack
folder = Path(sys.argv[2])
s = engine.new_game(pack, ["us"])
i = 0
print("ready", flush=True)
while True:
    i += 1
    s = dataclasses.replace(s, seed=i, names={"us": "x" * (i % 5000)})
    write_save(folder, "run", pack, s)
"""


@pytest.mark.parametrize("kills", [12])
def test_kill_minus_nine_during_saves_never_breaks_the_last_save(
    mini: Pack, tmp_path: Path, kills: int
) -> None:
    """A process killed at random moments while saving leaves a loadable save."""
    import random

    rng = random.Random(7)
    pack_dir = Path(__file__).parent / "packs" / "mini"
    seeds = []
    for _ in range(kills):
        proc = subprocess.Popen(
            [sys.executable, "-c", _WRITER, str(pack_dir), str(tmp_path)], stdout=subprocess.PIPE
        )
        assert proc.stdout is not None
        proc.stdout.readline()
        time.sleep(rng.uniform(0.01, 0.15))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        save = read_save(tmp_path / "run.json")
        seeds.append(save.state.seed)
        assert load_save(tmp_path / "run.json", mini).seats == ("us",)
    assert len(seeds) == kills


def test_autosaves_are_named_after_their_players() -> None:
    from summit_game.saves import autosave_name

    assert autosave_name({}) == "autosave"
    assert autosave_name({"us": "Ada Lovelace"}) == "Ada-Lovelace-autosave"
    assert autosave_name({"us": "Ada", "dprk": "Bo"}) == "Ada-Bo-autosave"
    assert autosave_name({"us": "../../etc"}) == "etc-autosave"
