"""Loading a pack: every file read safely, every problem located, nothing raised.

:func:`load_pack` returns the playable :class:`~summit_game.pack.Pack` and
the diagnostics; :func:`require_pack` raises :class:`ContentError` for
callers that cannot go on without a pack.  The checks run in the order of
root causes (files, syntax, schema, references, graph), and the graph checks
are skipped while earlier errors would make them cascade.
"""

from __future__ import annotations

import difflib
import gc
import hashlib
import os
import types
import typing
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from summit_game.conditions import Condition, Names, UnknownNameError, compile_condition
from summit_game.diagnostics import Diagnostic, make, sort_key
from summit_game.errors import ConditionError, ContentError
from summit_game.forms import (
    PlayCheckpoint,
    PlayEnding,
    PlayHistory,
    PlayMeter,
    PlayRole,
    PlayScenario,
    PlaySource,
    PlayTerm,
)
from summit_game.model import GlossaryEntry, Scenario, Scene, ScenesFile
from summit_game.pack import Effects, Pack, PlayChoice, PlayEvent, PlayScene
from summit_game.record import Record
from summit_game.text import visible
from summit_game.yamlread import Path_, YamlDoc, read_file

#: A pack with more files than this is refused (SG013): it is not hand-written.
MAX_FILES = 20_000
#: Name comparisons that "did you mean" hints may cost in one load.  Each hint
#: compares the unknown name with every known one, so a pack with hundreds of
#: broken references (a truncated scenario.yaml) would otherwise take seconds;
#: past the budget, hints just say that no such id exists.
MAX_SUGGESTION_WORK = 10_000
#: Problems reported for one file before the rest of it is left unchecked
#: (SG099): a file of 200,000 broken values would otherwise take seconds and
#: print 200,000 lines.
MAX_ERRORS_PER_FILE = 100


@dataclass
class LoadResult:
    """What loading produced: the pack (None when any error) and every diagnostic."""

    pack: Pack | None
    diagnostics: list[Diagnostic]
    partial: Pack | None = None
    """The pack even when only the graph checks failed (unreachable scenes, dead
    ends, loops): enough to draw its graph and explore it, not to play it."""

    @property
    def errors(self) -> list[Diagnostic]:
        """Only the problems that stop the pack from loading."""
        return [d for d in self.diagnostics if d.is_error]


def require_pack(root: Path, cache: Path | None = None) -> Pack:
    """Load a pack or raise :class:`ContentError` with every diagnostic."""
    result = load_pack(root, cache)
    if result.pack is None:
        raise ContentError(result.diagnostics)
    return result.pack


def load_pack(root: Path, cache: Path | None = None) -> LoadResult:
    """Read, validate and compile the pack in folder ``root``; never raises.

    ``cache`` is a folder where parsed files are kept by content hash, so an
    unchanged pack starts without parsing its YAML again.
    """
    # Loading builds a large tree of long-lived objects and frees almost none,
    # so the cyclic garbage collector would only rescan the growing tree again
    # and again (a third of the time on a 10,000-scene pack): hold it off.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _Loader(root, cache).run()
    finally:
        if collecting:
            gc.enable()


# --------------------------------------------------------------------------- schema


def _members(ann: Any) -> Iterator[Any]:
    """The alternatives of a (possibly Annotated / Optional / Union) annotation."""
    origin = typing.get_origin(ann)
    if origin is typing.Annotated:
        yield from _members(typing.get_args(ann)[0])
    elif origin in (typing.Union, types.UnionType):
        for arg in typing.get_args(ann):
            yield from _members(arg)
    else:
        yield ann


def _descend(ann: Any, part: str | int) -> Any:
    for member in _members(ann):
        if isinstance(member, type) and issubclass(member, BaseModel) and isinstance(part, str):
            for name, f in member.model_fields.items():
                if part in (name, f.alias):
                    return f.annotation
        origin = typing.get_origin(member)
        if origin is list and isinstance(part, int):
            return typing.get_args(member)[0]
        if origin is dict and isinstance(part, str):
            return typing.get_args(member)[1]
    return None


def _model_at(cls: Any, loc: Path_) -> type[BaseModel] | None:
    ann = cls
    for part in loc:
        ann = _descend(ann, part)
        if ann is None:
            return None
    for member in _members(ann):
        if isinstance(member, type) and issubclass(member, BaseModel):
            return member
    return None


def _keys_of(model: type[BaseModel]) -> list[str]:
    return [f.alias or name for name, f in model.model_fields.items()]


def _clean_loc(data: Any, loc: tuple[Any, ...], keep_last: bool) -> Path_:
    """Drop pydantic's union tags (``'str'``, ``'list[Branch]'``) from a location."""
    out: list[str | int] = []
    cur: Any = data
    for i, part in enumerate(loc):
        last = i == len(loc) - 1
        if (isinstance(cur, dict) and isinstance(part, str) and part in cur) or (
            isinstance(cur, list) and isinstance(part, int) and 0 <= part < len(cur)
        ):
            out.append(part)
            cur = cur[part] if isinstance(cur, dict) else cur[int(part)]
        elif last and keep_last and isinstance(part, str | int):
            out.append(part)
    return tuple(out)


