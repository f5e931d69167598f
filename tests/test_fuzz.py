"""Fuzzing: mutated pack YAML, condition text and save files never crash Summit.

Every case must end in a pack or in located diagnostics (for YAML), a
condition or a :class:`ConditionError` (for conditions), a state or a
one-line :class:`SaveError` that leaves the file as it was (for saves), and
must finish within :data:`CASE_LIMIT` seconds, enforced by an alarm so that a
hang fails the case instead of the run.

The default tier keeps example counts small so ``make test`` stays fast; the
``slow`` tier (``make test-slow``) runs thousands.  To see how many cases each
kind of mutation got, add ``--hypothesis-show-statistics``.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import random
import re
import shutil
import signal
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from summit_game import engine
from summit_game.conditions import MAX_LENGTH, Condition, Names, compile_condition
from summit_game.diagnostics import CODES
from summit_game.errors import ConditionError, SaveError
from summit_game.graph import to_dot, to_mermaid
from summit_game.loader import LoadResult, load_pack
from summit_game.pack import Pack
from summit_game.saves import load_save, read_save, write_save
from summit_game.yamlread import parse_text, read_file

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "content" / "korea-2017-2025"
MINI = ROOT / "tests" / "packs" / "mini"
#: Seconds one case may take: a hang guard, not a benchmark (cases take well under one).
CASE_LIMIT = 20.0

PACK_FILES = sorted(p.relative_to(SHIPPED).as_posix() for p in SHIPPED.rglob("*.yaml"))
ORIGINAL = {rel: (SHIPPED / rel).read_bytes() for rel in PACK_FILES}


#: Cases tried, by test and kind of mutation; printed after the module (`-s` shows it).
TALLY: Counter[str] = Counter()


@pytest.fixture(scope="module", autouse=True)
def _print_tally() -> Iterator[None]:
    yield
    for key, n in sorted(TALLY.items()):
        print(f"fuzz tally: {key}: {n}")


class Hang(BaseException):
    """A case ran past its time bound (BaseException: no `except Exception` hides it)."""


@contextlib.contextmanager
def bounded(seconds: float = CASE_LIMIT) -> Iterator[None]:
    """Fail with :class:`Hang` if the block runs longer than ``seconds``."""

    def ring(signum: int, frame: FrameType | None) -> None:
        raise Hang(f"the case ran for more than {seconds} s")

    old = signal.signal(signal.SIGALRM, ring)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


# ====================================================================== pack YAML

KINDS = (
    "delete-lines",
    "indentation",
    "random-bytes",
    "truncate",
    "change-type",
    "rename-id",
    "swap-lines",
    "duplicate-lines",
)
_KEY_LINE = re.compile(rb"^(\s*(?:- )?[A-Za-z_]+):")
_ID_USE = re.compile(r"\b(?:id|next|goto|start|role|by):\s*([a-z][a-z0-9_-]*)")
ODD_VALUES = [
    b"[]",
    b"{}",
    b"123",
    b"-7.5",
    b"1e999",
    b"yes",
    b"no",
    b"null",
    b"~",
    b"",
    b"2019-02-29",
    b"2018-06-12",
    b"-",
    b"|",
    b">",
    b'""',
    b"'unterminated",
    b"[1, [2, [3]]]",
    b"{a: 1}",
    b"9" * 5000,
    b".nan",
    b"-.inf",
    b"0x1F",
    b'!!python/object/apply:os.system ["true"]',
    b"!!binary aGk=",
    b"!!int",
    b"!!bool maybe",
    b"!!float x",
    b"!!timestamp 2019-02-30",
    b"!!set {a, b}",
    b"!custom thing",
    b"&anchor value",
    b"*nowhere",
    b"<<: *x",
    b'"\\e[2J"',
    b'"\\x00"',
    b"[",
    b"}",
]


def _id_renames(old: str) -> list[str]:
    return [f"renamed-{old}", old[:-1] or "x", f"{old}-2", "Bad Id", "x" * 100, "", "9" + old]


@st.composite
def mutation(draw: st.DrawFn) -> tuple[str, str, bytes]:
    """(file, kind, new bytes): one mutation of one file of the shipped pack."""
    rel = draw(st.sampled_from(PACK_FILES))
    data = ORIGINAL[rel]
    kind = draw(st.sampled_from(KINDS))
    lines = data.split(b"\n")
    n = len(lines)
    keyed = [i for i, line in enumerate(lines) if _KEY_LINE.match(line)]
    ids = sorted(set(_ID_USE.findall(data.decode("utf-8"))))
    if (kind == "change-type" and not keyed) or (kind == "rename-id" and not ids):
        kind = "truncate"
    if kind == "delete-lines":
        start, count = draw(st.integers(0, n - 1)), draw(st.integers(1, 6))
        del lines[start : start + count]
    elif kind == "indentation":
        for _ in range(draw(st.integers(1, 3))):
            i, j = draw(st.integers(0, n - 1)), draw(st.integers(0, n - 1))
            a, b = lines[i].lstrip(b" "), lines[j].lstrip(b" ")
            if draw(st.booleans()):  # swap the indentation of two lines
                ia, ib = len(lines[i]) - len(a), len(lines[j]) - len(b)
                lines[i], lines[j] = b" " * ib + a, b" " * ia + b
            else:  # shift one line
                shift = draw(st.sampled_from([-4, -2, -1, 1, 2, 4]))
                lines[i] = b" " * max(0, len(lines[i]) - len(a) + shift) + a
    elif kind == "random-bytes":
        buf = bytearray(data)
        for _ in range(draw(st.integers(1, 8))):
            pos = draw(st.integers(0, len(buf)))
            junk = draw(st.binary(min_size=1, max_size=4))
            buf[pos : pos + (len(junk) if draw(st.booleans()) else 0)] = junk
        return rel, kind, bytes(buf)
    elif kind == "truncate":
        return rel, kind, data[: draw(st.integers(0, len(data)))]
    elif kind == "change-type":
        i = draw(st.sampled_from(keyed))
        match = _KEY_LINE.match(lines[i])
        assert match is not None
        lines[i] = match.group(1) + b": " + draw(st.sampled_from(ODD_VALUES))
        if draw(st.booleans()):  # the old value's block goes too, so the new type is read
            column = len(match.group(1)) - len(match.group(1).lstrip(b" -"))
            end = i + 1
            while end < n and (
                not lines[end].strip() or len(lines[end]) - len(lines[end].lstrip()) > column
            ):
                end += 1
            del lines[i + 1 : end]
    elif kind == "rename-id":
        text = data.decode("utf-8")
        old = draw(st.sampled_from(ids))
        new = draw(st.sampled_from(_id_renames(old)))
        count = 0 if draw(st.booleans()) else 1
        text = re.sub(rf"(?<![\w-]){re.escape(old)}(?![\w-])", new, text, count=count)
        return rel, kind, text.encode("utf-8")
    elif kind == "swap-lines":
        i, j = draw(st.integers(0, n - 1)), draw(st.integers(0, n - 1))
        lines[i], lines[j] = lines[j], lines[i]
    else:  # duplicate-lines
        i, count = draw(st.integers(0, n - 1)), draw(st.integers(1, 10))
        lines[i:i] = lines[i : i + count]
    return rel, kind, b"\n".join(lines)


class PackCopy:
    """A scratch copy of the shipped pack whose files are mutated, then restored."""

    def __init__(self, root: Path, cache: Path) -> None:
        self.root = root
        self.cache = cache
        self.cases = 0

    @contextlib.contextmanager
    def mutated(self, changes: dict[str, bytes]) -> Iterator[Path]:
        try:
            for rel, data in changes.items():
                (self.root / rel).write_bytes(data)
            yield self.root
        finally:
            for rel in changes:
                (self.root / rel).write_bytes(ORIGINAL[rel])


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> PackCopy:
    base = tmp_path_factory.mktemp("fuzz")
    root = base / "korea-2017-2025"
    shutil.copytree(SHIPPED, root)
    cache = base / "cache"
    assert load_pack(root, cache).pack is not None  # warms the cache of unchanged files
    return PackCopy(root, cache)


def _lines_in(file: str) -> int | None:
    try:
        return Path(file).read_bytes().count(b"\n") + 1
    except OSError:
        return None


def random_walks(pack: Pack, steps: int = 60) -> None:
    """Play each seat a little with random choices: a loaded pack must be playable."""
    rng = random.Random(0)
    for seat in pack.scenario.roles:
        state = engine.new_game(pack, [seat])
        for _ in range(steps):
            offered = engine.available(pack, state)
            if engine.is_over(pack, state) or not offered:
                break
            state, _ = engine.step(pack, state, rng.choice(offered).id, "answer")
        engine.divergence(pack, state)


def assert_sound(result: LoadResult, root: Path) -> None:
    """A pack or located diagnostics; never both an error and a pack."""
    assert isinstance(result, LoadResult)
    assert (result.pack is None) == bool(result.errors), [d.format() for d in result.errors]
    for d in result.diagnostics:
        assert d.code in CODES and d.severity == CODES[d.code][0], d
        assert d.file == str(root) or d.file.startswith(f"{root}{os.sep}"), d
        assert d.line >= 0, d
        lines = _lines_in(d.file) if d.line else None
        if lines is not None:
            assert d.line <= lines + 1, (d, lines)
        shown = d.format()
        assert "\n" not in shown and d.message, d
    if result.partial is not None:
        to_mermaid(result.partial)
        to_dot(result.partial)
    if result.pack is not None:
        random_walks(result.pack)


def _load_mutated(scratch: PackCopy, muts: list[tuple[str, str, bytes]]) -> None:
    changes: dict[str, bytes] = {}
    for rel, kind, data in muts:
        event(f"mutation: {kind}")
        TALLY[f"pack load, {kind}"] += 1
        changes[rel] = data
    TALLY["pack load, cases"] += 1
    with scratch.mutated(changes) as root, bounded():
        started = time.monotonic()
        result = load_pack(root, scratch.cache)
        assert_sound(result, root)
        event("outcome: pack" if result.pack is not None else "outcome: diagnostics")
        assert time.monotonic() - started < CASE_LIMIT


_FUZZ = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
)


@settings(_FUZZ, max_examples=30)
@given(st.lists(mutation(), min_size=1, max_size=3))
def test_mutated_pack_gives_a_pack_or_located_diagnostics(
    scratch: PackCopy, muts: list[tuple[str, str, bytes]]
) -> None:
    _load_mutated(scratch, muts)


@pytest.mark.slow
@settings(_FUZZ, max_examples=1500)
@given(st.lists(mutation(), min_size=1, max_size=3))
def test_mutated_pack_gives_a_pack_or_located_diagnostics_many(
    scratch: PackCopy, muts: list[tuple[str, str, bytes]]
) -> None:
    _load_mutated(scratch, muts)


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A scratch folder shared by the examples of a property (each overwrites its file)."""
    return tmp_path_factory.mktemp("work").resolve()


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and a == b


