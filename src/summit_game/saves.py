"""Saves: versioned JSON of the game state, written so a crash never breaks one.

A save is written to a temporary file in the same folder, flushed and
``fsync``-ed, then moved over the old one with ``os.replace`` (atomic on
POSIX and Windows), and the folder is synced: a kill at any instant leaves
the old save or the new one, never half of either.  Leftover temporary
files (``.NAME.json.tmp-*``) are never read as saves and are cleaned away.

Reading never changes the file: a save that is unreadable, truncated, too
new, or for another pack is refused with :class:`SaveError` giving a
one-line reason that names the file.

Saves are plain ``json`` over the engine's dataclasses, with every value of a
save being read checked by :mod:`summit_game.statejson`; play never imports
pydantic (memory, start-up time).  The JSON holds what pydantic used to write
(same keys, dates as ``YYYY-MM-DD``, UTC times ending in ``Z``), so old and
new saves load.  It is laid out a key a line down to the state's fields and a
decision a line.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import secrets
import stat
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from summit_game import statejson
from summit_game.engine import Decision, GameState, replay
from summit_game.errors import GameError, SaveError
from summit_game.pack import Pack

#: The save format this program writes; it reads this version and older ones.
SAVE_VERSION = 1
#: Saves larger than this are refused unread (a full run is a few tens of KB).
MAX_SAVE_BYTES = 8 * 1024 * 1024
AUTOSAVE = "autosave"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 _.-]{0,63}$")
_TMP = re.compile(r"^\..+\.json\.tmp-[0-9a-f]+$")


@dataclass(frozen=True, slots=True, kw_only=True)
class SaveFile:
    """What a save file holds (the JSON object at its top level)."""

    kind: str = "summit-save"
    version: int = SAVE_VERSION
    pack_id: str
    pack_version: str
    pack_digest: str
    saved_at: dt.datetime
    label: str = ""
    """A one-line description for save lists: date, seat, scene title."""
    state: GameState


@dataclass(frozen=True)
class SaveInfo:
    """A save as a load menu lists it."""

    name: str
    path: Path
    saved_at: dt.datetime | None
    label: str
    error: str | None = None
    """Why the save cannot be loaded, when it cannot."""


def autosave_name(names: Mapping[str, str]) -> str:
    """The autosave's name: ``autosave``, or ``<player>-autosave`` once players give names.

    Named autosaves let a class share one saves folder (served mode) without
    one student's autosave overwriting another's.
    """
    players = [n for n in names.values() if n]
    if not players:
        return AUTOSAVE
    slug = re.sub(r"[^A-Za-z0-9_-]+", "-", "-".join(players)).strip("-_")[:48]
    return f"{slug}-{AUTOSAVE}" if slug else AUTOSAVE


def is_autosave(name: str) -> bool:
    """True for ``autosave`` and the players' ``<names>-autosave``."""
    return name == AUTOSAVE or name.endswith(f"-{AUTOSAVE}")


def check_name(name: str) -> str:
    """A save name typed by a user, refused if it could leave the saves folder."""
    name = name.strip()
    if name.endswith(".json"):
        name = name[:-5]
    if not _NAME.match(name) or ".." in name:
        raise SaveError(
            f"{name!r} cannot be a save name",
            "use letters, digits, spaces, '-', '_' or '.', up to 64 characters",
        )
    return name


def save_path(folder: Path, name: str) -> Path:
    """The file a save name maps to."""
    return folder / f"{check_name(name)}.json"


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _save_json(save: SaveFile) -> bytes:
    """The bytes of a save file holding ``save``: a key a line down to the state's
    fields, then an item a line (a decision, with its meter changes, is one line).

    Raises :class:`ValueError` for a number JSON cannot hold (a NaN meter: a
    bug, since meters are clamped) or text UTF-8 cannot (a lone surrogate):
    pydantic wrote ``null`` for a NaN, a save that would never load again.
    """
    fields = []
    for name in statejson.field_names(SaveFile):
        value = getattr(save, name)
        text = _state_json(value) if name == "state" else _ENCODE(statejson.jsonable(value))
        fields.append(f' "{name}": {text}')
    return ("{\n" + ",\n".join(fields) + "\n}\n").encode("utf-8")


#: Python's C encoder, which it uses only without ``indent``: the pure-Python one
#: took 2.5 ms of a long run's autosave, and the autosave is on the key path.
_ENCODE = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(", ", ": ")).encode


