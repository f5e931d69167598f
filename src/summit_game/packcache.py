"""The validated-pack cache: an unchanged pack starts without being read again.

Loading a pack reads and parses every file, validates it against the content
models and cross-checks it (see :mod:`summit_game.loader`).  None of that can
change while the pack's files do not, so after a load without errors the
validated pack is written to the cache folder (``$SUMMIT_CACHE``) as JSON,
under a *key*: a SHA-256 over every file of the pack folder (its path and
bytes), the folder as given, this program's version, the content format and
the source files of the code that reads a pack.  The next start computes the
key again (a few milliseconds) and, when it matches, rebuilds the pack's
play forms (plain dataclasses: ``forms.py``, ``pack.py``) from the JSON: no
YAML, no pydantic, no checks.

The file's first line is a small *title card* (the key, the pack's title and
summary), so ``play`` can draw the title screen before the pack is rebuilt.

Safety (docs/security.md): the cache is JSON, never pickle, so a cache file
can never run code.  A file that is missing, truncated, corrupt (its payload
carries a SHA-256), from another pack or another version, or stale (the key
differs) is ignored, and the pack is loaded in full; nothing here raises for
a bad cache file.  Files are written whole to a temporary name and moved into
place with ``os.replace``, so a reader never sees half of one.

This module imports neither pydantic nor the loader at module level, and a
rebuild never imports them: reading the title card must stay cheap, and a
play session started from the cache never pays for pydantic.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import json
import os
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from summit_game import __version__

if TYPE_CHECKING:
    from summit_game.conditions import Condition, Names
    from summit_game.forms import PlayScenario
    from summit_game.loader import LoadResult
    from summit_game.pack import Pack, PlayScene

#: The layout of a cache file; bump it when the JSON below changes shape.
LAYOUT = 2
#: The content-format version of the packs this program reads (``format: 1``).
CONTENT_FORMAT = 1
KIND = "summit-pack-cache"
#: YAML files hashed by their bytes up to this size; larger ones (never a
#: readable pack file: the loader refuses them) by size and modification time.
HASH_BYTES = 2 * 1024 * 1024
#: A folder with more entries than this is not hashed (and so never cached):
#: it is not a pack, or not one worth a cache (the loader refuses 20,000 files).
MAX_ENTRIES = 25_000
#: The title card is one line; a longer one is not ours.
MAX_CARD_BYTES = 1 << 20
#: The code whose behaviour a cached pack depends on: editing any of these
#: (in a checkout) invalidates every cache entry.
_CODE = (
    "packcache.py",
    "loader.py",
    "model.py",
    "forms.py",
    "pack.py",
    "conditions.py",
    "record.py",
    "yamlread.py",
    "diagnostics.py",
)


@dataclass(frozen=True)
class TitleCard:
    """What the title screen shows before the pack is rebuilt."""

    title: str
    summary: str
    key: str
    """The pack's key when the card was read: the pack must still match it."""


# ----------------------------------------------------------------------------- the key


def pack_key(root: Path) -> str | None:
    """The cache key of the pack folder ``root`` as given; None when it cannot be made.

    Every entry under the folder counts (links never followed): its relative
    path and kind, a link's target, and a YAML file's bytes (other files, and
    YAML files past :data:`HASH_BYTES`, by size and modification time).
    Anything unreadable, or a folder with more than :data:`MAX_ENTRIES`
    entries, gives None: no cache.
    """
    try:
        real = root.resolve(strict=True)
        if not (real / "scenario.yaml").is_file():
            return None
        h = hashlib.sha256()
        h.update(f"{KIND}\0{LAYOUT}\0{CONTENT_FORMAT}\0{__version__}\0".encode())
        h.update(os.fsencode(str(root)) + b"\0" + os.fsencode(str(real)) + b"\0")
        here = Path(__file__).parent
        for name in _CODE:
            st = os.stat(here / name)
            h.update(f"{name}\0{st.st_size}\0{st.st_mtime_ns}\0".encode())
        entries = 0
        for dirpath, dirnames, filenames in os.walk(real, followlinks=False):
            dirnames.sort()
            entries += len(dirnames) + len(filenames)
            if entries > MAX_ENTRIES:
                return None
            rel = os.fsencode(os.path.relpath(dirpath, real))
            h.update(b"D\0" + rel + b"\0")
            for name in dirnames:
                p = os.path.join(dirpath, name)
                if os.path.islink(p):
                    h.update(b"d\0" + os.fsencode(name) + b"\0" + os.fsencode(os.readlink(p)))
                    h.update(b"\0")
            for name in sorted(filenames):
                _hash_file(h, os.path.join(dirpath, name), os.fsencode(name))
        return h.hexdigest()
    except (OSError, RuntimeError, ValueError):
        return None