def assert_same_as_safe_load(text: str, data: Any) -> None:
    """Where our reader finds nothing wrong, it reads what PyYAML's safe loader reads.

    (libyaml's, when installed, as yamlread uses it: the two parsers differ on a
    few corner cases such as ``|#``.)
    """
    try:
        expected = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.composer.ComposerError as exc:
        if "duplicate anchor" in str(exc):
            return  # we let a later anchor of the same name win; PyYAML refuses
        raise
    assert _same(data, expected) or _same(data, _keys_as_text(expected)), (text[:200], data)


def _keys_as_text(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _keys_as_text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_keys_as_text(v) for v in value]
    return value


def _parse_mutated(rel: str, kind: str, data: bytes, tmp: Path) -> None:
    event(f"mutation: {kind}")
    TALLY[f"file parse, {kind}"] += 1
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("utf-8", "replace")
    with bounded():
        doc = parse_text(text, rel)
        for d in doc.diagnostics:
            assert d.file == rel and 1 <= d.line <= text.count("\n") + 2, d
        if not doc.diagnostics:
            assert_same_as_safe_load(text, doc.data)
        path = tmp / "f.yaml"
        path.write_bytes(data)
        doc = read_file(path, rel, tmp)
        assert all(d.file == rel for d in doc.diagnostics)


