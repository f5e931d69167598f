"""Reading one YAML file of a pack safely, with a line for every value.

PyYAML's own loaders are not enough for teachers' files: ``safe_load``
keeps the last of two duplicate keys without a word, raises ``ValueError``
and ``RecursionError`` besides ``YAMLError``, reports some bad bytes by
character offset, and expands aliases without limit.  So we let libyaml (or
the pure-Python parser) *compose* the node tree and build the Python values
ourselves, in one walk that also

* records the 1-based line of every mapping value and list item (keyed by
  its path, e.g. ``("scenes", 3, "choices", 0, "next")``) so schema errors
  can be placed;
* rejects duplicate keys naming both lines, any tag outside YAML's core
  schema, non-text keys, and structures that are too deep or that aliases
  blow up past a budget.

Most files have none of these problems, so they are first read by a tighter
loop (:func:`_fast_build`) that builds the same values, records only the
lines of the top levels, and gives up at anything unusual; the full builder
then reads the file again and reports it.  Deeper lines of a usual file are
placed when first asked for (:class:`YamlDoc`), which on a clean pack is never.

The limits are documented in ``docs/diagnostics.md``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import stat
from pathlib import Path
from typing import TYPE_CHECKING, Any

from summit_game.diagnostics import Diagnostic, make

if TYPE_CHECKING:
    import yaml

# PyYAML is imported on first use, not with this module: a start-up that finds
# every file in the parse cache never parses YAML, and the import costs 10-20 ms.

#: Larger files are refused unread (SG002).  The biggest real scene file is
#: tens of kilobytes; 2 MiB leaves room while keeping a hostile file cheap.
MAX_FILE_BYTES = 2 * 1024 * 1024
#: Values (scalars, lists, mappings) one file may expand to, aliases included.
MAX_NODES = 200_000
#: How deeply lists and mappings may nest.
MAX_DEPTH = 40

Path_ = tuple[str | int, ...]

#: PyYAML's libyaml parser when it is there, else its pure-Python one (see _yaml).
_Loader: type[Any] | None = None

_CORE = "tag:yaml.org,2002:"
_SCALAR_TAGS = {f"{_CORE}{t}" for t in ("str", "int", "float", "bool", "null", "timestamp")}
_BAD_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufeff\ufffe\uffff]")
_TAB_INDENT = re.compile(r"^ *\t", re.MULTILINE)
#: The C0 controls of _BAD_CHARS as bytes, and the UTF-8 lead bytes of the rest
#: (C1 controls start with 0xC2, U+FEFF/U+FFFE/U+FFFF with 0xEF).
_C0_BYTES = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])


def _find_bad(text: str) -> re.Match[str] | None:
    """``_BAD_CHARS.search(text)``, answered in C for the usual clean file.

    The regular expression scans about 5 ns a character (0.2 ms a scene file);
    deleting the C0 bytes and looking for two lead bytes takes a tenth of that.
    """
    data = text.encode("utf-8", "surrogatepass")
    if len(data.translate(None, _C0_BYTES)) == len(data) and (
        b"\xc2" not in data and b"\xef" not in data
    ):
        return None
    return _BAD_CHARS.search(text)


#: How deep the fast reader (:func:`_fast_build`) places values: paths of at
#: most this many parts (a file's top-level keys, a scene's item in `scenes`).
#: Deeper lines are found on first request, by reading the text again.
EAGER_DEPTH = 2


class YamlDoc:
    """One parsed file: its data, the line of each value, and its problems.

    A file read by the fast path keeps only the lines of its top levels
    (:data:`EAGER_DEPTH`) and its text: a clean file's deeper lines are never
    asked for (they only place problems), and a path and a line for every
    value cost more than the values themselves (on a 10,000-scene pack, libyaml's
    events take 1.0 s; building with every line took 0.8 s more, the fast path
    takes 0.3 s).  The first question about a deeper line reads the text again
    (:func:`_place_lines`, libyaml's events and little more): a file with a
    problem deep inside is parsed twice.
    """

    __slots__ = ("_lines", "_text", "bad_paths", "data", "diagnostics", "digest")

    def __init__(
        self,
        data: Any = None,
        lines: dict[Path_, int] | None = None,
        diagnostics: list[Diagnostic] | None = None,
        bad_paths: set[Path_] | None = None,
        digest: str = "",
    ) -> None:
        self.data = data
        self._lines: dict[Path_, int] = {} if lines is None else lines
        #: The text whose deeper lines are not recorded yet (None: all are).
        self._text: str | None = None
        self.diagnostics: list[Diagnostic] = [] if diagnostics is None else diagnostics
        #: Paths whose value was already reported (a bad date, a tag): later
        #: schema checks stay quiet there instead of reporting the same thing twice.
        self.bad_paths: set[Path_] = set() if bad_paths is None else bad_paths
        #: SHA-256 of the file's bytes (empty when it was not read).
        self.digest = digest

    @property
    def lines(self) -> dict[Path_, int]:
        """The 1-based line of every mapping value and list item, by path."""
        if self._text is not None:
            self._place_all()
        return self._lines

    @lines.setter
    def lines(self, lines: dict[Path_, int]) -> None:
        self._lines = lines
        self._text = None

    def _place_all(self) -> None:
        """Record every value's line, reading the text again (see the class)."""
        text, self._text = self._text, None
        if text is None:
            return
        try:
            self._lines = _place_lines(text)
        except Exception:  # the fast path read it cleanly, so this is not expected:
            full = YamlDoc()  # the full builder places every value the same way
            try:
                _Builder(full, "").run(text)
            except Exception:  # keep the lines we have
                return
            self._lines = full._lines

    def line(self, path: Path_) -> int:
        """The line of the value at ``path``, or of its nearest placed parent."""
        lines = self.lines if len(path) > EAGER_DEPTH else self._lines
        while path:
            if path in lines:
                return lines[path]
            path = path[:-1]
        return lines.get((), 1)


class _Abort(Exception):
    """Stops the walk after a problem that makes the rest meaningless."""


def _show(text: str, limit: int = 40) -> str:
    """A value quoted for a message, cut short so messages stay one readable line."""
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


def _short_tag(tag: str) -> str:
    return "!!" + tag[len(_CORE) :] if tag.startswith(_CORE) else tag


_MERGE = f"{_CORE}merge"


def _line(ev: yaml.Event) -> int:
    """The 1-based line where an event starts."""
    return ev.start_mark.line + 1 if ev.start_mark is not None else 1


class _Frame:
    """An open mapping or list while the events are walked."""

    __slots__ = ("anchor", "first_line", "is_map", "key", "key_path", "nodes_at", "path", "value")

    def __init__(self, is_map: bool, path: Path_, anchor: str | None, nodes_at: int) -> None:
        self.is_map = is_map
        self.value: Any = {} if is_map else []
        self.path = path
        self.anchor = anchor
        self.nodes_at = nodes_at
        self.key: str | None = None
        #: The path of the value under ``key`` (made once, used for its line and its value).
        self.key_path: Path_ = path
        self.first_line: dict[str, int] = {}


_SKIP = object()  # a key that was reported: its value is read and dropped

_STR = f"{_CORE}str"
_INT = f"{_CORE}int"
#: Plain decimal integers, which construct as ``int(text)`` (YAML 1.1 reads a
#: leading 0 as octal, and ``_`` or ``:`` specially: those take the slow path).
_PLAIN_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]{0,17})\Z")
#: Tags of plain scalars by text: keys and short values repeat in every file,
#: and YAML's resolver tries a list of regular expressions on each.
_RESOLVED: dict[str, str] = {}
_RESOLVED_MAX = 20_000
_NUMERIC_START = frozenset("+-.0123456789")
_RESOLVER: Any = None


