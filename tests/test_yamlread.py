"""The fast YAML path reads exactly what the full builder reads.

``parse_text`` reads a usual file with ``_fast_build`` (no line for values
deeper than ``EAGER_DEPTH``: ``_place_lines`` finds those on request) and
hands anything unusual to ``_Builder``.  Diagnostics, values and lines must
never depend on which path read a file, so every case here parses twice,
once each way (``every_line=True`` forces the full builder), and compares
everything: diagnostics, values (types included), the paths already
reported, and the line of every value, asked before and after the deeper
lines are placed.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from summit_game.loader import load_pack
from summit_game.yamlread import (
    EAGER_DEPTH,
    MAX_DEPTH,
    MAX_NODES,
    YamlDoc,
    _place_lines,
    parse_text,
)

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "content" / "korea-2017-2025"
YAML_FILES = sorted(
    p
    for base in (ROOT / "content", ROOT / "tests" / "packs")
    for p in base.rglob("*.y*ml")
    if p.is_file() and not p.is_symlink()
)
_SETTINGS = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
)


def _same(a: Any, b: Any) -> bool:
    """Equal, with the same types and key order (NaN equals NaN)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    return bool(a == b)


def _paths_to_ask(full: YamlDoc) -> list[tuple[str | int, ...]]:
    """Every placed path, plus ones just beside or below them (which walk up to a parent)."""
    out = list(full.lines)
    out += [(*p, "no-such-key") for p in full.lines]
    out += [(*p, 10**6) for p in full.lines]
    return out


def assert_agree(text: str) -> YamlDoc:
    """Parse ``text`` both ways and check that nothing tells them apart; the fast-path doc."""
    fast = parse_text(text, "f.yaml")
    full = parse_text(text, "f.yaml", every_line=True)
    if fast._text is not None:  # read by the fast path: its deeper lines come from here
        assert _place_lines(text) == full.lines
    assert [d.as_dict() for d in fast.diagnostics] == [d.as_dict() for d in full.diagnostics]
    assert _same(fast.data, full.data), (text[:300], fast.data, full.data)
    assert fast.bad_paths == full.bad_paths
    asked = _paths_to_ask(full)
    # Shallow questions are answered from the lines recorded while reading...
    for path in asked:
        if len(path) <= EAGER_DEPTH:
            assert fast.line(path) == full.line(path), path
    # ...and deeper ones place every value first; then everything matches.
    for path in asked:
        assert fast.line(path) == full.line(path), path
    assert fast.lines == full.lines
    return fast