_TYPE_WORDS = {
    "string": "text",
    "int": "a whole number",
    "float": "a number",
    "bool": "true or false",
    "list": "a list",
    "dict": "a mapping (key: value lines)",
    "model": "a mapping (key: value lines)",
    "date": "a date (YYYY-MM-DD)",
}


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return f"the yes/no value {str(value).lower()}"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if value is None:
        return "nothing"
    return f"{type(value).__name__} {value!r}"


def _schema_diagnostics(
    exc: ValidationError,
    cls: type[BaseModel],
    doc: YamlDoc,
    display: str,
    prefix: Path_ = (),
    where_prefix: str = "",
) -> list[Diagnostic]:
    """Turn pydantic's errors into located, teacher-readable diagnostics.

    ``prefix`` places errors of a model validated inside a larger file (one
    scene of a scenes file).  A misspelt required key (``titel``) is one
    problem, so its "missing key" is folded into the "unknown key" hint.
    """
    found: dict[tuple[Path_, str], Diagnostic] = {}
    errors = exc.errors(include_url=False)[:MAX_ERRORS_PER_FILE]
    missing = {
        _clean_loc(doc.data, prefix + tuple(e["loc"]), keep_last=True)
        for e in errors
        if e["type"] == "missing"
    }
    folded: set[Path_] = set()
    for err in errors:
        etype = err["type"]
        loc = _clean_loc(doc.data, prefix + tuple(err["loc"]), keep_last=etype == "missing")
        if any(loc[:i] in doc.bad_paths for i in range(len(loc) + 1)):
            continue
        line = doc.line(loc)
        where = "/".join(str(p) for p in loc) or "the file"
        value = err.get("input")
        if etype == "extra_forbidden":
            key = str(loc[-1]) if loc else "?"
            model = _model_at(cls, loc[:-1])
            known = _keys_of(model) if model else []
            near = difflib.get_close_matches(key, known, n=1, cutoff=0.5)
            hint = f"did you mean {near[0]!r}?" if near else f"known keys: {', '.join(known)}"
            if near and (*loc[:-1], near[0]) in missing:
                folded.add((*loc[:-1], near[0]))
                hint = f"did you mean {near[0]!r}? It is required here"
            d = make("SG020", display, line, f"unknown key {key!r}", hint)
        elif etype == "missing":
            d = make(
                "SG021",
                display,
                line,
                f"missing key {str(loc[-1])!r} in {where_prefix or _parent(loc)}",
                "add it; see docs/authoring.md for what it means",
            )
        elif etype == "string_pattern_mismatch":
            d = make(
                "SG023",
                display,
                line,
                f"{value!r} is not a valid id ({where})",
                "ids use lowercase letters, digits, '_' and '-', starting with a letter",
            )
        elif etype.startswith("date") or etype.startswith("datetime"):
            d = make(
                "SG024",
                display,
                line,
                f"{_describe(value)} is not a date ({where})",
                "write a real date as YYYY-MM-DD",
            )
        elif etype == "literal_error":
            d = make(
                "SG026",
                display,
                line,
                f"{where} must be {err.get('ctx', {}).get('expected')}",
                "this program reads format 1 packs",
            )
        elif etype == "string_too_long":
            d = make("SG026", display, line, f"{where} is too long", err["msg"])
        else:
            expected = next((w for k, w in _TYPE_WORDS.items() if etype.startswith(k)), None)
            hint = None
            if isinstance(value, bool) and (expected == "text" or etype.startswith("string")):
                hint = "YAML reads yes/no/on/off/true/false as a boolean: quote the text"
            elif isinstance(value, int | float) and expected == "text":
                hint = "quote it to make it text"
            elif value is None:
                hint = "the value is empty: write one after the ':'"
            message = f"{where} should be {expected or 'something else'}, not {_describe(value)}"
            d = make("SG022", display, line, message, hint)
        key2 = (loc, d.code)
        # A union reports once per alternative: keep the first, it is enough.
        found.setdefault(key2, d)
    return [d for (loc, code), d in found.items() if not (code == "SG021" and loc in folded)]


def _shown(path: str) -> str:
    """A file name as diagnostics print it: one line, escape sequences made visible.

    A file named ``\x1b[2J.yaml`` (say, from an unpacked archive) must not
    clear the terminal of whoever runs ``check`` on the pack.
    """
    return visible(path).replace("\n", "\\x0a")


def _parent(loc: Path_) -> str:
    parent = loc[:-1]
    return "/".join(str(p) for p in parent) if parent else "the top of the file"


# --------------------------------------------------------------------------- loader