def _yaml() -> Any:
    """The ``yaml`` module, imported (and the parser class chosen) on first use."""
    global _Loader, _RESOLVER
    import yaml

    if _Loader is None:
        _Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        _RESOLVER = yaml.resolver.Resolver()
    return yaml


def _resolve_plain(value: str) -> str:
    # Every implicit type but text starts with a sign, a digit or '.', or is at
    # most five characters long (`false`, `null`, `<<`...): the rest is text.
    if len(value) > 5 and value[0] not in _NUMERIC_START:
        return _STR
    tag = _RESOLVED.get(value)
    if tag is None:
        yaml = _yaml()
        tag = _RESOLVER.resolve(yaml.ScalarNode, value, (True, False))
        if len(value) <= 40:
            if len(_RESOLVED) >= _RESOLVED_MAX:
                _RESOLVED.clear()
            _RESOLVED[value] = tag
    return tag


class _Builder:
    """Builds Python values straight from libyaml's events, placing each value.

    One pass, no recursion: nesting depth is counted on an explicit stack, so
    a file nested 30,000 deep is refused instead of overflowing the C stack
    (libyaml's own composer recurses), and aliases are charged the size of
    what they repeat, so an alias bomb is refused before it expands.

    This loop runs once per YAML event (about a hundred per scene), so the
    common cases (a plain text or integer scalar, a mapping key, a list item)
    take short paths; everything unusual goes through the same checks as before.
    """

    def __init__(self, doc: YamlDoc, display: str) -> None:
        self.doc = doc
        self.lines = doc.lines
        self.display = display
        self.nodes = 0
        self.constructor = _yaml().SafeLoader("")
        self.anchors: dict[str, tuple[Any, int]] = {}
        self.stack: list[_Frame] = []
        self.root: Any = None
        self.done = False

    def fail(self, code: str, line: int, message: str, hint: str | None = None) -> None:
        self.doc.diagnostics.append(make(code, self.display, line, message, hint))

    def count(self, n: int, line: int) -> None:
        self.nodes += n
        if self.nodes > MAX_NODES:
            self.fail(
                "SG010",
                line,
                f"this file expands to more than {MAX_NODES:,} values",
                "aliases (*name) that repeat big blocks can explode; write the text out",
            )
            raise _Abort

    # ---------------------------------------------------------------- placing

    def child_path(self, line: int) -> Path_ | None:
        """Where the next value goes; None when it stands where a key belongs."""
        if not self.stack:
            return ()
        top = self.stack[-1]
        if not top.is_map:
            return (*top.path, len(top.value))
        if top.key is None:
            return None
        if top.key is _SKIP:
            return (*top.path, "\0skipped")
        return top.key_path

    def place(self, value: Any, line: int, path: Path_ | None, key_tag: str | None = None) -> None:
        if not self.stack:
            self.root = value
            self.done = True
            return
        top = self.stack[-1]
        if not top.is_map:
            assert path is not None
            self.lines.setdefault(path, line)
            top.value.append(value)
            return
        if top.key is None:  # this value is a key
            self.key(top, value, line, key_tag)
            return
        if top.key is not _SKIP:
            top.value[top.key] = value
        top.key = None

    def key(self, top: _Frame, value: Any, line: int, key_tag: str | None) -> None:
        """Take ``value`` as the next key of the mapping ``top``."""
        if key_tag == _MERGE:
            self.fail(
                "SG022", line, "merge keys (<<) are not supported", "write the keys out in full"
            )
            top.key = _SKIP  # type: ignore[assignment]
            return
        if value.__class__ is not str:
            shown = (
                "a list or mapping"
                if isinstance(value, list | dict)
                else _show(str(value).lower() if isinstance(value, bool) else str(value))
            )
            hint = (
                "quote it: YAML reads yes/no/on/off as true/false"
                if isinstance(value, bool)
                else "keys are names; quote it"
            )
            if isinstance(value, int | float) and not isinstance(value, bool):
                value = str(value)  # numbers as keys are fine once written as text
            else:
                self.fail("SG022", line, f"key {shown} is not text", hint)
                top.key = _SKIP  # type: ignore[assignment]
                return
        first = top.first_line
        if value in first:
            self.fail(
                "SG008",
                line,
                f"duplicate key {_show(value)} (first at line {first[value]})",
                "YAML keeps only the last one; remove or rename one of them",
            )
            top.key = _SKIP  # type: ignore[assignment]
            return
        first[value] = line
        top.key = value
        path = top.key_path = (*top.path, value)
        self.lines[path] = line

    # ---------------------------------------------------------------- events

    def scalar(self, ev: yaml.ScalarEvent) -> None:
        """Any scalar (``run`` places the usual ones itself, with the same result)."""
        line = _line(ev)
        self.count(1, line)
        tag = ev.tag
        text = ev.value
        if tag is None and ev.implicit[0]:
            tag = _resolve_plain(text)
        elif tag is None or tag == "!":
            tag = _STR
        value: Any
        path = self.child_path(line)
        if tag == _STR:
            value = text
            bad = _BAD_CHARS.search(value) if ev.style == '"' else None
            if bad:
                self.fail(
                    "SG005",
                    line,
                    f"control character {bad.group()!r} in a value",
                    "remove the escape; text is shown as written, not obeyed",
                )
                self.bad(path)
        elif tag == _MERGE and path is None:
            value = None
        elif tag not in _SCALAR_TAGS:
            self.fail(
                "SG009",
                line,
                f"YAML tag {_short_tag(tag)!r} is not allowed in a pack",
                "remove the '!' tag; packs hold plain text, numbers, lists and mappings",
            )
            self.bad(path)
            value = None
        else:
            yaml = _yaml()
            node = yaml.ScalarNode(tag, text)
            try:
                value = self.constructor.construct_object(node)
            # An explicit tag on a value that does not fit it (`!!int` on nothing,
            # `!!bool maybe`) makes PyYAML's constructors fail in any of these ways.
            except (
                ValueError,
                OverflowError,
                IndexError,
                KeyError,
                AttributeError,
                TypeError,
                yaml.YAMLError,
            ):
                value = None
                if tag == f"{_CORE}timestamp":
                    self.fail(
                        "SG024",
                        line,
                        f"{_show(text)} is not a real date",
                        "use YYYY-MM-DD with a day that exists in that month",
                    )
                elif tag == f"{_CORE}bool":
                    self.fail(
                        "SG022",
                        line,
                        f"{_show(text)} is not true or false",
                        "write true or false, or remove the !!bool tag",
                    )
                else:
                    self.fail(
                        "SG022",
                        line,
                        f"{_show(text)} is not a usable number",
                        "use an ordinary number, or quote it if it is text",
                    )
                self.bad(path)
        if ev.anchor:
            self.anchors[ev.anchor] = (value, 1)
        if path is None and isinstance(value, bool):
            self.fail(
                "SG022",
                line,
                f"key {_show(text)} is not text",
                "quote it: YAML reads yes/no/on/off as true/false",
            )
            self.stack[-1].key = _SKIP  # type: ignore[assignment]
            return
        self.place(value, line, path, tag if path is None else None)

    def bad(self, path: Path_ | None) -> None:
        if path is not None:
            self.doc.bad_paths.add(path)

    def start(self, ev: yaml.CollectionStartEvent, is_map: bool) -> None:
        line = _line(ev)
        self.count(1, line)
        if len(self.stack) >= MAX_DEPTH:
            self.fail(
                "SG010",
                line,
                f"lists and mappings nest deeper than {MAX_DEPTH} levels",
                "flatten the structure",
            )
            raise _Abort
        path = self.child_path(line)
        if path is None:
            self.fail(
                "SG022",
                line,
                "a list or mapping is used as a key",
                "keys are names; write `name: value`",
            )
            raise _Abort
        want = f"{_CORE}{'map' if is_map else 'seq'}"
        if ev.tag is not None and ev.tag != "!" and ev.tag != want:
            self.fail(
                "SG009",
                line,
                f"YAML tag {_short_tag(ev.tag)!r} is not allowed in a pack",
                "remove the '!' tag; packs hold plain text, numbers, lists and mappings",
            )
            self.bad(path)
        self.lines.setdefault(path, line)
        self.stack.append(_Frame(is_map, path, ev.anchor, self.nodes))

    def end(self) -> None:
        frame = self.stack.pop()
        if frame.anchor:
            self.anchors[frame.anchor] = (frame.value, self.nodes - frame.nodes_at)
        line = self.lines.get(frame.path, 1)
        self.place(frame.value, line, frame.path)

    def alias(self, ev: yaml.AliasEvent) -> None:
        line = _line(ev)
        if ev.anchor not in self.anchors:
            self.fail(
                "SG007",
                line,
                f"YAML syntax error: the alias *{ev.anchor} has no anchor",
                "an alias (*name) must follow an anchor (&name) that defines it",
            )
            raise _Abort
        value, size = self.anchors[ev.anchor]
        self.count(size, line)
        path = self.child_path(line)
        self.place(value, line, path)

    def run(self, text: str) -> Any:
        # The parser's events are pulled directly (not through the `yaml.parse`
        # generator) and dispatched on their exact class, and the usual scalar
        # (plain text or a decimal integer, no anchor, inside a list or mapping)
        # is placed right here: the general path costs twice as much an event.
        yaml = _yaml()
        assert _Loader is not None
        _ScalarEvent = yaml.ScalarEvent
        _MappingStartEvent, _MappingEndEvent = yaml.MappingStartEvent, yaml.MappingEndEvent
        _SequenceStartEvent, _SequenceEndEvent = yaml.SequenceStartEvent, yaml.SequenceEndEvent
        loader = _Loader(text)
        get_event = loader.get_event
        stack, lines, resolved, numeric_start = self.stack, self.lines, _RESOLVED, _NUMERIC_START
        scalar, start, end = self.scalar, self.start, self.end
        documents = 0
        try:
            while True:
                ev = get_event()
                cls = ev.__class__
                if cls is _ScalarEvent:
                    nodes = self.nodes + 1
                    if stack and not ev.anchor and nodes <= MAX_NODES:
                        value: Any = ev.value
                        tag = ev.tag
                        if tag is None and ev.implicit[0]:
                            if len(value) > 5 and value[0] not in numeric_start:
                                tag = _STR  # as _resolve_plain, without the call
                            else:
                                tag = resolved.get(value) or _resolve_plain(value)
                        elif tag is None or tag == "!":
                            tag = _STR
                        if tag == _STR:
                            short = ev.style != '"'
                        else:
                            short = tag == _INT and _PLAIN_INT.match(value) is not None
                            if short:
                                value = int(value)
                        if short:
                            self.nodes = nodes
                            top = stack[-1]
                            if not top.is_map:
                                path = (*top.path, len(top.value))
                                if path not in lines:
                                    lines[path] = ev.start_mark.line + 1
                                top.value.append(value)
                                continue
                            key = top.key
                            if key is None:
                                line = ev.start_mark.line + 1
                                if value.__class__ is str and value not in top.first_line:
                                    top.first_line[value] = line
                                    top.key = value
                                    path = top.key_path = (*top.path, value)
                                    lines[path] = line
                                else:
                                    self.key(top, value, line, tag)
                            elif key is _SKIP:
                                top.key = None
                            else:
                                top.value[key] = value
                                top.key = None
                            continue
                    scalar(ev)
                elif cls is _MappingStartEvent or cls is _SequenceStartEvent:
                    nodes = self.nodes + 1
                    is_map = cls is _MappingStartEvent
                    if stack and ev.tag is None and nodes <= MAX_NODES and len(stack) < MAX_DEPTH:
                        top = stack[-1]
                        key = top.key
                        if not top.is_map:
                            path = (*top.path, len(top.value))
                        elif key is not None and key is not _SKIP:
                            path = top.key_path
                        else:
                            start(ev, is_map)
                            continue
                        self.nodes = nodes
                        if path not in lines:
                            lines[path] = ev.start_mark.line + 1
                        stack.append(_Frame(is_map, path, ev.anchor, nodes))
                        continue
                    start(ev, is_map)
                elif cls is _MappingEndEvent or cls is _SequenceEndEvent:
                    frame = stack[-1]
                    if len(stack) > 1 and not frame.anchor:
                        stack.pop()
                        top = stack[-1]
                        if not top.is_map:
                            top.value.append(frame.value)
                        else:  # a collection is never a key: `start` refuses that
                            if top.key is not _SKIP:
                                top.value[top.key] = frame.value
                            top.key = None
                        continue
                    end()
                elif cls is yaml.AliasEvent:
                    self.alias(ev)
                elif cls is yaml.DocumentStartEvent:
                    documents += 1
                    if documents > 1:
                        self.fail(
                            "SG007",
                            _line(ev),
                            "a second YAML document ('---') in one file",
                            "put each part in its own file, or remove the '---' line",
                        )
                        raise _Abort
                elif ev is None or cls is yaml.StreamEndEvent:
                    break
        finally:
            loader.dispose()
        return self.root