@pytest.mark.parametrize("path", YAML_FILES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_both_readers_agree_on_every_file_in_the_repository(path: Path) -> None:
    raw = path.read_bytes().removeprefix(b"\xef\xbb\xbf")
    assert_agree(raw.decode("utf-8", "replace"))


def test_clean_files_take_the_fast_path_and_place_deep_lines_on_request() -> None:
    """The shipped pack's files are usual: deep lines wait until asked for."""
    for path in sorted(SHIPPED.rglob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        doc = parse_text(text, path.name)
        assert not doc.diagnostics
        recorded = dict(doc._lines)
        assert recorded and all(len(p) <= EAGER_DEPTH for p in recorded), path
        full = parse_text(text, path.name, every_line=True)
        assert len(full._lines) > len(recorded)
        assert doc.lines == full.lines  # asking for the map places every value
        assert doc._text is None  # once


def test_a_file_the_fast_path_leaves_is_read_in_full() -> None:
    doc = parse_text("a: 1\nb:\n  c: [1, 2]\n  c: 3\n", "f.yaml")
    assert [(d.code, d.line) for d in doc.diagnostics] == [("SG008", 4)]
    assert doc._text is None and doc._lines[("b", "c")] == 3


def test_the_check_of_a_clean_pack_never_reads_a_file_twice(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`check` on a clean pack asks no line deeper than the fast path records."""
    placed: list[str] = []
    original = YamlDoc._place_all

    def spy(self: YamlDoc) -> None:
        placed.append(repr(self.data)[:80])
        original(self)

    monkeypatch.setattr(YamlDoc, "_place_all", spy)
    result = load_pack(SHIPPED)
    assert result.pack is not None
    assert placed == []


# ----------------------------------------------------------------- snippets

SNIPPETS = [
    "a: 1\n",
    "[1, 2, 3]\n",
    "- a\n- b: [c, {d: e}]\n",
    "scenes:\n- id: x\n  choices:\n  - {id: a, next: y}\n  - id: b\n    next:\n    - goto: z\n",
    "a: {}\nb: []\nc: [[], [{}]]\n",
    "a: ~\nb: null\nc:\nd: ''\ne: \"\"\n",
    "a: yes\nb: No\nc: on\nd: true\n'yes': 1\n",
    "a: 0x1F\nb: 0o17\nc: 017\nd: 1_000\ne: +5\nf: -0\ng: 123456789012345678901234\n",
    "a: 1.5\nb: .inf\nc: -.INF\nd: .nan\ne: 1e3\nf: 6.8523015e+5\n",
    "a: 2019-02-28\nb: 2019-02-30\nc: 2001-12-14t21:59:43.10-05:00\nd: 2019-2-3\n",
    "a: !!str 1\nb: !!int '7'\nc: ! x\nd: !custom x\n",
    "a: &x [1, 2]\nb: *x\nc: *nope\n",
    "<<: {a: 1}\nb: 2\n",
    "1: one\n2.5: two\ntrue: three\n~: four\n[a]: five\n",
    "a: 1\n---\nb: 2\n",
    "",
    "# only a comment\n",
    "just text\n",
    '"quoted root"\n',
    'a: "tab\\there"\nb: "bell\\a"\nc: "ok"\n',
    "a: b: c\n",
    "a: 'unterminated\n",
    "a:\n  - 1\n   - 2\n",
    "a: |\n  block\n  text\nb: >-\n  folded\n  text\n",
    "? complex\n: value\n",
    "a: =\nb: <<\n",
    "key with spaces: 1\n'quoted key': 2\n\"dq key\": 3\n",
    "a:\n  b:\n    c:\n      d: [1, {e: f}]\n",
]


@pytest.mark.parametrize("text", SNIPPETS)
def test_both_readers_agree_on_unusual_yaml(text: str) -> None:
    assert_agree(text)


def test_both_readers_agree_at_the_depth_limit() -> None:
    for depth in (MAX_DEPTH - 1, MAX_DEPTH, MAX_DEPTH + 1):
        assert_agree("a: " + "[" * depth + "]" * depth + "\n")
        assert_agree("{a: " * depth + "1" + "}" * depth + "\n")


def test_both_readers_agree_at_the_size_limit() -> None:
    for n in (MAX_NODES - 2, MAX_NODES - 1, MAX_NODES + 1):
        assert_agree("[" + "1, " * n + "]\n")


# ----------------------------------------------------------------- generated

_scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(10**20), 10**20)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31))
    | st.text(max_size=12)
    | st.sampled_from(["yes", "no", "on", "off", "null", "~", "0x1F", "1_0", "2019-02-30", "<<"])
)
_keys = st.text(max_size=8) | st.sampled_from(["id", "next", "1", "true", "~", "x"])
_data = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(_keys, inner, max_size=5),
    max_leaves=40,
)


def _dump(data: Any, flow: bool | None, canonical: bool) -> str:
    return yaml.safe_dump(
        data, default_flow_style=flow, canonical=canonical, allow_unicode=True, sort_keys=False
    )


@_SETTINGS
@given(_data, st.sampled_from([False, True, None]), st.booleans())
def test_both_readers_agree_on_generated_documents(data: Any, flow: bool | None, can: bool) -> None:
    assert_agree(_dump(data, flow, can))


def _mutate(text: str, seed: int) -> str:
    """Lines of ``text`` deleted, doubled, swapped or re-indented."""
    rng = random.Random(seed)
    lines = text.splitlines(keepends=True) or [""]
    for _ in range(rng.randint(1, 4)):
        i = rng.randrange(len(lines))
        kind = rng.randrange(4)
        if kind == 0 and len(lines) > 1:
            del lines[i]
        elif kind == 1:
            lines.insert(i, lines[i])
        elif kind == 2:
            j = rng.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
        else:
            lines[i] = " " * rng.randint(0, 3) + lines[i].lstrip(" ")
    return "".join(lines)


_SHIPPED_TEXTS = [p.read_text(encoding="utf-8") for p in sorted(SHIPPED.rglob("*.yaml"))]


@_SETTINGS
@given(st.sampled_from(_SHIPPED_TEXTS + SNIPPETS), st.integers(0, 2**32))
def test_both_readers_agree_on_mutated_files(text: str, seed: int) -> None:
    assert_agree(_mutate(text, seed))


@pytest.mark.slow
@settings(_SETTINGS, max_examples=3000)
@given(_data, st.sampled_from([False, True, None]), st.booleans())
def test_both_readers_agree_on_generated_documents_many(
    data: Any, flow: bool | None, can: bool
) -> None:
    assert_agree(_dump(data, flow, can))


@pytest.mark.slow
@settings(_SETTINGS, max_examples=1500)
@given(st.sampled_from(_SHIPPED_TEXTS + SNIPPETS), st.integers(0, 2**32))
def test_both_readers_agree_on_mutated_files_many(text: str, seed: int) -> None:
    assert_agree(_mutate(text, seed))