def _hash_file(h: Any, path: str, name: bytes) -> None:
    """One folder entry into the key, opening nothing outside the pack (docs/security.md).

    A link is hashed as its target, never followed: a target inside the pack
    is a file of the walk itself, and one outside makes the pack fail to load
    (SG003), so it is never cached.  Only YAML files, the only files the
    loader reads, are hashed by their bytes; the rest by size and time.
    """
    h.update(b"F\0" + name + b"\0")
    st = os.lstat(path)
    if stat.S_ISLNK(st.st_mode):
        h.update(b"L\0" + os.fsencode(os.readlink(path)) + b"\0")
        h.update(os.fsencode(os.path.realpath(path)) + b"\0")
        return
    if not stat.S_ISREG(st.st_mode):
        h.update(f"mode {stat.S_IFMT(st.st_mode)}\0".encode())
        return
    if st.st_size > HASH_BYTES or not name.endswith((b".yaml", b".yml")):
        h.update(f"stat {st.st_size} {st.st_mtime_ns}\0".encode())
        return
    with open(path, "rb") as fh:
        data = fh.read(HASH_BYTES + 1)
    h.update(f"{len(data)}\0".encode())
    h.update(data)


def _cache_file(cache: Path, root: Path) -> Path:
    """One file per pack folder (as given), overwritten when the pack changes."""
    try:
        real = str(root.resolve())
    except (OSError, RuntimeError):
        real = ""
    name = hashlib.sha256(f"{root}\0{real}".encode("utf-8", "surrogateescape")).hexdigest()
    return cache / f"pack-v{LAYOUT}" / f"{name[:40]}.json"


# ----------------------------------------------------------------------------- reading


def read_card(root: Path, cache: Path) -> TitleCard | None:
    """The title card of the cached pack, when the cache holds the pack as it is now."""
    key = pack_key(root)
    if key is None:
        return None
    try:
        with open(_cache_file(cache, root), "rb") as fh:
            header = _header(fh.readline(MAX_CARD_BYTES))
    except OSError:
        return None
    if header is None or header["key"] != key:
        return None
    return TitleCard(header["title"], header["summary"], key)


def _header(line: bytes) -> dict[str, Any] | None:
    try:
        head = json.loads(line)
    except (ValueError, RecursionError):
        return None
    if not (
        isinstance(head, dict)
        and head.get("kind") == KIND
        and head.get("layout") == LAYOUT
        and all(isinstance(head.get(k), str) for k in ("key", "title", "summary", "sha256"))
    ):
        return None
    return head


def load_cached(root: Path, cache: Path, key: str | None = None) -> Pack | None:
    """The pack rebuilt from the cache, or None when the cache cannot give it.

    ``key`` is the pack's key when the caller has just computed it; otherwise
    it is computed here.  None means: load the pack in full.
    """
    key = key or pack_key(root)
    if key is None:
        return None
    try:
        with open(_cache_file(cache, root), "rb") as fh:
            header = _header(fh.readline(MAX_CARD_BYTES))
            if header is None or header["key"] != key:
                return None
            digest = hashlib.sha256()
            pack = _rebuild(root, _hashed_lines(fh, digest))
            # Nothing built from a damaged or truncated file is ever returned.
            return pack if digest.hexdigest() == header["sha256"] else None
    except Exception:  # any surprise in a cache file means: load in full
        return None


def _hashed_lines(fh: Any, digest: Any) -> Iterator[bytes]:
    """The file's remaining lines one at a time (not all in memory at once), hashed."""
    for line in fh:
        digest.update(line)
        if not line.endswith(b"\n"):
            raise _Bad("truncated")
        yield line