def _state_json(state: GameState) -> str:
    fields = []
    for name in statejson.field_names(GameState):
        value = getattr(state, name)
        if name == "decisions":
            text = _block(_decision_lines(value), "[", "]")
        elif isinstance(value, dict):
            text = _block([f"{_ENCODE(k)}: {_ENCODE(v)}" for k, v in value.items()], "{", "}")
        elif isinstance(value, tuple | frozenset):
            items = statejson.jsonable(value)
            assert isinstance(items, list)
            text = _block([_ENCODE(v) for v in items], "[", "]")
        else:
            text = _ENCODE(value)
        fields.append(f'  "{name}": {text}')
    return "{\n" + ",\n".join(fields) + "\n }"


def _block(items: list[str], start: str, end: str) -> str:
    """A list or object of the state, an item a line."""
    if not items:
        return start + end
    return start + "\n" + ",\n".join("   " + item for item in items) + "\n  " + end


#: The line of each decision of the run saved last, by identity.  Decisions never
#: change, so an autosave encodes only the decision just taken: encoding a long
#: run's hundred-odd decisions again took about 1 ms of every key press.
_decision_cache: dict[int, tuple[Decision, str]] = {}


def _decision_lines(decisions: tuple[Decision, ...]) -> list[str]:
    lines = []
    fresh: dict[int, tuple[Decision, str]] = {}
    for d in decisions:
        hit = _decision_cache.get(id(d))
        # The cache holds each decision it names, so an id is never reused while in it.
        line = hit[1] if hit is not None and hit[0] is d else _ENCODE(statejson.jsonable(d))
        fresh[id(d)] = (d, line)
        lines.append(line)
    _decision_cache.clear()
    _decision_cache.update(fresh)
    return lines


def write_save(folder: Path, name: str, pack: Pack, state: GameState, label: str = "") -> Path:
    """Write ``state`` atomically as save ``name``; returns the path written."""
    path = save_path(folder, name)
    payload = SaveFile(
        pack_id=pack.id,
        pack_version=pack.version,
        pack_digest=pack.digest,
        saved_at=dt.datetime.now(dt.UTC).replace(microsecond=0),
        label=label,
        state=state,
    )
    try:
        data = _save_json(payload)
    except ValueError as exc:
        raise SaveError(
            f"{path}: could not save (the game's state cannot be written: {exc}); "
            "earlier saves are intact"
        ) from None
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SaveError(
            f"{folder}: cannot create the saves folder ({exc.strerror})",
            "choose another folder with --saves-dir",
        ) from None
    if not folder.is_dir():
        raise SaveError(
            f"{folder}: the saves folder is not a folder", "choose another folder with --saves-dir"
        )
    tmp = folder / f".{path.name}.tmp-{secrets.token_hex(4)}"
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        try:
            view = memoryview(data)
            while view:
                n = os.write(fd, view)
                view = view[n:]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise SaveError(
            f"{path}: could not save ({exc.strerror}); earlier saves are intact",
            "free some disk space or choose another folder",
        ) from None
    _fsync_dir(folder)
    return path


def _read_bounded(path: Path) -> bytes:
    """The bytes of the regular file at ``path``, refused past :data:`MAX_SAVE_BYTES`.

    A pipe or a device named like a save (a FIFO, a link to ``/dev/zero``) is
    refused instead of hanging the game or filling its memory: it is checked
    before it is opened, and again once open (without blocking), in case it
    was swapped in between.
    """
    if not stat.S_ISREG(os.stat(path).st_mode):
        if path.is_dir():
            raise IsADirectoryError
        raise SaveError(f"{path}: not a save but a pipe or device; it was not read")
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(fd, "rb") as fh:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise IsADirectoryError
        if not stat.S_ISREG(st.st_mode):
            raise SaveError(f"{path}: not a save but a pipe or device; it was not read")
        if st.st_size > MAX_SAVE_BYTES:
            raise SaveError(f"{path}: too large to be a save ({st.st_size:,} bytes)")
        raw = fh.read(MAX_SAVE_BYTES + 1)
    if len(raw) > MAX_SAVE_BYTES:
        raise SaveError(f"{path}: too large to be a save (over {MAX_SAVE_BYTES:,} bytes)")
    return raw