@settings(_FUZZ, max_examples=150)
@given(mutation())
def test_mutated_files_parse_or_give_located_diagnostics(
    work: Path, mut: tuple[str, str, bytes]
) -> None:
    _parse_mutated(*mut, work)


@pytest.mark.slow
@settings(_FUZZ, max_examples=8000)
@given(mutation())
def test_mutated_files_parse_or_give_located_diagnostics_many(
    work: Path, mut: tuple[str, str, bytes]
) -> None:
    _parse_mutated(*mut, work)


@settings(_FUZZ, max_examples=150)
@given(st.binary(max_size=2000) | st.text(max_size=500).map(lambda t: t.encode("utf-8")))
def test_any_bytes_as_a_pack_file_give_a_value_or_diagnostics(work: Path, data: bytes) -> None:
    path = work / "any.yaml"
    path.write_bytes(data)
    TALLY["any bytes as a pack file"] += 1
    with bounded():
        doc = read_file(path, "any.yaml", work)
    assert all(d.file == "any.yaml" and d.line >= 0 for d in doc.diagnostics)
    if not doc.diagnostics:
        assert_same_as_safe_load(data.removeprefix(b"\xef\xbb\xbf").decode("utf-8"), doc.data)


def test_a_consistent_rename_everywhere_still_loads(tmp_path: Path) -> None:
    """Renaming a scene id in every file is not a mistake: the pack loads the same."""
    root = tmp_path / "pack"
    shutil.copytree(SHIPPED, root)
    before = load_pack(root).pack
    assert before is not None
    rng = random.Random(3)
    renamed = rng.sample(sorted(before.scenes), 20)
    for path in root.rglob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        for old in renamed:
            text = re.sub(rf"(?<![\w-]){re.escape(old)}(?![\w-])", f"renamed-{old}", text)
        path.write_text(text, encoding="utf-8")
    after = load_pack(root)
    assert after.pack is not None, [d.format() for d in after.diagnostics]
    assert len(after.pack.scenes) == len(before.scenes)
    assert {f"renamed-{s}" for s in renamed} <= set(after.pack.scenes)