def load(root: Path, cache: Path) -> LoadResult:
    """``load_pack(root, cache)`` in full, its pack then cached when it can be.

    Call :func:`load_cached` first: this is the path for a pack the cache
    does not hold.  A pack is cached only when it loaded without errors and
    its key did not change while the files were read (an editor saving
    mid-load).
    """
    from summit_game.loader import load_pack

    key = pack_key(root)
    result = load_pack(root, cache)
    if result.pack is not None and key is not None and pack_key(root) == key:
        store(root, cache, result.pack, key)
    return result


# ----------------------------------------------------------------------------- writing


def store(root: Path, cache: Path, pack: Pack, key: str) -> None:
    """Write ``pack`` to the cache under ``key``; a failure to write is ignored."""
    target = _cache_file(cache, root)
    lines = [
        _dumps(_plain(pack.scenario)),
        _dumps(_plain(pack.glossary)),
        _dumps(
            {
                "root": str(pack.root),
                "digest": pack.digest,
                "locations": pack.locations,
                "warnings": [
                    [d.code, d.file, d.line, d.message, d.hint, d.severity.value]
                    for d in pack.warnings
                ],
            }
        ),
        *(_dumps(_plain(s)) for s in pack.scenes.values()),
    ]
    body = ("\n".join(lines) + "\n").encode("utf-8")
    header = {
        "kind": KIND,
        "layout": LAYOUT,
        "key": key,
        "title": pack.scenario.title,
        "summary": pack.scenario.summary,
        "sha256": hashlib.sha256(body).hexdigest(),
    }
    tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(tmp, "wb") as fh:
            fh.write(_dumps(header).encode("utf-8") + b"\n")
            fh.write(body)
        os.replace(tmp, target)
    except (OSError, ValueError):
        with contextlib.suppress(OSError):
            tmp.unlink()


def _dumps(value: Any) -> str:
    # ensure_ascii keeps every line free of raw newlines (U+2028 included).
    return json.dumps(value, ensure_ascii=True, separators=(",", ":"), allow_nan=False)