#: A valid scene as loaded: the model, its file (for lines), the file's name as
#: shown, the scene's line, and the index in the file its lines are found under.
_Placed = tuple[Scene, YamlDoc, str, int, int]


class _Loader:
    def __init__(self, root: Path, cache: Path | None = None) -> None:
        self.given = root
        self.cache = cache
        #: Ids of scenes that failed validation: references to them are fine.
        self.broken_ids: set[str] = set()
        #: True when a scenes file could not be read at all: its ids are unknown,
        #: so "unknown scene" would only echo that root cause.
        self.incomplete = False
        #: Flags named in `set:` lists anywhere, broken scenes included, so a
        #: broken scene does not make every condition on its flags an error.
        self.raw_flags: set[str] = set()
        self.sdoc: YamlDoc | None = None
        self.diags: list[Diagnostic] = []
        self.digest = hashlib.sha256()
        #: "Did you mean" answers already worked out, and the work spent on them.
        self.suggested: dict[tuple[str, str, float], str | None] = {}
        self.suggestion_work = 0

    def display(self, path: Path) -> str:
        try:
            rel = path.relative_to(self.root)
        except ValueError:
            return _shown(str(path))
        return _shown(os.path.join(str(self.given), str(rel)))

    def add(self, code: str, file: str, line: int, message: str, hint: str | None = None) -> None:
        self.diags.append(make(code, file, line, message, hint))

    def read(self, path: Path, display: str) -> YamlDoc:
        doc = read_file(path, display, self.root, self.cache)
        self.diags.extend(doc.diagnostics)
        self.digest.update(display.encode())
        self.digest.update(doc.digest.encode())
        return doc

    def validate(self, doc: YamlDoc, cls: type[BaseModel], display: str) -> Any:
        if doc.data is None:
            return None
        if not isinstance(doc.data, dict):
            self.add(
                "SG012",
                display,
                doc.line(()),
                f"the file holds {_describe(doc.data)}",
                "a pack file must be a mapping of keys to values",
            )
            return None
        try:
            return cls.model_validate(doc.data)
        except ValidationError as exc:
            self.diags.extend(_schema_diagnostics(exc, cls, doc, display))
            return None
        except RecursionError:
            self.add("SG010", display, 1, "the file nests too deeply", "flatten it")
            return None

    def validate_scenes(self, doc: YamlDoc, display: str) -> list[tuple[int, Scene, int]]:
        """The valid scenes of one file; a broken scene still lends its id.

        Scenes are validated one by one, so one bad scene costs only itself,
        and references to a broken scene's id are not reported a second time.
        Each comes with its index in the file and the index of the first item
        with its id (where its later diagnostics are placed).
        """
        data = doc.data
        if data is None:
            self.incomplete = True
            return []
        if not isinstance(data, dict):
            self.add(
                "SG012",
                display,
                doc.line(()),
                f"the file holds {_describe(data)}",
                "a scenes file is a mapping with one key, `scenes:`, holding a list",
            )
            self.incomplete = True
            return []
        for key in data:
            if key != "scenes":
                near = difflib.get_close_matches(str(key), ["scenes"], n=1, cutoff=0.5)
                self.add(
                    "SG020",
                    display,
                    doc.line((key,)),
                    f"unknown key {key!r}",
                    "did you mean 'scenes'?" if near else "a scenes file holds only `scenes:`",
                )
        if "scenes" not in data:
            self.add(
                "SG021",
                display,
                doc.line(()),
                "missing key 'scenes'",
                "put the scenes in a list under `scenes:`",
            )
            self.incomplete = True
            return []
        items = data["scenes"]
        if not isinstance(items, list):
            self.add(
                "SG022",
                display,
                doc.line(("scenes",)),
                f"scenes should be a list, not {_describe(items)}",
                "write each scene as a list item starting with `- id: ...`",
            )
            self.incomplete = True
            return []
        out: list[tuple[int, Scene, int]] = []
        firsts: dict[str, int] = {}
        for i, item in enumerate(items):
            if not isinstance(item, dict):
                continue
            sid = item.get("id")
            if sid.__class__ is str and sid not in firsts:
                firsts[sid] = i
            choices = item.get("choices")
            for choice in choices if isinstance(choices, list) else []:
                flags = choice.get("set") if isinstance(choice, dict) else None
                if isinstance(flags, list):
                    self.raw_flags.update(f for f in flags if isinstance(f, str))
        first = len(self.diags)
        for i, item in enumerate(items):
            if len(self.diags) - first >= MAX_ERRORS_PER_FILE:
                self.stop_checking(items[i:], display, doc.line(("scenes", i)))
                break
            try:
                scene = Scene.model_validate(item)
                out.append((i, scene, firsts.get(scene.id, 0)))
            except ValidationError as exc:
                self.diags.extend(_schema_diagnostics(exc, ScenesFile, doc, display, ("scenes", i)))
                self.mark_broken(item)
        return out

    def mark_broken(self, item: Any) -> None:
        """A scene that is not valid still lends its id, so links to it stay quiet."""
        sid = item.get("id") if isinstance(item, dict) else None
        if isinstance(sid, str):
            self.broken_ids.add(sid)
        else:
            self.incomplete = True

    def stop_checking(self, rest: list[Any], display: str, line: int) -> None:
        """Give up on a file after :data:`MAX_ERRORS_PER_FILE` problems (SG099)."""
        for item in rest:
            self.mark_broken(item)
        self.add(
            "SG099",
            display,
            line,
            f"stopped checking this file after {MAX_ERRORS_PER_FILE} problems; "
            f"its last {len(rest):,} scenes were not checked",
            "fix the problems above and run check again",
        )

    # -------------------------------------------------------------- files

    def scene_files(self) -> list[Path]:
        scenes_dir = self.root / "scenes"
        if scenes_dir.is_symlink():
            try:
                scenes_dir.resolve(strict=True).relative_to(self.root)
            except (ValueError, OSError, RuntimeError):
                self.add(
                    "SG003",
                    self.display(scenes_dir),
                    0,
                    "scenes/ is a link that leads outside the pack; it was not read",
                    "make scenes/ a real folder inside the pack",
                )
                self.incomplete = True
                return []
        if not scenes_dir.is_dir():
            self.incomplete = True
            self.add(
                "SG013",
                self.display(scenes_dir),
                0,
                "the pack has no scenes/ folder",
                "create scenes/ and put files holding `scenes:` in it",
            )
            return []
        files: list[Path] = []
        for dirpath, dirnames, filenames in os.walk(scenes_dir, followlinks=False):
            here = Path(dirpath)
            for d in list(dirnames):
                p = here / d
                if p.is_symlink():
                    dirnames.remove(d)
                    try:
                        p.resolve(strict=True).relative_to(self.root)
                    except (ValueError, OSError, RuntimeError):
                        self.add(
                            "SG003",
                            self.display(p),
                            0,
                            "this folder link leads outside the pack; it was not read",
                            "copy the files into the pack instead of linking",
                        )
            dirnames.sort()
            for name in sorted(filenames):
                if name.endswith((".yaml", ".yml")) and not name.startswith("."):
                    files.append(here / name)
                    if len(files) > MAX_FILES:
                        self.add(
                            "SG013",
                            self.display(scenes_dir),
                            0,
                            f"more than {MAX_FILES:,} scene files",
                            "merge them",
                        )
                        return files[:MAX_FILES]
        if not files:
            self.add(
                "SG013",
                self.display(scenes_dir),
                0,
                "scenes/ holds no .yaml files",
                "add a file holding `scenes:`",
            )
        return files

    # -------------------------------------------------------------- run

    def run(self) -> LoadResult:
        try:
            self.root = self.given.resolve(strict=True)
        except (OSError, RuntimeError):
            self.add(
                "SG013",
                _shown(str(self.given)),
                0,
                "no such pack folder",
                "give the folder that holds scenario.yaml",
            )
            return LoadResult(None, self.diags)
        if not self.root.is_dir():
            self.add(
                "SG013",
                _shown(str(self.given)),
                0,
                "not a folder",
                "give the folder that holds scenario.yaml",
            )
            return LoadResult(None, self.diags)
        scenario_path = self.root / "scenario.yaml"
        scenario: Scenario | None = None
        if not scenario_path.exists() and not scenario_path.is_symlink():
            self.add(
                "SG013",
                self.display(scenario_path),
                0,
                "the pack has no scenario.yaml",
                "every pack needs scenario.yaml: run `summit-game new pack NAME` for one",
            )
        else:
            sdisplay = self.display(scenario_path)
            sdoc = self.sdoc = self.read(scenario_path, sdisplay)
            scenario = self.validate(sdoc, Scenario, sdisplay)
            if scenario is not None:
                self.check_scenario(scenario, sdoc, sdisplay)

        glossary: dict[str, GlossaryEntry] = {}
        gpath = self.root / "glossary.yaml"
        if gpath.exists() or gpath.is_symlink():
            glossary = self.load_glossary(gpath, scenario)

        scenes: dict[str, _Placed] = {}
        for path in self.scene_files():
            display = self.display(path)
            doc = self.read(path, display)
            for i, scene, index in self.validate_scenes(doc, display):
                line = doc.line(("scenes", i))
                if scene.id in scenes:
                    _, _, ofile, oline, _ = scenes[scene.id]
                    self.add(
                        "SG030",
                        display,
                        doc.line(("scenes", i, "id")),
                        f"scene id {scene.id!r} is used twice (also at {ofile}:{oline})",
                        "scene ids must be unique across the whole pack",
                    )
                    continue
                scenes[scene.id] = (scene, doc, display, line, index)
            # The values are in the models now; only lines are asked of the file
            # from here on (its text is kept for them), so its tree can go.
            doc.data = None

        pack = None
        if scenario is not None:
            pack = self.cross_check(scenario, scenes, glossary)
        elif any(d.is_error for d in self.diags):
            self.announce_skipped()
        self.diags.sort(key=sort_key)
        if any(d.is_error for d in self.diags):
            return LoadResult(None, self.diags, pack)
        return LoadResult(pack, self.diags, pack)

    # -------------------------------------------------------------- scenario

    def check_scenario(self, sc: Scenario, doc: YamlDoc, display: str) -> None:
        if sc.start > sc.end:
            self.add(
                "SG026",
                display,
                doc.line(("end",)),
                "the scenario ends before it starts",
                "swap start and end",
            )
        for mid, m in sc.meters.items():
            line = doc.line(("meters", mid))
            if m.min >= m.max:
                self.add("SG026", display, line, f"meter {mid!r}: min must be below max")
            elif not m.min <= m.start <= m.max:
                self.add(
                    "SG026",
                    display,
                    doc.line(("meters", mid, "start")),
                    f"meter {mid!r} starts at {m.start}, outside {m.min}..{m.max}",
                    "put start between min and max",
                )
        for rid, role in sc.roles.items():
            del rid, role  # start scenes are checked once the scenes are known
        last = None
        for i, cp in enumerate(sc.record):
            line = doc.line(("record", i))
            if not sc.start <= cp.date <= sc.end:
                self.add(
                    "SG025",
                    display,
                    doc.line(("record", i, "date")),
                    f"checkpoint date {cp.date} is outside {sc.start}..{sc.end}",
                )
            if last is not None and cp.date < last:
                self.add(
                    "SG061",
                    display,
                    line,
                    f"checkpoint {cp.date} comes after a later one",
                    "list checkpoints oldest first",
                )
            last = cp.date
            for mid, v in cp.values.items():
                if mid not in sc.meters:
                    self.unknown(
                        "SG033",
                        display,
                        doc.line(("record", i, "values", mid)),
                        "meter",
                        mid,
                        sc.meters,
                    )
                elif not sc.meters[mid].min <= v <= sc.meters[mid].max:
                    self.add(
                        "SG026",
                        display,
                        doc.line(("record", i, "values", mid)),
                        f"record value {v} for {mid!r} is outside the meter's bounds",
                    )
            self.check_sources(cp.sources, sc, display, doc, ("record", i, "sources"))

    def unknown(
        self, code: str, display: str, line: int, kind: str, name: str, known: Iterable[str]
    ) -> None:
        if code == "SG031" and (name in self.broken_ids or self.incomplete):
            return  # the scene exists but is broken, or its file is: reported there
        near = self.nearest(kind, name, known, 0.6)
        hint = f"did you mean {near!r}?" if near else f"no {kind} has that id"
        self.add(code, display, line, f"unknown {kind} {name!r}", hint)

    def nearest(
        self, kind: str, name: str, known: Iterable[str], cutoff: float, budget: bool = True
    ) -> str | None:
        """The known name closest to ``name``, remembered, within :data:`MAX_SUGGESTION_WORK`."""
        key = (kind, name, cutoff)
        if key in self.suggested:
            return self.suggested[key]
        candidates = list(known)
        if budget and self.suggestion_work + len(candidates) > MAX_SUGGESTION_WORK:
            return None
        self.suggestion_work += len(candidates)
        near = difflib.get_close_matches(name, candidates, n=1, cutoff=cutoff)
        self.suggested[key] = near[0] if near else None
        return self.suggested[key]

    def check_sources(
        self, ids: list[str], sc: Scenario | None, display: str, doc: YamlDoc, path: Path_
    ) -> None:
        if sc is None:
            return
        for j, sid in enumerate(ids):
            if sid not in sc.sources:
                self.unknown("SG034", display, doc.line((*path, j)), "source", sid, sc.sources)

    def load_glossary(self, path: Path, sc: Scenario | None) -> dict[str, GlossaryEntry]:
        display = self.display(path)
        doc = self.read(path, display)
        if doc.data is None:
            return {}
        if not isinstance(doc.data, dict):
            self.add(
                "SG012",
                display,
                doc.line(()),
                f"the glossary holds {_describe(doc.data)}",
                "write `term: {definition: ..., sources: [...]}` lines",
            )
            return {}
        out: dict[str, GlossaryEntry] = {}
        for term, entry in doc.data.items():
            if not isinstance(entry, dict):
                self.add(
                    "SG022",
                    display,
                    doc.line((term,)),
                    f"glossary term {term!r} should be a mapping with `definition`",
                    "write `definition:` and `sources:` under the term",
                )
                continue
            try:
                out[term] = GlossaryEntry.model_validate(entry)
            except ValidationError as exc:
                sub = YamlDoc(
                    entry,
                    {k[1:]: v for k, v in doc.lines.items() if k[:1] == (term,)},
                    [],
                    {p[1:] for p in doc.bad_paths if p[:1] == (term,)},
                )
                for d in _schema_diagnostics(
                    exc, GlossaryEntry, sub, display, where_prefix=f"glossary term {term!r}"
                ):
                    self.diags.append(d)
                continue
            self.check_sources(out[term].sources, sc, display, doc, (term, "sources"))
        return out

    # -------------------------------------------------------------- cross checks

    def cross_check(
        self,
        sc: Scenario,
        scenes: dict[str, _Placed],
        glossary: dict[str, GlossaryEntry],
    ) -> Pack | None:
        flags = set(self.raw_flags)
        for scene, *_ in scenes.values():
            for c in scene.choices:
                flags.update(c.set)
        names = Names(frozenset(sc.meters), frozenset(flags), frozenset(scenes))
        play: dict[str, PlayScene] = {}
        for sid, (scene, doc, display, line, index) in scenes.items():
            play[sid] = self.compile_scene(sc, scene, doc, display, line, index, names, scenes)
        sdisplay = self.display(self.root / "scenario.yaml")
        for rid, role in sc.roles.items():
            if role.start not in scenes:
                line = self.sdoc.line(("roles", rid, "start")) if self.sdoc else 0
                self.unknown("SG031", sdisplay, line, "scene", role.start, scenes)
            elif scenes[role.start][0].role != rid:
                s = scenes[role.start]
                self.add(
                    "SG032",
                    s[2],
                    s[3],
                    f"role {rid!r} starts at {role.start!r}, a scene of role "
                    f"{scenes[role.start][0].role!r}",
                    "start each role on one of its scenes",
                )
        if any(d.is_error for d in self.diags):
            self.announce_skipped()
            return None
        self.check_graph(sc, play, scenes)
        locations = {sid: (v[2], v[3]) for sid, v in scenes.items()}
        scenario = scenario_form(sc)
        return Pack(
            self.root,
            scenario,
            play,
            {term: term_form(e) for term, e in glossary.items()},
            Record(scenario),
            self.digest.hexdigest(),
            locations,
            tuple(d for d in self.diags if not d.is_error),
        )

    def announce_skipped(self) -> None:
        """Say that the graph checks did not run (SG099), once."""
        where = _shown(str(self.given))
        if not any(d.code == "SG099" and d.file == where for d in self.diags):
            self.add(
                "SG099",
                where,
                0,
                "reachability, dead-end and loop checks were skipped",
                "fix the errors above first; they would make these checks misleading",
            )

    def condition(
        self, text: str | None, names: Names, display: str, doc: YamlDoc, path: Path_, where: str
    ) -> Condition | None:
        """The compiled condition, or None after reporting it at the line of ``path``.

        The line is looked up only for a problem: placing a deep value may
        mean reading its file again (see :class:`~summit_game.yamlread.YamlDoc`).
        """
        if text is None:
            return None
        try:
            return compile_condition(text, names)
        except ConditionError as exc:
            line = doc.line(path)
            at = f" at column {exc.column}" if exc.column else ""
            hint = exc.hint or "see the condition language in docs/authoring.md"
            if not isinstance(exc, UnknownNameError):
                self.add("SG040", display, line, f"{where}: {exc.message}{at} in {text!r}", hint)
                return None
            token = exc.token
            if self.incomplete or token in self.broken_ids:
                return None  # the name may live in a file or scene reported already
            # A name close to a meter is a misspelt meter (SG041); any other
            # unknown name reads as a flag that no choice ever sets (SG035).
            # Remembered but never cut short by the budget: it decides the code.
            like_meter = self.nearest("meter", token, names.meters, 0.7, budget=False)
            if not exc.scene and not like_meter and token not in names.meters:
                self.add(
                    "SG035",
                    display,
                    line,
                    f"{where}: flag {token!r} is never set by any choice, in {text!r}",
                    exc.hint or f"add {token!r} to a choice's `set:` list, or fix the spelling",
                )
                return None
            self.add("SG041", display, line, f"{where}: {exc.message}{at} in {text!r}", hint)
            return None

    def effects(
        self, effects: dict[str, float | int], sc: Scenario, display: str, doc: YamlDoc, path: Path_
    ) -> Effects:
        out = []
        for mid, delta in effects.items():
            if mid not in sc.meters:
                self.unknown("SG033", display, doc.line((*path, mid)), "meter", mid, sc.meters)
            else:
                out.append((mid, float(delta)))
        return tuple(out)

    def compile_scene(
        self,
        sc: Scenario,
        scene: Scene,
        doc: YamlDoc,
        display: str,
        line: int,
        index: int,
        names: Names,
        scenes: dict[str, Any],
    ) -> PlayScene:
        base: Path_ = ("scenes", index)
        if scene.role not in sc.roles:
            self.unknown("SG032", display, doc.line((*base, "role")), "role", scene.role, sc.roles)
        if not sc.start <= scene.date <= sc.end:
            self.add(
                "SG025",
                display,
                doc.line((*base, "date")),
                f"scene date {scene.date} is outside the scenario's span {sc.start}..{sc.end}",
                "fix the date or widen start/end in scenario.yaml",
            )
        if scene.history is not None:
            self.check_sources(
                scene.history.sources, sc, display, doc, (*base, "history", "sources")
            )
        events = []
        for k, ev in enumerate(scene.events):
            epath = (*base, "events", k)
            if ev.by is not None and ev.by not in sc.roles:
                self.unknown("SG032", display, doc.line((*epath, "by")), "role", ev.by, sc.roles)
            self.check_sources(ev.sources, sc, display, doc, (*epath, "sources"))
            events.append(
                PlayEvent(
                    ev.text,
                    ev.by,
                    self.effects(ev.effects, sc, display, doc, (*epath, "effects")),
                    self.condition(ev.if_, names, display, doc, (*epath, "if"), "event condition"),
                    tuple(ev.sources),
                )
            )
        if scene.ending is not None and scene.choices:
            self.add(
                "SG053",
                display,
                line,
                f"scene {scene.id!r} is an ending but has choices",
                "remove `choices`, or remove `ending` if play goes on",
            )
        if scene.ending is None and not scene.choices:
            self.add(
                "SG051",
                display,
                line,
                f"scene {scene.id!r} has no choices and is not an ending",
                "add choices, or an `ending:` block with a title and summary",
            )
        choices = []
        # Lines are looked up only for problems (see `condition`).
        seen: dict[str, int] = {}  # choice id -> the index of its last choice so far
        historical = 0
        for j, ch in enumerate(scene.choices):
            cpath = (*base, "choices", j)
            if ch.id in seen:
                self.add(
                    "SG030",
                    display,
                    doc.line((*cpath, "id")),
                    f"choice id {ch.id!r} is used twice in scene {scene.id!r} "
                    f"(also at line {doc.line((*base, 'choices', seen[ch.id]))})",
                    "choice ids must be unique in a scene",
                )
            seen[ch.id] = j
            historical += ch.historical
            nxt: list[tuple[Condition | None, str]] = []
            if ch.next is None:
                if scene.ending is None:
                    self.add(
                        "SG051",
                        display,
                        doc.line(cpath),
                        f"choice {ch.id!r} has no `next`, so play stops here",
                        "add `next: <scene id>`",
                    )
            elif isinstance(ch.next, str):
                nxt.append((None, ch.next))
                if ch.next not in scenes:
                    self.unknown(
                        "SG031", display, doc.line((*cpath, "next")), "scene", ch.next, scenes
                    )
            else:
                if not ch.next:
                    self.add(
                        "SG042",
                        display,
                        doc.line((*cpath, "next")),
                        "the `next` list is empty",
                        "add at least one `- goto: <scene>`",
                    )
                for k, br in enumerate(ch.next):
                    bpath = (*cpath, "next", k)
                    last = k == len(ch.next) - 1
                    if last and br.if_ is not None:
                        self.add(
                            "SG042",
                            display,
                            doc.line(bpath),
                            "the last item of a `next` list must have no `if`",
                            "add a final `- goto: <scene>` for when nothing else holds",
                        )
                    if not last and br.if_ is None:
                        self.add(
                            "SG042",
                            display,
                            doc.line(bpath),
                            "only the last item of a `next` list may leave out `if`",
                            "items after it could never be taken",
                        )
                    if br.goto not in scenes:
                        self.unknown(
                            "SG031",
                            display,
                            doc.line((*cpath, "next", k, "goto")),
                            "scene",
                            br.goto,
                            scenes,
                        )
                    cond = self.condition(br.if_, names, display, doc, bpath, "`next` condition")
                    nxt.append((cond, br.goto))
            choices.append(
                PlayChoice(
                    ch.id,
                    ch.text,
                    self.condition(ch.if_, names, display, doc, (*cpath, "if"), "choice condition"),
                    self.effects(ch.effects, sc, display, doc, (*cpath, "effects")),
                    frozenset(ch.set),
                    ch.historical,
                    tuple(nxt),
                    ch.feedback,
                )
            )
        if historical > 1:
            self.add(
                "SG060",
                display,
                line,
                f"scene {scene.id!r} marks {historical} choices as historical",
                "mark only what the real actor did",
            )
        return scene_form(scene, tuple(choices), tuple(events))

    # -------------------------------------------------------------- graph

    def check_graph(
        self,
        sc: Scenario,
        play: dict[str, PlayScene],
        scenes: dict[str, _Placed],
    ) -> None:
        edges = {sid: [t for c in s.choices for _, t in c.next] for sid, s in play.items()}
        reach: set[str] = set()
        stack = [r.start for r in sc.roles.values()]
        while stack:
            s = stack.pop()
            if s in reach or s not in play:
                continue
            reach.add(s)
            stack.extend(edges[s])
        for sid in play:
            if sid not in reach:
                _, _, display, line, _ = scenes[sid]
                self.add(
                    "SG050",
                    display,
                    line,
                    f"no seat can reach scene {sid!r}",
                    "link it from a choice's `next`, or move the draft out of scenes/",
                )
        # Scenes from which some ending can be reached (conditions ignored).
        back: dict[str, list[str]] = {sid: [] for sid in play}
        for sid, targets in edges.items():
            for t in targets:
                back[t].append(sid)
        good = {sid for sid, s in play.items() if s.is_ending}
        stack = list(good)
        while stack:
            s = stack.pop()
            for p in back[s]:
                if p not in good:
                    good.add(p)
                    stack.append(p)
        stuck = [sid for sid in play if sid in reach and sid not in good and play[sid].choices]
        # Reported: each loop among them, once, at its first scene.  A scene
        # that only leads into a loop is not named: mending the loop mends it.
        # (Every other stuck scene leads to a dead end, which is SG051.)
        for loop in _loops(stuck, edges):
            sid = next(s for s in stuck if s in loop)
            _, _, display, line, _ = scenes[sid]
            names = ", ".join(sorted(loop)[:5]) + (" ..." if len(loop) > 5 else "")
            self.add(
                "SG052",
                display,
                line,
                f"scenes {names} form a loop that no choice leaves",
                "give one of them a choice whose `next` leads on toward an ending",
            )
        for sid, here in play.items():
            for j, c in enumerate(here.choices):
                for _, t in c.next:
                    if t in play and play[t].date < here.date and play[t].role == here.role:
                        _, doc, display, _, index = scenes[sid]
                        line = doc.line(("scenes", index, "choices", j))
                        self.add(
                            "SG062",
                            display,
                            line,
                            f"choice {c.id!r} leads to {t!r}, dated {play[t].date}, "
                            f"before this scene's {here.date}",
                            "check the dates",
                        )