class _Unusual(Exception):
    """Raised by the fast path at anything it leaves to :class:`_Builder`."""


#: A date as YAML's resolver reads one implicitly (``2019-02-27``).
_PLAIN_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
_TIMESTAMP = f"{_CORE}timestamp"
#: Values of plain scalars other than text, integers and dates, by text
#: (``true``, ``null``, ``1.5``): immutable, and they repeat.
_CONSTRUCTED: dict[str, Any] = {}
_CONSTRUCTOR: Any = None


def _construct(tag: str, text: str) -> Any:
    """The value of a plain scalar of a core type; :class:`_Unusual` if it has none."""
    try:
        return _CONSTRUCTED[text]
    except KeyError:
        pass
    global _CONSTRUCTOR
    yaml = _yaml()
    if tag not in _SCALAR_TAGS:
        raise _Unusual
    if _CONSTRUCTOR is None:
        _CONSTRUCTOR = yaml.SafeLoader("")
    try:
        value = _CONSTRUCTOR.construct_object(yaml.ScalarNode(tag, text))
    except Exception as exc:  # as in _Builder.scalar: the builder reports it
        raise _Unusual from exc
    finally:  # the constructor remembers every node it built: forget them
        _CONSTRUCTOR.constructed_objects.clear()
        _CONSTRUCTOR.recursive_objects.clear()
    if tag != _TIMESTAMP and len(text) <= 40:
        if len(_CONSTRUCTED) >= _RESOLVED_MAX:
            _CONSTRUCTED.clear()
        _CONSTRUCTED[text] = value
    return value