def read_save(path: Path) -> SaveFile:
    """Read and validate a save file without changing it; raises SaveError."""
    try:
        raw = _read_bounded(path)
    except FileNotFoundError:
        raise SaveError(f"{path}: no such save") from None
    except IsADirectoryError:
        raise SaveError(f"{path}: is a folder, not a save") from None
    except OSError as exc:
        raise SaveError(f"{path}: cannot be read ({exc.strerror})") from None
    try:
        obj = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise SaveError(f"{path}: not a readable save (damaged or truncated)") from None
    if not isinstance(obj, dict) or obj.get("kind") != "summit-save":
        raise SaveError(f"{path}: not a Summit save")
    version = obj.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise SaveError(f"{path}: the save has no valid version number")
    if version > SAVE_VERSION:
        raise SaveError(
            f"{path}: written by a newer Summit (save format {version}); "
            f"this one reads up to {SAVE_VERSION}",
            "update Summit to load it",
        )
    try:
        d = statejson.fields_of(
            obj, SaveFile, ("pack_id", "pack_version", "pack_digest", "saved_at", "state")
        )
        return SaveFile(
            version=version,
            pack_id=statejson.text(d["pack_id"]),
            pack_version=statejson.text(d["pack_version"]),
            pack_digest=statejson.text(d["pack_digest"]),
            saved_at=statejson.moment(d["saved_at"]),
            label=statejson.text(d.get("label", "")),
            state=statejson.state(d["state"]),
        )
    except (ValueError, RecursionError):
        raise SaveError(
            f"{path}: the save is damaged (its contents do not fit the format)"
        ) from None


def load_save(path: Path, pack: Pack) -> GameState:
    """Read a save and check it against ``pack``; the state, rebuilt and verified.

    A save from an edited version of the same pack loads when its decisions
    still replay; otherwise the reason names the decision or scene that is gone.
    """
    save = read_save(path)
    if save.pack_id != pack.id:
        raise SaveError(
            f"{path}: this save is for pack {save.pack_id!r}, not {pack.id!r}",
            "load it with --content pointing at that pack",
        )
    state = save.state
    missing = [s for s in state.positions.values() if s not in pack.scenes]
    if missing and save.pack_digest != pack.digest:
        raise SaveError(
            f"{path}: the save is at scene {missing[0]!r}, which this version of "
            "the pack no longer has",
            "ask the pack's author, or start a new game",
        )
    # The decision log is the truth: rebuilding from it catches a damaged file
    # (same pack) and carries a save across an edited pack (when it still replays).
    try:
        rebuilt = replay(pack, state)
    except (GameError, KeyError):
        if save.pack_digest == pack.digest:
            raise SaveError(f"{path}: the save is damaged (its decisions do not replay)") from None
        raise SaveError(
            f"{path}: the pack has changed since this save and its decisions no longer replay",
            "start a new game, or use the pack it was made with",
        ) from None
    if save.pack_digest == pack.digest and (
        rebuilt.positions != state.positions
        or rebuilt.meters != state.meters
        or rebuilt.flags != state.flags
        or rebuilt.turn != state.turn
    ):
        raise SaveError(f"{path}: the save is damaged (its state does not match its decisions)")
    return rebuilt


def list_saves(folder: Path) -> list[SaveInfo]:
    """Every save in ``folder``, newest first, with a reason for those that will not load."""
    out: list[SaveInfo] = []
    if not folder.is_dir():
        return out
    clean_temporary(folder)
    try:
        inside = folder.resolve(strict=True)
    except (OSError, RuntimeError):
        return out
    for path in folder.glob("*.json"):
        if path.is_symlink():
            try:
                path.resolve(strict=True).relative_to(inside)
            except (OSError, RuntimeError, ValueError):
                why = f"{path}: a link that leads outside the saves folder; it was not read"
                out.append(SaveInfo(path.stem, path, None, "", why))
                continue
        try:
            save = read_save(path)
        except SaveError as exc:
            out.append(SaveInfo(path.stem, path, None, "", exc.message))
            continue
        out.append(SaveInfo(path.stem, path, save.saved_at, save.label))
    far_past = dt.datetime.min.replace(tzinfo=dt.UTC)
    out.sort(key=lambda s: s.saved_at or far_past, reverse=True)
    return out


def clean_temporary(folder: Path, older_than: float = 60.0) -> int:
    """Delete temporary files left by interrupted saves; returns how many went.

    Only files older than ``older_than`` seconds go, so a save being written by
    another process at this moment is left alone.
    """
    gone = 0
    now = time.time()
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return 0
    for entry in entries:
        if _TMP.match(entry.name):
            try:
                if now - entry.stat(follow_symlinks=False).st_mtime >= older_than:
                    os.unlink(entry.path)
                    gone += 1
            except OSError:
                pass
    return gone