# ====================================================================== conditions

NAMES = Names(
    meters=frozenset({"trust", "tension", "x"}),
    flags=frozenset({"met", "walked_out"}),
    scenes=frozenset({"singapore", "hanoi-summit"}),
)
EXTREME_METERS = [
    {"trust": 0.0, "tension": 0.0, "x": 0.0},
    {"trust": 1e308, "tension": -1e308, "x": math.inf},
    {"trust": math.nan, "tension": 5e-324, "x": -math.inf},
]

_NUMBER_TEXT = st.one_of(
    st.integers(min_value=0, max_value=10**400).map(str),
    st.floats(allow_nan=False, allow_infinity=False, min_value=0).map(repr),
    st.from_regex(r"\A[0-9]{1,40}(\.[0-9]{0,40})?\Z"),
    st.sampled_from(["1e999", "1e3", ".5", "5.", "007", "0x10", "1_000", "inf", "nan", "−1"]),
)


def _condition_case(text: str) -> None:
    TALLY["conditions"] += 1
    with bounded(5.0):
        try:
            cond = compile_condition(text, NAMES)
        except ConditionError as exc:
            event("condition: refused")
            assert 1 <= exc.column <= len(text) + 1
            assert "\n" not in exc.message
            return
        event("condition: compiled")
        assert isinstance(cond, Condition)
        for meters in EXTREME_METERS:
            assert isinstance(cond(meters, frozenset({"met"}), frozenset({"singapore"})), bool)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(_NUMBER_TEXT, st.sampled_from(["+", "-", "*", "/"])), min_size=1, max_size=30
    ),
    st.sampled_from(["<", "<=", ">", ">=", "==", "!="]),
    _NUMBER_TEXT,
)
def test_huge_and_odd_numbers_compile_or_are_refused(
    chain: list[tuple[str, str]], comparison: str, right: str
) -> None:
    left = " ".join(
        f"x {op} {num}" if i == 0 else f"{op} {num}" for i, (num, op) in enumerate(chain)
    )
    _condition_case(f"{left} {comparison} {right}"[: MAX_LENGTH + 10])