def _fast_build(text: str) -> tuple[Any, dict[Path_, int]]:
    """The data of a usual file and the lines of its top levels, in one tight loop.

    :class:`_Builder` records a line for every value and keeps a path for
    every open list and mapping, so that any problem can be placed; most
    files have no problem.  This loop builds the same values with local
    variables only, places values no deeper than :data:`EAGER_DEPTH`, and
    raises :class:`_Unusual` at anything out of the ordinary (a duplicate or
    non-text key, an anchor, alias or tag, a second document, a value that
    does not construct, a control character, the size and depth limits, a
    syntax error): the caller then reads the file with :class:`_Builder`,
    which reports it exactly as before.  So results never depend on which
    path read a file; only the time does.
    """
    yaml = _yaml()
    assert _Loader is not None
    scalar_event = yaml.ScalarEvent
    map_start, seq_start = yaml.MappingStartEvent, yaml.SequenceStartEvent
    map_end, seq_end = yaml.MappingEndEvent, yaml.SequenceEndEvent
    quiet = (yaml.StreamStartEvent, yaml.DocumentEndEvent)
    document_start, stream_end = yaml.DocumentStartEvent, yaml.StreamEndEvent
    resolved, numeric_start, bad = _RESOLVED, _NUMERIC_START, _BAD_CHARS.search
    plain_int, plain_date = _PLAIN_INT.match, _PLAIN_DATE.match
    str_tag, int_tag, timestamp = _STR, _INT, _TIMESTAMP
    date = dt.date
    lines: dict[Path_, int] = {}
    # The open lists and mappings below the current one: (value, is_map, path).
    stack: list[tuple[Any, bool, Path_ | None]] = []
    cur: Any = None  # the innermost open list or mapping
    is_map = False
    key: str | None = None  # the key whose value comes next (None: a key comes next)
    path: Path_ | None = None  # where ``cur`` is, while its children are placed
    root: Any = None
    nodes = documents = 0
    loader = _Loader(text)
    get_event = loader.get_event
    try:
        while True:
            ev = get_event()
            cls = ev.__class__
            if cls is scalar_event:
                nodes += 1
                if ev.anchor is not None or ev.tag is not None or cur is None:
                    raise _Unusual
                value: Any = ev.value
                if ev.implicit[0]:
                    # As _resolve_plain: only short values or ones that start
                    # like a number can be anything but text.
                    if len(value) <= 5 or value[0] in numeric_start:
                        tag = resolved.get(value) or _resolve_plain(value)
                        if tag != str_tag:
                            if tag == int_tag and plain_int(value):
                                value = int(value)
                            elif tag == timestamp and plain_date(value):
                                try:
                                    value = date(int(value[:4]), int(value[5:7]), int(value[8:]))
                                except ValueError:
                                    raise _Unusual from None
                            else:
                                value = _construct(tag, value)
                elif ev.style == '"' and bad(value):
                    raise _Unusual
                if nodes > MAX_NODES:
                    raise _Unusual
                if is_map:
                    if key is None:
                        if value.__class__ is not str or value in cur:
                            raise _Unusual
                        key = value
                        if path is not None:
                            lines[(*path, value)] = ev.start_mark.line + 1
                    else:
                        cur[key] = value
                        key = None
                else:
                    if path is not None:
                        lines[(*path, len(cur))] = ev.start_mark.line + 1
                    cur.append(value)
            elif cls is map_start or cls is seq_start:
                nodes += 1
                if ev.anchor is not None or ev.tag is not None or len(stack) >= MAX_DEPTH - 1:
                    raise _Unusual
                new: Any = {} if cls is map_start else []
                inner: Path_ | None = None
                if cur is None:
                    if root is not None:
                        raise _Unusual
                    root = new
                    lines[()] = ev.start_mark.line + 1
                    inner = ()
                elif is_map:
                    if key is None:
                        raise _Unusual  # a list or mapping as a key
                    cur[key] = new
                    stack.append((cur, True, path))
                    if path is not None and len(path) < EAGER_DEPTH - 1:
                        inner = (*path, key)
                else:
                    if path is not None:
                        here = (*path, len(cur))
                        lines[here] = ev.start_mark.line + 1
                        if len(here) < EAGER_DEPTH:
                            inner = here
                    cur.append(new)
                    stack.append((cur, False, path))
                cur, is_map, key, path = new, cls is map_start, None, inner
            elif cls is map_end or cls is seq_end:
                if stack:
                    cur, is_map, path = stack.pop()
                else:
                    cur = None
                key = None
            elif cls is document_start:
                documents += 1
                if documents > 1:
                    raise _Unusual
            elif cls is stream_end:
                break
            elif cls not in quiet:
                raise _Unusual  # an alias, or an event this loop does not know
    finally:
        loader.dispose()
    if root is None or nodes > MAX_NODES:
        raise _Unusual
    return root, lines


