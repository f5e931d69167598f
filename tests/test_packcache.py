"""The validated-pack cache: a hit is the same pack, anything wrong with the cache is a miss.

A cache hit rebuilds the pack without validation, so the proof that it is
the same pack is here: every play form prints the same, every compiled scene
compares equal, and the same games played on both end the same.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import random
import shutil
from pathlib import Path
from typing import Any

import pytest

from summit_game import engine, packcache
from summit_game.cli import _require
from summit_game.loader import load_pack
from summit_game.pack import Pack

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "content" / "korea-2017-2025"
PACKS = ROOT / "tests" / "packs"


def _fresh(root: Path) -> Pack:
    result = load_pack(root)
    assert result.pack is not None, [d.format() for d in result.diagnostics]
    return result.pack


def _cached(root: Path, cache: Path) -> Pack:
    """Fill the cache with a full load, then take the pack from it."""
    key = packcache.pack_key(root)
    packcache.load(root, cache)
    pack = packcache.load_cached(root, cache)
    assert pack is not None, f"the cache missed right after being filled: {_why(root, cache, key)}"
    return pack


def _why(root: Path, cache: Path, key: str | None) -> str:
    """Why ``load_cached`` missed (it says only None, by design): for a failure's message.

    A miss here was seen twice in full local runs and never reproduced, so a
    failure now says which of the cache's checks refused the file.
    """
    now = packcache.pack_key(root)
    files = sorted((cache / f"pack-v{packcache.LAYOUT}").glob("*")) if cache.exists() else []
    if key != now:
        return f"the pack's key changed during the test ({key} -> {now}); files: {files}"
    if not files:
        return "nothing was written to the cache"
    lines = _cache_file(cache).read_bytes().splitlines(keepends=True)
    header = json.loads(lines[0])
    if header.get("key") != now:
        return f"the stored key {header.get('key')} is not the pack's {now}"
    try:
        packcache._rebuild(root, iter(lines[1:]))
    except Exception as exc:  # what load_cached swallows
        return f"rebuilding failed: {exc!r}"
    digest = hashlib.sha256(b"".join(lines[1:])).hexdigest()
    return f"sha256 {digest} vs stored {header.get('sha256')}"


def _cache_file(cache: Path) -> Path:
    (path,) = (cache / f"pack-v{packcache.LAYOUT}").glob("*.json")
    return path


def _play(pack: Pack, seats: list[str], seed: int) -> engine.GameState:
    """A whole game with random choices (the same for the same seed)."""
    rnd = random.Random(seed)
    state = engine.new_game(pack, seats, seed=seed)
    for _ in range(500):
        if engine.is_over(pack, state):
            break
        offered = engine.available(pack, state)
        state, _ = engine.step(pack, state, rnd.choice(offered).id)
    return state


def canon(value: Any) -> Any:
    """``value`` with every type spelled out, for a comparison that tells 50 from 50.0
    and a date from its text, which == would not.

    Not repr: a set's repr follows its hash table, and two equal sets of
    strings whose hashes collide list them in the order they were added.  The
    cache rebuilds a set from the order it was listed in, so with Python's
    random string hashes an unlucky run saw {'a', 'b'} against {'b', 'a'}
    (the rare failure of earlier sessions).
    """
    # A dataclass with its own __repr__ (a compiled Condition shows its text) is
    # compared by that; others field by field, as their repr shows them.
    if dataclasses.is_dataclass(value) and type(value).__dataclass_params__.repr:  # type: ignore[attr-defined]
        fields = [f for f in dataclasses.fields(value) if f.repr]
        return (
            type(value).__name__,
            tuple((f.name, canon(getattr(value, f.name))) for f in fields),
        )
    if isinstance(value, dict):
        return ("dict", tuple((canon(k), canon(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, tuple(canon(v) for v in value))
    if isinstance(value, (set, frozenset)):
        return (type(value).__name__, tuple(sorted((canon(v) for v in value), key=repr)))
    return (type(value).__name__, repr(value))


def assert_same_pack(got: Pack, want: Pack) -> None:
    assert canon(got.scenario) == canon(want.scenario)
    assert got.scenario == want.scenario
    assert canon(got.glossary) == canon(want.glossary)
    assert list(got.scenes) == list(want.scenes)
    for sid, scene in want.scenes.items():
        mine = got.scenes[sid]
        assert canon(mine) == canon(scene), sid  # texts, history, ending, every choice
        assert mine == scene, sid  # compiled conditions, effects, next lists
    assert got.root == want.root
    assert got.digest == want.digest
    assert got.locations == want.locations
    assert got.warnings == want.warnings
    assert got.record.dates == want.record.dates
    for date in want.record.dates:
        assert got.record.at(date) == want.record.at(date)


def test_a_hit_is_the_shipped_pack_as_loaded(tmp_path: Path) -> None:
    want = _fresh(SHIPPED)
    got = _cached(SHIPPED, tmp_path)
    assert_same_pack(got, want)
    for seat in want.scenario.roles:
        for seed in range(5):
            assert _play(got, [seat], seed) == _play(want, [seat], seed)
    seats = list(want.scenario.roles)
    assert _play(got, seats, 7) == _play(want, seats, 7)


def test_a_hit_keeps_warnings_text_and_date_sources(tmp_path: Path) -> None:
    for root in (PACKS / "mini", PACKS / "broken" / "SG062-scene-dated-before-its-cause"):
        want = _fresh(root)
        got = _cached(root, tmp_path / root.name)
        assert_same_pack(got, want)
    assert got.warnings, "the SG062 pack should load with a warning"
    mini = _cached(PACKS / "mini", tmp_path / "mini")
    assert any(isinstance(s.date, str) for s in mini.scenario.sources.values())


def test_the_title_card_needs_no_pack(tmp_path: Path) -> None:
    assert packcache.read_card(SHIPPED, tmp_path) is None
    packcache.load(SHIPPED, tmp_path)
    card = packcache.read_card(SHIPPED, tmp_path)
    pack = _fresh(SHIPPED)
    assert card is not None
    assert (card.title, card.summary) == (pack.scenario.title, pack.scenario.summary)
    assert card.key == packcache.pack_key(SHIPPED)


def test_an_edited_pack_misses(tmp_path: Path) -> None:
    root = tmp_path / "pack"
    shutil.copytree(PACKS / "mini", root)
    cache = tmp_path / "cache"
    before = _cached(root, cache)
    scenario = root / "scenario.yaml"
    text = scenario.read_text(encoding="utf-8")
    scenario.write_text(text.replace(before.scenario.title, "An edited title"), "utf-8")
    assert packcache.read_card(root, cache) is None
    assert packcache.load_cached(root, cache) is None
    after = _require(root, cache)
    assert after.scenario.title == "An edited title"
    card = packcache.read_card(root, cache)
    assert card is not None and card.title == "An edited title"


@pytest.mark.parametrize(
    "change",
    ["file scenes/new.yaml", "rename scenario.yaml", "touch only", "new empty folder"],
)
def test_any_change_to_the_files_changes_the_key(tmp_path: Path, change: str) -> None:
    root = tmp_path / "pack"
    shutil.copytree(PACKS / "mini", root)
    key = packcache.pack_key(root)
    assert key is not None and packcache.pack_key(root) == key
    if change == "file scenes/new.yaml":
        (root / "scenes" / "new.yaml").write_text("scenes: []\n", encoding="utf-8")
    elif change == "rename scenario.yaml":
        (root / "scenario.yaml").rename(root / "scenario.yml")
    elif change == "touch only":
        (root / "scenario.yaml").touch()  # same bytes: same key
        assert packcache.pack_key(root) == key
        return
    else:
        (root / "drafts").mkdir()
    assert packcache.pack_key(root) != key


def _damage(path: Path, how: str) -> None:
    raw = path.read_bytes()
    head, _, body = raw.partition(b"\n")
    if how == "truncated":
        path.write_bytes(raw[: len(raw) // 2])
    elif how == "header only":
        path.write_bytes(head + b"\n")
    elif how == "flipped byte":
        i = len(head) + 1 + len(body) // 2
        path.write_bytes(raw[:i] + bytes([raw[i] ^ 0x01]) + raw[i + 1 :])
    elif how == "garbage":
        path.write_bytes(b"\x00\xff not json at all \n" * 50)
    elif how == "empty":
        path.write_bytes(b"")
    elif how == "foreign":
        obj = json.loads(head)
        obj["key"] = "0" * 64  # another pack's (or version's) file
        path.write_bytes(json.dumps(obj).encode() + b"\n" + body)
    elif how == "wrong shape":
        # Valid JSON with a matching checksum, but not what the layout promises.
        body = b'{"title": 1}\n[]\n{}\n'
        obj = json.loads(head)
        obj["sha256"] = hashlib.sha256(body).hexdigest()
        path.write_bytes(json.dumps(obj).encode() + b"\n" + body)
    elif how == "a folder":
        path.unlink()
        path.mkdir()
    else:
        raise AssertionError(how)


@pytest.mark.parametrize(
    "how",
    [
        "truncated",
        "header only",
        "flipped byte",
        "garbage",
        "empty",
        "foreign",
        "wrong shape",
        "a folder",
    ],
)
def test_a_damaged_cache_is_ignored(tmp_path: Path, how: str) -> None:
    want = _fresh(PACKS / "mini")
    _cached(PACKS / "mini", tmp_path)
    _damage(_cache_file(tmp_path), how)
    assert packcache.load_cached(PACKS / "mini", tmp_path) is None
    if how in ("garbage", "empty", "foreign", "a folder"):
        assert packcache.read_card(PACKS / "mini", tmp_path) is None
    got = _require(PACKS / "mini", tmp_path)  # falls back to a full load
    assert_same_pack(got, want)


def test_a_broken_pack_is_never_cached(tmp_path: Path) -> None:
    root = PACKS / "broken" / "SG031-unknown-scene"
    result = packcache.load(root, tmp_path)
    assert result.pack is None
    assert packcache.read_card(root, tmp_path) is None
    assert not (tmp_path / f"pack-v{packcache.LAYOUT}").exists()


def test_writing_leaves_no_temporary_files(tmp_path: Path) -> None:
    _cached(PACKS / "mini", tmp_path)
    packcache.load(PACKS / "mini", tmp_path)  # overwrite in place
    names = [p.name for p in (tmp_path / f"pack-v{packcache.LAYOUT}").iterdir()]
    assert len(names) == 1 and names[0].endswith(".json") and not names[0].startswith(".")


def test_an_unwritable_cache_is_no_error(tmp_path: Path) -> None:
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the cache folder should be", encoding="utf-8")
    result = packcache.load(PACKS / "mini", blocker)
    assert result.pack is not None
    assert packcache.load_cached(PACKS / "mini", blocker) is None


def test_the_cache_file_is_plain_json(tmp_path: Path) -> None:
    """docs/security.md: JSON only, never pickle, so a cache file cannot run code."""
    _cached(PACKS / "mini", tmp_path)
    for line in _cache_file(tmp_path).read_bytes().splitlines():
        json.loads(line)