_OPENERS = ["(", "not ", "- ", "not (", "-(", "((", "not not "]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(_OPENERS), max_size=120), st.booleans(), st.booleans())
def test_random_deep_nesting_compiles_or_is_refused(
    openers: list[str], balanced: bool, boolean: bool
) -> None:
    inner = "met" if boolean else "x > 1"
    closing = "".join(")" * o.count("(") for o in reversed(openers)) if balanced else ""
    _condition_case("".join(openers) + inner + closing)


# ====================================================================== save files


@pytest.fixture(scope="module")
def mini_pack() -> Pack:
    pack = load_pack(MINI).pack
    assert pack is not None
    return pack


@pytest.fixture(scope="module")
def shipped_pack() -> Pack:
    pack = load_pack(SHIPPED).pack
    assert pack is not None
    return pack


def full_run(pack: Pack, seats: list[str], seed: int = 1) -> engine.GameState:
    """A run to the end (or 200 decisions), with names and journal answers."""
    rng = random.Random(seed)
    state = engine.new_game(pack, seats, names={s: f"Student {s}" for s in seats})
    for _ in range(200):
        offered = engine.available(pack, state)
        if engine.is_over(pack, state) or not offered:
            break
        state, _ = engine.step(pack, state, rng.choice(offered).id, "because ünïcode \U0001f600")
    return state


def expect_refused_or_sound(path: Path, pack: Pack, original: engine.GameState, data: bytes) -> str:
    """Load a damaged save: refused in one line with the file untouched, or a sound state."""
    path.write_bytes(data)
    TALLY["damaged saves"] += 1
    with bounded(10.0):
        try:
            state = load_save(path, pack)
        except SaveError as exc:
            shown = str(exc)
            assert str(path) in shown and "\n" not in shown, shown
            assert path.read_bytes() == data, "a refused save is left as it was"
            return "refused"
    assert path.read_bytes() == data
    # Whatever loads is the replay of its own decisions, on the pack's scenes.
    assert state == engine.replay(pack, state)
    assert all(p in pack.scenes for p in state.positions.values())
    # One damaged place never yields a different run that still loads.
    assert [(d.seat, d.scene, d.choice) for d in state.decisions] == [
        (d.seat, d.scene, d.choice) for d in original.decisions
    ]
    return "loaded"


@st.composite
def json_mutation(draw: st.DrawFn, obj: Any) -> Any:
    """``obj`` with one node replaced, removed or joined by an unknown key."""
    obj = json.loads(json.dumps(obj))
    paths: list[tuple[Any, ...]] = []

    def walk(node: Any, at: tuple[Any, ...]) -> None:
        paths.append(at)
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, (*at, k))
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, (*at, i))

    walk(obj, ())
    at = draw(st.sampled_from(paths))
    values = st.recursive(
        st.none()
        | st.booleans()
        | st.integers(-(10**30), 10**30)
        | st.floats()
        | st.text(max_size=20)
        | st.sampled_from(["us", "accept", "us-one", "summit-save", "2018-03-08"]),
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
        max_leaves=6,
    )
    op = draw(st.sampled_from(["replace", "delete", "add-key"]))
    event(f"save mutation: {op}")
    if not at:
        return draw(values)
    parent = obj
    for part in at[:-1]:
        parent = parent[part]
    if op == "replace":
        parent[at[-1]] = draw(values)
    elif op == "delete":
        del parent[at[-1]]
    elif isinstance(parent, dict):
        parent[draw(st.text(min_size=1, max_size=8))] = draw(values)
    return obj