def _place_lines(text: str) -> dict[Path_, int]:
    """Every value's line in a file that :func:`_fast_build` read without trouble.

    The same map :class:`_Builder` records (a mapping value at its key's line,
    a list item where it starts, the top-level list or mapping at ``()``),
    made without building the values again: in such a file every key is text
    as written and unique, and there are no aliases.
    """
    yaml = _yaml()
    assert _Loader is not None
    scalar_event = yaml.ScalarEvent
    map_start, seq_start = yaml.MappingStartEvent, yaml.SequenceStartEvent
    map_end, seq_end = yaml.MappingEndEvent, yaml.SequenceEndEvent
    stream_end = yaml.StreamEndEvent
    lines: dict[Path_, int] = {}
    # The open lists and mappings around the current one: (path, is_map, items so far).
    stack: list[tuple[Path_, bool, int]] = []
    path: Path_ = ()
    is_map = started = False
    key: str | None = None  # the key whose value comes next (None: a key comes next)
    count = 0  # items so far in the current list
    loader = _Loader(text)
    get_event = loader.get_event
    try:
        while True:
            ev = get_event()
            cls = ev.__class__
            if cls is scalar_event:
                if not is_map:
                    lines[(*path, count)] = ev.start_mark.line + 1
                    count += 1
                elif key is None:
                    key = ev.value
                    lines[(*path, key)] = ev.start_mark.line + 1
                else:
                    key = None
            elif cls is map_start or cls is seq_start:
                if not started:
                    started = True
                    lines[()] = ev.start_mark.line + 1
                elif is_map:
                    assert key is not None  # a list or mapping is never a key here
                    stack.append((path, True, 0))
                    path = (*path, key)
                else:
                    stack.append((path, False, count + 1))
                    path = (*path, count)
                    lines[path] = ev.start_mark.line + 1
                is_map, key, count = cls is map_start, None, 0
            elif cls is map_end or cls is seq_end:
                if stack:
                    path, is_map, count = stack.pop()
                key = None
            elif cls is stream_end:
                break
    finally:
        loader.dispose()
    return lines