def _plain(value: Any) -> Any:
    """A play form as JSON: dataclasses as objects of their init fields, conditions as
    their text, dates tagged (``{"date": "YYYY-MM-DD"}``, since a source's date may
    also be free text), frozensets sorted."""
    from summit_game.conditions import Condition

    if isinstance(value, Condition):
        return value.source
    if isinstance(value, dt.date):
        return {"date": value.isoformat()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value) if f.init}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, frozenset):
        return sorted(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


# ----------------------------------------------------------------------------- rebuilding


class _Bad(ValueError):
    """The cache file does not hold what this layout promises."""


def _rebuild(root: Path, lines: Iterator[bytes]) -> Pack:
    """The pack from the cache file's body (see :func:`store`); raises on anything odd.

    Each line is parsed and turned into play forms before the next is read, so
    the JSON text and parsed tree of only one scene are held at a time (peak
    memory is a high-water mark: transient garbage counts).  Nothing here
    imports pydantic: the forms are plain dataclasses (``forms.py``).
    """
    from summit_game.conditions import Names
    from summit_game.diagnostics import Diagnostic, Severity
    from summit_game.forms import PlayTerm
    from summit_game.pack import Pack
    from summit_game.record import Record

    sc = _scenario_in(_obj(json.loads(next(lines))))
    glossary = {
        t: PlayTerm(str(e["definition"]), _strs(e["sources"]), _strs(e["aliases"]))
        for t, e in _items(json.loads(next(lines)))
    }
    meta = _obj(json.loads(next(lines)))
    if meta.get("root") != str(root.resolve()):
        raise _Bad("root")
    scenes = [_obj(json.loads(line)) for line in lines]
    flags: set[str] = set()
    for data in scenes:
        for c in data["choices"]:
            flags.update(_strs(c["sets"]))
    names = Names(frozenset(sc.meters), frozenset(flags), frozenset(s["id"] for s in scenes))
    compile_ = _compiler(names)
    play: dict[str, PlayScene] = {}
    for data in scenes:
        scene = _scene_in(data, sc, compile_)
        if scene.id in play:
            raise _Bad("duplicate scene")
        play[scene.id] = scene
    locations = {sid: (str(f), int(n)) for sid, (f, n) in _items(meta["locations"])}
    warnings = tuple(
        Diagnostic(str(c), str(f), int(n), str(m), h if h is None else str(h), Severity(s))
        for c, f, n, m, h, s in meta["warnings"]
    )
    if set(locations) != set(play) or any(w.is_error for w in warnings):
        raise _Bad("meta")
    return Pack(
        Path(meta["root"]),
        sc,
        play,
        glossary,
        Record(sc),
        str(meta["digest"]),
        locations,
        warnings,
    )


def _obj(data: Any) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise _Bad("object")
    return data


def _items(data: Any) -> list[tuple[str, Any]]:
    return list(_obj(data).items())


def _strs(data: Any) -> tuple[str, ...]:
    if not isinstance(data, list) or not all(isinstance(x, str) for x in data):
        raise _Bad("strings")
    return tuple(data)


def _date(value: Any) -> dt.date:
    if not isinstance(value, dict) or set(value) != {"date"}:
        raise _Bad("date")
    return dt.date.fromisoformat(value["date"])


def _scenario_in(d: dict[str, Any]) -> PlayScenario:
    from summit_game.forms import PlayCheckpoint, PlayMeter, PlayRole, PlayScenario, PlaySource

    return PlayScenario(
        id=str(d["id"]),
        title=str(d["title"]),
        summary=str(d["summary"]),
        version=str(d["version"]),
        start=_date(d["start"]),
        end=_date(d["end"]),
        roles={
            k: PlayRole(
                **{**_obj(r), "goals": _strs(r["goals"]), "red_lines": _strs(r["red_lines"])}
            )
            for k, r in _items(d["roles"])
        },
        meters={k: PlayMeter(**_obj(m)) for k, m in _items(d["meters"])},
        record=tuple(
            PlayCheckpoint(
                _date(cp["date"]), dict(_obj(cp["values"])), cp["note"], _strs(cp["sources"])
            )
            for cp in map(_obj, d["record"])
        ),
        sources={
            k: PlaySource(**{**_obj(src), "date": _source_date(src["date"])})
            for k, src in _items(d["sources"])
        },
    )


def _source_date(value: Any) -> str | dt.date | None:
    return _date(value) if isinstance(value, dict) else value


def _scene_in(
    d: dict[str, Any], sc: PlayScenario, cond: Callable[[str | None], Condition | None]
) -> PlayScene:
    """A scene's play form, its conditions compiled as the loader compiles a valid one."""
    from summit_game.forms import PlayEnding, PlayHistory
    from summit_game.pack import PlayChoice, PlayEvent, PlayScene

    def effects(given: Any) -> tuple[tuple[str, float], ...]:
        out = tuple((str(mid), float(delta)) for mid, delta in given)
        if not {mid for mid, _ in out} <= set(sc.meters):
            raise _Bad("meter")
        return out

    events = tuple(
        PlayEvent(
            e["text"], e["by"], effects(e["effects"]), cond(e["condition"]), _strs(e["sources"])
        )
        for e in map(_obj, d["events"])
    )
    choices = tuple(
        PlayChoice(
            c["id"],
            c["text"],
            cond(c["condition"]),
            effects(c["effects"]),
            frozenset(_strs(c["sets"])),
            bool(c["historical"]),
            tuple((cond(when), str(goto)) for when, goto in c["next"]),
            c["feedback"],
        )
        for c in map(_obj, d["choices"])
    )
    h, e = d["history"], d["ending"]
    return PlayScene(
        d["id"],
        d["role"],
        _date(d["date"]),
        d["title"],
        choices,
        events,
        d["text"],
        d["place"],
        None if h is None else PlayHistory(h["summary"], _strs(h["sources"])),
        bool(d["counterfactual"]),
        d["prompt"],
        None if e is None else PlayEnding(e["title"], e["summary"], bool(e["historical"])),
    )


# ----------------------------------------------------------------------------- compiling


def _compiler(names: Names) -> Callable[[str | None], Condition | None]:
    """``compile_condition`` against ``names``, once per distinct text."""
    from summit_game.conditions import compile_condition

    done: dict[str, Condition] = {}

    def compile_(text: str | None) -> Condition | None:
        if text is None:
            return None
        if text not in done:
            done[text] = compile_condition(text, names)
        return done[text]

    return compile_