@pytest.fixture(scope="module")
def mini_save(tmp_path_factory: pytest.TempPathFactory, mini_pack: Pack) -> tuple[Any, Any]:
    folder = tmp_path_factory.mktemp("saves")
    state = full_run(mini_pack, ["us", "dprk"])
    path = write_save(folder, "good", mini_pack, state, "label")
    return state, json.loads(path.read_bytes())


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_a_save_with_any_node_changed_is_refused_or_sound(
    tmp_path: Path, mini_pack: Pack, mini_save: tuple[Any, Any], data: st.DataObject
) -> None:
    state, obj = mini_save
    bad = data.draw(json_mutation(obj))
    raw = json.dumps(bad, allow_nan=True).encode("utf-8")
    event(expect_refused_or_sound(tmp_path / "bad.json", mini_pack, state, raw))


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    at=st.integers(min_value=0, max_value=10**6),
    junk=st.binary(min_size=1, max_size=6),
    how=st.sampled_from(["insert", "overwrite", "delete"]),
)
def test_a_save_with_bytes_inserted_or_removed_is_refused_or_sound(
    tmp_path: Path,
    mini_pack: Pack,
    mini_save: tuple[Any, Any],
    at: int,
    junk: bytes,
    how: str,
) -> None:
    state, obj = mini_save
    good = json.dumps(obj, indent=1).encode("utf-8")
    i = at % len(good)
    bad = {
        "insert": good[:i] + junk + good[i:],
        "overwrite": good[:i] + junk + good[i + len(junk) :],
        "delete": good[:i] + good[i + len(junk) :],
    }[how]
    event(f"save bytes: {how}")
    event(expect_refused_or_sound(tmp_path / "bad.json", mini_pack, state, bad))


def _every_cut_and_flip(
    pack: Pack, state: engine.GameState, folder: Path, pick: Callable[[int], list[int]]
) -> dict[str, int]:
    good = write_save(folder, "good", pack, state).read_bytes()
    bad = folder / "bad.json"
    seen = {"cuts": 0, "flips": 0, "loaded": 0}
    for cut in pick(len(good)):
        assert expect_refused_or_sound(bad, pack, state, good[:cut]) == "refused"
        seen["cuts"] += 1
    for at in pick(len(good)):
        for mask in (0x01, 0x20, 0xFF):
            flipped = bytearray(good)
            flipped[at] ^= mask
            seen["loaded"] += expect_refused_or_sound(bad, pack, state, bytes(flipped)) == "loaded"
            seen["flips"] += 1
    return seen


@pytest.mark.slow
def test_every_truncation_and_byte_flip_of_a_save(tmp_path: Path, mini_pack: Pack) -> None:
    """Exhaustive on a mini-pack save: every cut point, every byte with three flip masks."""
    state = full_run(mini_pack, ["us", "dprk"])
    seen = _every_cut_and_flip(mini_pack, state, tmp_path, lambda n: list(range(n)))
    assert seen["cuts"] > 1000 and seen["flips"] > 3000


@pytest.mark.slow
def test_sampled_truncations_and_flips_of_a_long_shipped_save(
    tmp_path: Path, shipped_pack: Pack
) -> None:
    """A three-seat run of the shipped pack: 1,500 cut points and 1,500 flipped bytes."""
    state = full_run(shipped_pack, ["us", "dprk", "rok"])
    assert len(state.decisions) > 30
    rng = random.Random(11)
    seen = _every_cut_and_flip(
        shipped_pack, state, tmp_path, lambda n: sorted(rng.sample(range(n), min(n, 1500)))
    )
    assert seen["cuts"] == 1500


def test_a_valid_save_of_the_shipped_pack_round_trips(tmp_path: Path, shipped_pack: Pack) -> None:
    state = full_run(shipped_pack, ["us", "dprk", "rok"])
    path = write_save(tmp_path, "three", shipped_pack, state)
    assert read_save(path).state == state
    assert load_save(path, shipped_pack) == state


# ====================================================================== found by fuzzing