def _display_line(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def parse_text(text: str, display: str, *, every_line: bool = False) -> YamlDoc:
    """Parse YAML text already decoded; never raises.

    A usual file is read by :func:`_fast_build` and places its deeper values
    only when asked (see :class:`YamlDoc`); ``every_line`` places them all now
    (for the parse cache, which stores them).  Anything unusual is read by
    :class:`_Builder`, which reports it.
    """
    doc = YamlDoc()
    bad = _find_bad(text)
    if bad:
        char = bad.group()
        doc.diagnostics.append(
            make(
                "SG005",
                display,
                _display_line(text, bad.start()),
                f"control character {char!r} in the file",
                "delete it; it is invisible in most editors (often pasted from a PDF or terminal)",
            )
        )
        return doc
    tab = _TAB_INDENT.search(text) if "\t" in text else None
    if tab:
        doc.diagnostics.append(
            make(
                "SG006",
                display,
                _display_line(text, tab.start()),
                "a tab is used for indentation",
                "YAML indents with spaces only",
            )
        )
        return doc
    yaml = _yaml()
    if not every_line:
        try:
            doc.data, doc._lines = _fast_build(text)
        except Exception:  # whatever it was, _Builder reads it again and reports it
            pass
        else:
            doc._text = text
            return doc
    builder = _Builder(doc, display)
    try:
        doc.data = builder.run(text)
    except _Abort:
        doc.data = None
        return doc
    except yaml.MarkedYAMLError as exc:
        doc.diagnostics.append(_syntax_diagnostic(exc, display, text))
        doc.data = None
        return doc
    except (yaml.YAMLError, ValueError) as exc:
        doc.diagnostics.append(make("SG007", display, 1, f"YAML could not be read: {exc}"))
        doc.data = None
        return doc
    if not builder.done:
        doc.diagnostics.append(
            make(
                "SG011",
                display,
                1,
                "the file is empty or only comments",
                "add content, or delete the file",
            )
        )
        doc.data = None
    return doc


def _syntax_diagnostic(exc: yaml.MarkedYAMLError, display: str, text: str) -> Diagnostic:
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark else 1
    problem = (exc.problem or "syntax error").strip()
    context = (exc.context or "").strip()
    hint: str | None = None
    if "end of stream" in problem and "quoted" in context:
        line = exc.context_mark.line + 1 if exc.context_mark else line
        hint = "a quote opened here is never closed"
    elif "could not find expected ':'" in problem:
        if exc.context_mark is not None:
            line = exc.context_mark.line + 1
        hint = "a line is missing ':' after its key, or a quote is not closed"
    elif "mapping values are not allowed" in problem:
        hint = "text containing ': ' must be quoted or written as a block (|)"
    elif "found character" in problem and "cannot start any token" in problem:
        hint = "quote text that starts with a special character such as @ ` or %"
    elif "expected <block end>" in problem:
        hint = "check the indentation of this line against the lines above"
    elif "found undefined alias" in problem:
        hint = "an alias (*name) refers to an anchor (&name) that does not exist"
    message = f"YAML syntax error: {problem}"
    if context and "quoted" not in context:
        message += f" ({context})"
    return make("SG007", display, line, message, hint)


def read_file(path: Path, display: str, root: Path, cache: Path | None = None) -> YamlDoc:
    """Read and parse one file of the pack at ``root``; never raises.

    Refuses, without reading them, files that are not regular files, links
    that lead outside the pack, and files over :data:`MAX_FILE_BYTES`.  With
    a ``cache`` folder, a file whose bytes were parsed cleanly before is taken
    from the cache instead of being parsed again (keyed by its SHA-256).
    """
    doc = YamlDoc()

    def fail(code: str, message: str, hint: str | None = None, line: int = 0) -> YamlDoc:
        doc.diagnostics.append(make(code, display, line, message, hint))
        return doc

    try:
        real = path.resolve(strict=True)
    except (OSError, RuntimeError):
        return fail("SG001", "the file cannot be opened (a broken link?)", "fix or remove it")
    try:
        real.relative_to(root)
    except ValueError:
        return fail(
            "SG003",
            "this link leads outside the pack; it was not read",
            "copy the file into the pack instead of linking to it",
        )
    try:
        st = real.stat()
    except OSError as exc:
        return fail("SG001", f"the file cannot be read: {exc.strerror}")
    if not stat.S_ISREG(st.st_mode):
        return fail(
            "SG001",
            "not a regular file (a pipe, device or folder); it was not read",
            "remove it or rename it so it does not end in .yaml",
        )
    if st.st_size > MAX_FILE_BYTES:
        return fail(
            "SG002",
            f"the file is {st.st_size:,} bytes; the limit is {MAX_FILE_BYTES:,}",
            "split it into several files under scenes/",
        )
    try:
        with open(real, "rb") as fh:
            # Ask for the size stat gave (asking for MAX_FILE_BYTES would allocate
            # 2 MiB per file), then for the rest in case the file grew since.
            raw = fh.read(st.st_size + 1)
            if len(raw) > st.st_size:
                raw += fh.read(MAX_FILE_BYTES + 1 - len(raw))
    except OSError as exc:
        return fail("SG001", f"the file cannot be read: {exc.strerror}")
    if len(raw) > MAX_FILE_BYTES:
        return fail(
            "SG002",
            f"the file is larger than {MAX_FILE_BYTES:,} bytes",
            "split it into several files under scenes/",
        )
    doc.digest = hashlib.sha256(raw).hexdigest()
    if cache is not None:
        cached = _cache_get(cache, doc.digest)
        if cached is not None:
            return cached
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        return fail(
            "SG004",
            f"byte 0x{raw[exc.start]:02x} is not UTF-8 text",
            "save the file as UTF-8 in your editor",
            line,
        )
    parsed = parse_text(text, display, every_line=cache is not None)
    parsed.digest = doc.digest
    if cache is not None and not parsed.diagnostics and parsed.data is not None:
        _cache_put(cache, parsed)
    return parsed


# ----------------------------------------------------------------- parse cache
# JSON, not pickle: a cache file can never run code.  Dates are tagged; the
# line map's tuple keys become lists.  Any problem reading the cache simply
# means parsing again.

_CACHE_VERSION = "yaml-v1"


def _encode(value: Any) -> Any:
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    if isinstance(value, dict):
        return {k: _encode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_encode(v) for v in value]
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        if len(value) == 1 and "$date" in value:
            return dt.date.fromisoformat(value["$date"])
        return {k: _decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decode(v) for v in value]
    return value


def _date_hook(value: dict[str, Any]) -> Any:
    """``_decode`` for one mapping, as ``json.loads``'s object_hook."""
    if len(value) == 1 and "$date" in value:
        return dt.date.fromisoformat(value["$date"])
    return value


def _cache_file(cache: Path, digest: str) -> Path:
    return cache / _CACHE_VERSION / f"{digest}.json"


def _cache_get(cache: Path, digest: str) -> YamlDoc | None:
    try:
        # Dates are restored as the parser meets them (as _decode would after).
        obj = json.loads(_cache_file(cache, digest).read_bytes(), object_hook=_date_hook)
        doc = YamlDoc(obj["data"])
        doc.lines = {tuple(k): int(v) for k, v in obj["lines"]}
        doc.digest = digest
        return doc
    except (OSError, ValueError, KeyError, TypeError, RecursionError):
        return None


def _cache_put(cache: Path, doc: YamlDoc) -> None:
    target = _cache_file(cache, doc.digest)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(f".tmp{os.getpid()}")
        tmp.write_text(
            json.dumps(
                {"data": _encode(doc.data), "lines": [[list(k), v] for k, v in doc.lines.items()]}
            )
        )
        os.replace(tmp, target)
    except (OSError, ValueError, TypeError, RecursionError):
        pass


def to_date(value: object) -> dt.date | None:
    """A date from a YAML value (unquoted dates arrive as ``date`` already)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None