def _loops(nodes: list[str], edges: dict[str, list[str]]) -> list[set[str]]:
    """The loops among ``nodes``: their strongly connected components that cycle.

    Tarjan's algorithm, with an explicit stack (a pack may chain thousands of
    scenes, deeper than Python's recursion allows).  A component cycles when
    it has two scenes or more, or one scene that leads back to itself; only
    edges between ``nodes`` count.  Loops come in no particular order.
    """
    allowed = set(nodes)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    loops: list[set[str]] = []
    for root in nodes:
        if root in index:
            continue
        work = [(root, iter([t for t in edges.get(root, []) if t in allowed]))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, targets = work[-1]
            for t in targets:
                if t not in index:
                    index[t] = low[t] = len(index)
                    stack.append(t)
                    on_stack.add(t)
                    work.append((t, iter([u for u in edges.get(t, []) if u in allowed])))
                    break
                if t in on_stack:
                    low[node] = min(low[node], index[t])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    component = set()
                    while True:
                        s = stack.pop()
                        on_stack.discard(s)
                        component.add(s)
                        if s == node:
                            break
                    if len(component) > 1 or node in edges.get(node, []):
                        loops.append(component)
    return loops


# ----------------------------------------------------------------------------- play forms


def scenario_form(sc: Scenario) -> PlayScenario:
    """The validated scenario as the game plays it (``forms.py``: no pydantic)."""
    return PlayScenario(
        id=sc.id,
        title=sc.title,
        summary=sc.summary,
        version=sc.version,
        start=sc.start,
        end=sc.end,
        roles={
            rid: PlayRole(
                r.name, r.brief, r.start, tuple(r.goals), tuple(r.red_lines), r.answers_to
            )
            for rid, r in sc.roles.items()
        },
        meters={
            mid: PlayMeter(m.label, m.start, m.help, m.min, m.max) for mid, m in sc.meters.items()
        },
        record=tuple(
            PlayCheckpoint(cp.date, dict(cp.values), cp.note, tuple(cp.sources)) for cp in sc.record
        ),
        sources={
            sid: PlaySource(src.title, src.publisher, src.date, src.url)
            for sid, src in sc.sources.items()
        },
    )


def term_form(entry: GlossaryEntry) -> PlayTerm:
    """A validated glossary entry as the game shows it."""
    return PlayTerm(entry.definition, tuple(entry.sources), tuple(entry.aliases))


def scene_form(
    scene: Scene, choices: tuple[PlayChoice, ...], events: tuple[PlayEvent, ...]
) -> PlayScene:
    """A validated scene, with its compiled choices and events, as the engine plays it."""
    h, e = scene.history, scene.ending
    return PlayScene(
        scene.id,
        scene.role,
        scene.date,
        scene.title,
        choices,
        events,
        scene.text,
        scene.place,
        None if h is None else PlayHistory(h.summary, tuple(h.sources)),
        scene.counterfactual,
        scene.prompt,
        None if e is None else PlayEnding(e.title, e.summary, e.historical),
    )