@pytest.mark.parametrize("value", ["5", "some text", "{a: 1}", "true", "2018-06-12"])
@pytest.mark.parametrize("key", ["choices", "events", "set", "next", "sources", "effects"])
def test_a_field_holding_the_wrong_type_is_diagnosed_not_raised(
    tmp_path: Path, key: str, value: str
) -> None:
    """`choices: 5` once crashed the loader (TypeError) while it gathered flags."""
    root = tmp_path / "pack"
    shutil.copytree(MINI, root)
    us = root / "scenes" / "us.yaml"
    text = us.read_text(encoding="utf-8")
    replaced = {
        "choices": (
            "    choices:\n      - id: calm\n        text: Calm down\n        next: us-end-bad\n"
        ),
        "events": None,
        "set": "        set: [us_refused]\n",
        "next": "        next: us-two\n",
        "sources": "      sources: [book]\n",
        "effects": "        effects: {trust: 20, tension: -20}\n",
    }[key]
    if replaced is None:  # add the field to the first scene
        text = text.replace(
            "    title: An invitation\n", f"    title: An invitation\n    {key}: {value}\n"
        )
    else:
        indent = replaced[: len(replaced) - len(replaced.lstrip())]
        text = text.replace(replaced, f"{indent}{key}: {value}\n", 1)
    us.write_text(text, encoding="utf-8")
    with bounded():
        result = load_pack(root)
    assert_sound(result, root)
    assert result.pack is None and result.errors


_YAMLISH = st.lists(
    st.sampled_from(
        [
            *("a", ": ", "- ", "\n", "  ", "[", "]", "{", "}", ",", "'", '"', "#", "|", ">"),
            *("1", "0x1", "1e3", ".inf", "~", "null", "yes", "No", "2018-01-01", "2018-02-30"),
            *("&x ", "*x", "!!str ", "!!int ", "!!bool ", "!!float ", "!!timestamp ", "? "),
            *("1:2", "0o7", "+1", "-.5", "1_0", "12:30", "2001-12-14t21:59:43.10-05:00", "<<: "),
        ]
    ),
    max_size=30,
).map("".join)


def _differential(work: Path, text: str) -> None:
    path = work / "yamlish.yaml"
    path.write_text(text, encoding="utf-8")
    with bounded(5.0):
        doc = read_file(path, "yamlish.yaml", work)
    event("accepted" if not doc.diagnostics else "diagnosed")
    TALLY["yaml differential, " + ("accepted" if not doc.diagnostics else "diagnosed")] += 1
    if not doc.diagnostics:
        assert_same_as_safe_load(text, doc.data)


@settings(_FUZZ, max_examples=300)
@given(_YAMLISH)
def test_yaml_fragments_read_as_pyyaml_reads_them_or_are_diagnosed(work: Path, text: str) -> None:
    """Differential: our event-based reader against PyYAML's own safe loader."""
    _differential(work, text)


@pytest.mark.slow
@settings(_FUZZ, max_examples=20_000)
@given(_YAMLISH)
def test_yaml_fragments_read_as_pyyaml_reads_them_or_are_diagnosed_many(
    work: Path, text: str
) -> None:
    _differential(work, text)


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("!!int", "SG022"),
        ("!!float ''", "SG022"),
        ("!!bool", "SG022"),
        ("!!bool maybe", "SG022"),
        ("!!timestamp", "SG024"),
        ("!!timestamp x", "SG024"),
    ],
)
def test_an_explicit_tag_on_a_value_that_does_not_fit_is_diagnosed(
    tmp_path: Path, value: str, code: str
) -> None:
    """`title: !!int` once escaped the reader as an IndexError (KeyError for !!bool)."""
    root = tmp_path / "pack"
    shutil.copytree(MINI, root)
    scenario = root / "scenario.yaml"
    scenario.write_text(
        scenario.read_text(encoding="utf-8").replace("title: A small test pack", f"title: {value}"),
        encoding="utf-8",
    )
    result = load_pack(root)
    assert_sound(result, root)
    assert [(d.code, d.line) for d in result.errors] == [(code, 3)]
