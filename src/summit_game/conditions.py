"""Conditions: the small, safe expression language of scene authors.

A choice's ``if:`` and a branch of ``next:`` hold a *condition*, written by a
teacher in YAML and checked when the pack loads.  The language is ours, on
purpose: it is never handed to ``eval``, it can name only what the pack
declares, and every mistake is reported with the column and the text at fault.

The language
------------

* **Numbers**: ``3``, ``2.5``, ``0.75`` (at most 15 digits; no signs, exponents
  or leading ``.``; write ``-3`` as unary minus and ``0.5`` in full).
* **Meters**: a meter id such as ``trust_us_dprk`` stands for its current value.
* **Flags**: a flag name such as ``walked_out`` is true once a choice has set it.
* **Visits**: ``visited(hanoi-summit)`` is true once the scene has been shown
  (the current one included).
* ``true`` and ``false``.
* **Arithmetic** on numbers: ``+ - * /`` and unary minus.  Arithmetic is done in
  floating point; dividing by zero gives ``0`` instead of an error, so a
  condition can never crash a game.
* **Comparisons**: ``< <= > >=`` between numbers; ``==`` and ``!=`` between two
  numbers or two conditions.  Comparisons do not chain: write
  ``10 < trust and trust < 50``, not ``10 < trust < 50``.  They are exact, as
  in any floating-point language: ``0.1 + 0.2 == 0.3`` is false, so after
  arithmetic prefer ``<`` and ``>`` to ``==``.
* **Logic**: ``and``, ``or``, ``not`` between conditions, and parentheses.
* Nothing else: ``=``, ``&&``, ``!``, quotes, ``x.y``, calls other than
  ``visited``... are errors that name the offending text and, where there is
  one, say what to write instead (``use == to compare``).

From loosest to tightest binding: ``or``, ``and``, ``not``, comparisons,
``+ -``, ``* /``, unary minus.  So ``not a > 3 or b`` means
``(not (a > 3)) or b``.

Names are lowercase slugs: a letter, then letters, digits and ``_``, with
single ``-`` between them (``hanoi-summit``).  A hyphen between two name
characters belongs to the name, so ``trust-10`` is one (probably unknown) name;
write ``trust - 10`` to subtract.  ``and or not true false visited`` are
reserved words.

The result must be true or false: ``trust_us_dprk`` alone is an error
(compare it: ``trust_us_dprk > 50``), and so is mixing kinds, such as
``walked_out + 1`` or ``trust_us_dprk and walked_out``.  A condition is at
most :data:`MAX_LENGTH` characters and :data:`MAX_DEPTH` levels of
parentheses, ``not`` and unary minus deep.  Error columns count from 1 at the
first character of the condition, newlines included.

Implementation
--------------

:func:`compile_condition` runs once per condition when a pack loads;
the resulting :class:`Condition` runs at every step of play and of the
content explorer, which makes hundreds of thousands of decisions a second.
So the text is parsed by an operator-precedence (shunting-yard) loop, with no
recursion that input could deepen, and turned straight into nested Python
closures specialised for the common shapes (``meter > 40``, ``not flag``);
evaluation is then a handful of plain function calls, with no tree to walk
and no dispatch on node types.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Callable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import Final, Literal, TypeAlias, cast

from summit_game.errors import ConditionError

__all__ = [
    "KEYWORDS",
    "MAX_DEPTH",
    "MAX_DIGITS",
    "MAX_LENGTH",
    "Condition",
    "Names",
    "Token",
    "UnknownNameError",
    "compile_condition",
    "tokenize",
]

MAX_LENGTH: Final = 500
"""Longest condition text accepted; a longer one belongs in several branches."""

MAX_DEPTH: Final = 32
"""Deepest nesting of parentheses, ``not`` and unary minus accepted."""

MAX_DIGITS: Final = 15
"""Most digits in a number literal: every such literal is exact as a float."""

KEYWORDS: Final = frozenset({"and", "or", "not", "true", "false", "visited"})
"""Reserved words: a meter, flag or scene with one of these ids cannot be named."""

Meters: TypeAlias = Mapping[str, float]
Flags: TypeAlias = AbstractSet[str]
Visits: TypeAlias = AbstractSet[str]
# One signature for every compiled node.  Boolean nodes return bool, which
# mypy accepts as a float; the top of a well-typed condition is cast back.
_Fn: TypeAlias = Callable[[Meters, Flags, Visits], float]
_BoolFn: TypeAlias = Callable[[Meters, Flags, Visits], bool]

TokenKind: TypeAlias = Literal["number", "name", "keyword", "op", "lparen", "rparen"]


class UnknownNameError(ConditionError):
    """The condition parses but names a meter, flag or scene the pack lacks.

    A separate class so the loader can report it under its own diagnostic
    code (a broken reference rather than a syntax error).  ``scene`` is true
    when the name stood inside ``visited(...)``, so it must be a scene id.
    """

    def __init__(
        self,
        message: str,
        column: int,
        token: str = "",
        hint: str | None = None,
        *,
        scene: bool = False,
    ) -> None:
        super().__init__(message, column, token, hint)
        self.scene = scene


@dataclass(frozen=True, slots=True)
class Names:
    """What a condition may refer to: the pack's meter ids, flag names and scene ids."""

    meters: frozenset[str]
    flags: frozenset[str]
    scenes: frozenset[str]

    def __post_init__(self) -> None:
        # Accept any set-like from callers, but keep the instance truly immutable.
        for name in ("meters", "flags", "scenes"):
            object.__setattr__(self, name, frozenset(getattr(self, name)))


@dataclass(frozen=True, slots=True)
class Token:
    """One lexical unit, kept for error reporting; ``column`` is 1-based in the text."""

    kind: TokenKind
    text: str
    column: int


@dataclass(frozen=True, slots=True, repr=False)
class Condition:
    """A compiled condition: call it with the game state to get true or false.

    Build one with :func:`compile_condition`, never directly.  Two conditions
    are equal when they have the same text and read the same meters, flags
    and scenes, which fixes their meaning.
    """

    source: str
    """The text as the author wrote it."""
    meters: frozenset[str]
    """Meter ids the condition reads (the engine must supply all of them)."""
    flags: frozenset[str]
    """Flag names the condition tests."""
    scenes: frozenset[str]
    """Scene ids named inside ``visited()``."""
    _fn: _BoolFn = field(compare=False, hash=False)

    def __call__(self, meters: Meters, flags: Flags, visited: Visits) -> bool:
        """Evaluate against the state; never raises when every meter read is present."""
        return self._fn(meters, flags, visited)

    @property
    def fn(self) -> _BoolFn:
        """The compiled function itself: the same answer as calling the condition,
        one Python call fewer, for hot loops such as the explorer's kernel."""
        return self._fn

    def __repr__(self) -> str:
        return f"Condition({self.source!r})"


# --------------------------------------------------------------------------- tokens

_SPACE: Final = frozenset(" \t\r\n")
_NUMBER: Final = re.compile(r"[0-9]+(?:\.[0-9]*)?", re.ASCII)
_WORD_CHARS: Final = re.compile(r"[A-Za-z0-9_.]*", re.ASCII)
# Deliberately wider than a slug, so `Trust` or `__class__` is reported whole.
_WORD: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:-[A-Za-z0-9_]+)*", re.ASCII)
_SLUG: Final = re.compile(r"[a-z][a-z0-9_]*(?:-[a-z0-9_]+)*", re.ASCII)

_OPERATORS: Final = ("<=", ">=", "==", "!=", "<", ">", "+", "-", "*", "/")
_STRING_HINT: Final = (
    "conditions have no strings: write scene ids bare, as in visited(hanoi-summit)"
)
# Things authors from other languages type, longest first, with what to write instead.
_MISTAKES: Final = (
    ("===", "use == to compare"),
    ("!==", "use != for 'not equal'"),
    ("<>", "use != for 'not equal'"),
    ("=>", "use >= for 'at least'"),
    ("=<", "use <= for 'at most'"),
    ("&&", "use `and`"),
    ("||", "use `or`"),
    ("**", "there is no power operator; multiply instead"),
    ("//", "there is no whole-number division; `/` divides"),
    ("=", "use == to compare; a condition cannot change anything"),
    ("!", "use `not`"),
    ("&", "use `and`"),
    ("|", "use `or`"),
    ("%", "there is no remainder operator"),
    ("^", "there is no power operator; multiply instead"),
    (".", "`.` only appears inside a number, as in 2.5"),
    (",", "visited() takes exactly one scene id; join tests with `and` or `or`"),
    ("[", "use ( ) to group"),
    ("]", "use ( ) to group"),
    ("{", "use ( ) to group"),
    ("}", "use ( ) to group"),
    ("#", "a condition cannot hold a comment"),
    ("'", _STRING_HINT),
    ('"', _STRING_HINT),
    ("`", _STRING_HINT),
    ("\u2018", _STRING_HINT),
    ("\u2019", _STRING_HINT),
    ("\u201c", _STRING_HINT),
    ("\u201d", _STRING_HINT),
    ("\u2264", "write <="),
    ("\u2265", "write >="),
    ("\u2260", "write !="),
    ("\u2212", "write - (the plain minus sign)"),
    ("\u2013", "write - (the plain minus sign)"),
    ("\u00d7", "write *"),
    ("\u00f7", "write /"),
)


def _show(text: str, limit: int = 40) -> str:
    """Quote input text for a message: printable, one line, and short."""
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    if text.isprintable():
        return f"`{text}`"
    return "".join(c if c.isprintable() else f"U+{ord(c):04X}" for c in text)


def tokenize(text: str) -> list[Token]:
    """Split ``text`` into tokens, raising :class:`ConditionError` at the first bad one.

    Lexical mistakes are caught here (a lone ``=``, ``&&``, a quote, ``Trust``,
    ``3x``) so that the message can say what to write instead.
    """
    tokens: list[Token] = []
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch in _SPACE:
            i += 1
            continue
        column = i + 1
        if "0" <= ch <= "9":
            match = _NUMBER.match(text, i)
            assert match is not None  # a digit always starts a number
            word = match.group()
            tail = _WORD_CHARS.match(text, match.end())
            if tail is not None and tail.end() > match.end():
                run = text[i : tail.end()]
                if run.replace(".", "").isdigit():
                    raise ConditionError(
                        f"{_show(run)} is not a number",
                        column,
                        run,
                        "use one decimal point, as in 2.5",
                    )
                raise ConditionError(
                    f"{_show(run)} is neither a number nor a name",
                    column,
                    run,
                    "numbers are written plainly (3, 2.5) and names start with a letter;"
                    " put a space or an operator between them",
                )
            if word.endswith("."):
                raise ConditionError(
                    f"{_show(word)} is not a complete number", column, word, f"write {word}0"
                )
            if len(word) - word.count(".") > MAX_DIGITS:
                raise ConditionError(
                    f"the number {_show(word)} is too long (more than {MAX_DIGITS} digits)",
                    column,
                    word,
                    "round it; meters do not need that precision",
                )
            tokens.append(Token("number", word, column))
            i = match.end()
            continue
        match = _WORD.match(text, i)
        if match is not None:
            word = match.group()
            if word in KEYWORDS:
                tokens.append(Token("keyword", word, column))
            elif _SLUG.fullmatch(word):
                tokens.append(Token("name", word, column))
            else:
                raise _bad_word(word, column)
            i = match.end()
            continue
        if ch == "(":
            tokens.append(Token("lparen", ch, column))
            i += 1
            continue
        if ch == ")":
            tokens.append(Token("rparen", ch, column))
            i += 1
            continue
        for op in _OPERATORS:
            if text.startswith(op, i) and not _mistake_at(text, i, len(op)):
                tokens.append(Token("op", op, column))
                i += len(op)
                break
        else:
            raise _bad_character(text, i)
    return tokens


def _mistake_at(text: str, i: int, length: int) -> bool:
    """True when a longer known mistake (``===``, ``**``) starts where an operator does."""
    return any(len(bad) > length and text.startswith(bad, i) for bad, _ in _MISTAKES)


def _bad_word(word: str, column: int) -> ConditionError:
    lower = word.lower()
    if lower != word and (lower in KEYWORDS or _SLUG.fullmatch(lower)):
        return ConditionError(
            f"{_show(word)} is not a name: names are lowercase", column, word, f"write {lower}"
        )
    return ConditionError(
        f"{_show(word)} is not a name",
        column,
        word,
        "names start with a lowercase letter and hold only a-z, 0-9, _ and -",
    )


def _bad_character(text: str, i: int) -> ConditionError:
    for bad, advice in _MISTAKES:
        if text.startswith(bad, i):
            return ConditionError(f"unexpected {_show(bad)}", i + 1, bad, advice)
    ch = text[i]
    hint: str | None
    if ch.isalpha():
        hint = "names use only ASCII lowercase letters, digits, _ and -"
    elif ch.isspace():
        hint = "an unusual space character; retype it as a plain space"
    else:
        hint = None
    return ConditionError(f"unexpected character {_show(ch)}", i + 1, ch, hint)


# --------------------------------------------------------------------- expressions


@dataclass(slots=True)
class _Expr:
    """A compiled sub-expression plus what compile time needs to know about it.

    Only ``fn`` survives into the :class:`Condition`; the rest serves type
    checking, error messages (``start``/``end`` index the source text) and
    building faster closures for common shapes.
    """

    type: Literal["number", "boolean"]
    fn: _Fn
    start: int
    end: int
    atomic: bool = True
    const: float | None = None
    meter: str | None = None
    flag: str | None = None
    scene: str | None = None
    chain: str | None = None
    links: tuple[tuple[str, _Fn], ...] = ()


def _constant(value: float, start: int, end: int) -> _Expr:
    kind: Literal["number", "boolean"] = "boolean" if isinstance(value, bool) else "number"
    return _Expr(kind, lambda m, f, v: value, start, end, const=value)


def _meter_expr(name: str, start: int, end: int) -> _Expr:
    return _Expr("number", lambda m, f, v: m[name], start, end, meter=name)


def _flag_expr(name: str, start: int, end: int) -> _Expr:
    return _Expr("boolean", lambda m, f, v: name in f, start, end, flag=name)


def _scene_expr(scene: str, start: int, end: int) -> _Expr:
    return _Expr("boolean", lambda m, f, v: scene in v, start, end, scene=scene)


def _as_float(x: float) -> float:
    """``float(x)``, but an int too large for a float becomes an infinity, not an error."""
    try:
        return float(x)
    except OverflowError:
        return math.inf if x > 0 else -math.inf


def _arith_operand(e: _Expr) -> _Fn:
    """The operand as a float-valued function, so arithmetic never meets a huge int.

    Meter values may be ints; Python would raise OverflowError mixing an enormous
    one with a float.  Everything that enters arithmetic is converted here once,
    and float arithmetic itself never raises (it overflows to infinity).
    """
    if e.const is not None:
        value = float(e.const)
        return lambda m, f, v: value
    if e.meter is not None:
        name = e.meter

        def read(m: Meters, f: Flags, v: Visits) -> float:
            x = m[name]
            return x if x.__class__ is float else _as_float(x)

        return read
    return e.fn  # arithmetic results are already floats


def _negate(g: _Fn) -> _Fn:
    return lambda m, f, v: -g(m, f, v)


def _divide(a: float, b: float) -> float:
    return a / b if b != 0 else 0.0


def _sum(links: tuple[tuple[str, _Fn], ...]) -> _Fn:
    """Left-to-right ``a + b - c ...``, flattened so long chains do not nest calls."""
    (_, a), *rest = links
    if len(rest) == 1:
        op, b = rest[0]
        if op == "+":
            return lambda m, f, v: a(m, f, v) + b(m, f, v)
        return lambda m, f, v: a(m, f, v) - b(m, f, v)
    signed = tuple((op == "-", g) for op, g in rest)

    def total(m: Meters, f: Flags, v: Visits) -> float:
        acc = a(m, f, v)
        for minus, g in signed:
            if minus:
                acc -= g(m, f, v)
            else:
                acc += g(m, f, v)
        return acc

    return total


def _product(links: tuple[tuple[str, _Fn], ...]) -> _Fn:
    """Left-to-right ``a * b / c ...``, where dividing by zero gives 0."""
    (_, a), *rest = links
    if len(rest) == 1:
        op, b = rest[0]
        if op == "*":
            return lambda m, f, v: a(m, f, v) * b(m, f, v)
        return lambda m, f, v: _divide(a(m, f, v), b(m, f, v))
    steps = tuple((op == "/", g) for op, g in rest)

    def product(m: Meters, f: Flags, v: Visits) -> float:
        acc = a(m, f, v)
        for divide, g in steps:
            acc = _divide(acc, g(m, f, v)) if divide else acc * g(m, f, v)
        return acc

    return product


def _all(fns: tuple[_Fn, ...]) -> _Fn:
    """Short-circuit ``and`` over a flattened chain, unrolled for the usual sizes."""
    if len(fns) == 2:
        a, b = fns
        return lambda m, f, v: a(m, f, v) and b(m, f, v)
    if len(fns) == 3:
        a, b, c = fns
        return lambda m, f, v: a(m, f, v) and b(m, f, v) and c(m, f, v)

    def every(m: Meters, f: Flags, v: Visits) -> bool:
        return all(g(m, f, v) for g in fns)

    return every


def _any(fns: tuple[_Fn, ...]) -> _Fn:
    """Short-circuit ``or`` over a flattened chain, unrolled for the usual sizes."""
    if len(fns) == 2:
        a, b = fns
        return lambda m, f, v: a(m, f, v) or b(m, f, v)
    if len(fns) == 3:
        a, b, c = fns
        return lambda m, f, v: a(m, f, v) or b(m, f, v) or c(m, f, v)

    def some(m: Meters, f: Flags, v: Visits) -> bool:
        return any(g(m, f, v) for g in fns)

    return some


def _not(e: _Expr) -> _Fn:
    if e.flag is not None:
        flag = e.flag
        return lambda m, f, v: flag not in f
    if e.scene is not None:
        scene = e.scene
        return lambda m, f, v: scene not in v
    g = e.fn
    return lambda m, f, v: not g(m, f, v)


# Comparisons are written out per operator: an inline `>` is markedly faster
# than calling operator.gt, and `meter > number` is what most conditions are.
_FLIP: Final = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}


def _compare_meter(op: str, name: str, c: float) -> _Fn:
    if op == "<":
        return lambda m, f, v: m[name] < c
    if op == "<=":
        return lambda m, f, v: m[name] <= c
    if op == ">":
        return lambda m, f, v: m[name] > c
    if op == ">=":
        return lambda m, f, v: m[name] >= c
    if op == "==":
        return lambda m, f, v: m[name] == c
    return lambda m, f, v: m[name] != c


def _compare_constant(op: str, a: _Fn, c: float) -> _Fn:
    if op == "<":
        return lambda m, f, v: a(m, f, v) < c
    if op == "<=":
        return lambda m, f, v: a(m, f, v) <= c
    if op == ">":
        return lambda m, f, v: a(m, f, v) > c
    if op == ">=":
        return lambda m, f, v: a(m, f, v) >= c
    if op == "==":
        return lambda m, f, v: a(m, f, v) == c
    return lambda m, f, v: a(m, f, v) != c


def _compare_general(op: str, a: _Fn, b: _Fn) -> _Fn:
    if op == "<":
        return lambda m, f, v: a(m, f, v) < b(m, f, v)
    if op == "<=":
        return lambda m, f, v: a(m, f, v) <= b(m, f, v)
    if op == ">":
        return lambda m, f, v: a(m, f, v) > b(m, f, v)
    if op == ">=":
        return lambda m, f, v: a(m, f, v) >= b(m, f, v)
    if op == "==":
        return lambda m, f, v: a(m, f, v) == b(m, f, v)
    return lambda m, f, v: a(m, f, v) != b(m, f, v)


def _compare(op: str, a: _Expr, b: _Expr) -> _Fn:
    if a.const is not None and b.const is None:
        # `40 < trust` runs as `trust > 40`; exact for every float, NaN included.
        a, b, op = b, a, _FLIP[op]
    if b.const is not None:
        if a.meter is not None:
            return _compare_meter(op, a.meter, b.const)
        return _compare_constant(op, a.fn, b.const)
    return _compare_general(op, a.fn, b.fn)


# ------------------------------------------------------------------------- parser

_COMPARISONS: Final = frozenset({"<", "<=", ">", ">=", "==", "!="})
_ORDERINGS: Final = frozenset({"<", "<=", ">", ">="})
# Binding strength; `not` and unary minus are prefix operators.
_PRECEDENCE: Final = {
    "or": 1,
    "and": 2,
    "not": 3,
    **dict.fromkeys(_COMPARISONS, 4),
    "+": 5,
    "-": 5,
    "*": 6,
    "/": 6,
    "neg": 7,
}
_COMPARISON_LEVEL: Final = 4
_PARENS: Final = 0
_NO_STATE_M: Final[Mapping[str, float]] = {}
_NO_STATE_S: Final[frozenset[str]] = frozenset()


@dataclass(slots=True)
class _Pending:
    """An operator (or an open parenthesis) waiting on the shunting-yard stack."""

    kind: str
    token: Token
    precedence: int


class _Compiler:
    """Turns one token list into one compiled expression, without recursion.

    Operands and operators go on two explicit stacks; each reduction
    type-checks its operands and builds the closure at once.  Input can make
    the stacks long (bounded by MAX_DEPTH and MAX_LENGTH) but never the Python
    call stack deep.
    """

    def __init__(self, text: str, names: Names) -> None:
        self.text = text
        self.names = names
        self.tokens = tokenize(text)
        self.operands: list[_Expr] = []
        self.pending: list[_Pending] = []
        self.depth = 0
        self.meters: set[str] = set()
        self.flags: set[str] = set()
        self.scenes: set[str] = set()

    # -- the main loop

    def compile(self) -> _Expr:
        tokens = self.tokens
        if not tokens:
            raise ConditionError(
                "the condition is empty", 1, "", "write a test such as `trust_us_dprk > 50`"
            )
        i = 0
        expect_value = True
        while i < len(tokens):
            token = tokens[i]
            if expect_value:
                i = self.value(i)
                # After `(`, `not` or unary minus a value must still follow.
                expect_value = token.kind == "lparen" or token.text in ("not", "-")
                continue
            if token.kind == "rparen":
                self.close(token)
            elif token.kind == "op" or token.text in ("and", "or"):
                self.binary(token, tokens, i)
                expect_value = True
            else:
                raise self.expected_operator(token, tokens[i - 1])
            i += 1
        if expect_value:
            last = tokens[-1]
            raise ConditionError(
                f"the condition ends too early: expected a value after {_show(last.text)}",
                self.end_column(),
            )
        while self.pending:
            top = self.pending[-1]
            if top.kind == "(":
                raise ConditionError(
                    f"the `(` at column {top.token.column} is never closed",
                    top.token.column,
                    "(",
                    "add the missing `)`",
                )
            self.reduce()
        (result,) = self.operands
        return result

    def end_column(self) -> int:
        return len(self.text.rstrip("".join(_SPACE))) + 1

    def nest(self, token: Token) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ConditionError(
                f"the condition is nested too deeply (more than {MAX_DEPTH} levels of"
                " parentheses, `not` and unary minus)",
                token.column,
                token.text,
                "simplify it, or split it across several choices or branches",
            )

    def value(self, i: int) -> int:
        """Handle the token at ``i`` where a value must start; return the next index."""
        token = self.tokens[i]
        start = token.column - 1
        end = start + len(token.text)
        kind, text = token.kind, token.text
        if kind == "number":
            self.operands.append(_constant(float(text), start, end))
        elif kind == "name":
            if i + 1 < len(self.tokens) and self.tokens[i + 1].kind == "lparen":
                raise ConditionError(
                    f"{_show(text + '(')} is not allowed: the only call is visited(scene-id)",
                    token.column,
                    text,
                    "to test a scene write visited(scene-id); a meter or flag needs no ( )",
                )
            self.operands.append(self.resolve(token))
        elif kind == "keyword" and text in ("true", "false"):
            self.operands.append(_constant(text == "true", start, end))
        elif kind == "keyword" and text == "visited":
            return self.visited(i)
        elif kind == "lparen":
            self.nest(token)
            self.pending.append(_Pending("(", token, _PARENS))
        elif (kind, text) in (("keyword", "not"), ("op", "-")):
            if text == "not" and self.pending and self.pending[-1].precedence > _PRECEDENCE[text]:
                # `x == not y`: `not` binds more loosely than the operator before it.
                raise self.expected_value(i)
            self.nest(token)
            op = "not" if text == "not" else "neg"
            self.pending.append(_Pending(op, token, _PRECEDENCE[op]))
        else:
            raise self.expected_value(i)
        return i + 1

    def expected_value(self, i: int) -> ConditionError:
        token = self.tokens[i]
        where = f"after {_show(self.tokens[i - 1].text)}" if i else "at the start"
        hint = None
        if token.text == "+":
            hint = "there is no unary plus; write the number alone"
        elif token.text == "not":
            hint = "put the `not` part in parentheses, as in `x == (not y)`"
        elif token.kind == "rparen" and i and self.tokens[i - 1].kind == "lparen":
            hint = "empty parentheses hold nothing to test"
        return ConditionError(
            f"expected a value {where}, found {_show(token.text)}", token.column, token.text, hint
        )

    def expected_operator(self, token: Token, previous: Token) -> ConditionError:
        hint = None
        if token.kind == "lparen":
            hint = "use * to multiply; only visited takes ( ) after it"
        elif token.text == "not":
            hint = "`not` goes before a condition; join two tests with `and` or `or`"
        else:
            hint = "join two tests with `and` or `or`, or two numbers with an operator"
        return ConditionError(
            f"expected an operator after {_show(previous.text)}, found {_show(token.text)}",
            token.column,
            token.text,
            hint,
        )

    def visited(self, i: int) -> int:
        """Parse ``visited ( scene-id )`` starting at token ``i``; return the next index."""
        tokens = self.tokens
        keyword = tokens[i]
        shape = "write it as visited(scene-id)"
        if i + 1 >= len(tokens) or tokens[i + 1].kind != "lparen":
            raise ConditionError(
                "visited needs a scene id in parentheses", keyword.column, keyword.text, shape
            )
        if i + 2 >= len(tokens) or tokens[i + 2].kind not in ("name", "keyword"):
            found = tokens[i + 2] if i + 2 < len(tokens) else None
            raise ConditionError(
                "expected a scene id inside visited( )"
                + (f", found {_show(found.text)}" if found else ""),
                found.column if found else self.end_column(),
                found.text if found else "",
                shape,
            )
        scene = tokens[i + 2]
        if i + 3 >= len(tokens) or tokens[i + 3].kind != "rparen":
            found = tokens[i + 3] if i + 3 < len(tokens) else None
            raise ConditionError(
                "visited( ) takes one scene id and then `)`"
                + (f", found {_show(found.text)}" if found else ""),
                found.column if found else self.end_column(),
                found.text if found else "",
                shape,
            )
        if scene.text not in self.names.scenes:
            raise self.unknown_scene(scene)
        self.scenes.add(scene.text)
        close = tokens[i + 3]
        self.operands.append(_scene_expr(scene.text, keyword.column - 1, close.column))
        return i + 4

    # -- names

    def resolve(self, token: Token) -> _Expr:
        name = token.text
        names = self.names
        start = token.column - 1
        end = start + len(name)
        is_meter = name in names.meters
        is_flag = name in names.flags
        if is_meter and is_flag:
            raise ConditionError(
                f"{_show(name)} is both a meter and a flag",
                token.column,
                name,
                "rename the flag so each name means one thing",
            )
        if is_meter:
            self.meters.add(name)
            return _meter_expr(name, start, end)
        if is_flag:
            self.flags.add(name)
            return _flag_expr(name, start, end)
        known = names.meters | names.flags
        parts = name.split("-")
        if len(parts) > 1 and all(p.isdigit() or p in known for p in parts):
            hint: str | None = "put spaces around minus: " + " - ".join(parts)
        elif name in names.scenes:
            hint = f"{name} is a scene; test it with visited({name})"
        else:
            hint = _did_you_mean(name, known)
        raise UnknownNameError(
            f"unknown name {_show(name)}: not a meter or flag of this pack",
            token.column,
            name,
            hint,
        )

    def unknown_scene(self, token: Token) -> ConditionError:
        name = token.text
        if name in self.names.meters or name in self.names.flags:
            kind = "meter" if name in self.names.meters else "flag"
            hint: str | None = f"{name} is a {kind}; write it without visited( )"
        else:
            hint = _did_you_mean(name, self.names.scenes)
        return UnknownNameError(
            f"unknown scene {_show(name)}", token.column, name, hint, scene=True
        )

    # -- operators

    def binary(self, token: Token, tokens: list[Token], i: int) -> None:
        op = token.text
        level = _PRECEDENCE[op]
        # Left-associative: first finish every waiting operator that binds at
        # least as tightly.  Comparisons do not associate at all, so a waiting
        # comparison at the same level is an error, not something to finish.
        while self.pending and self.pending[-1].kind != "(":
            top = self.pending[-1]
            if top.precedence < level or (top.precedence == level == _COMPARISON_LEVEL):
                break
            self.reduce()
        if level == _COMPARISON_LEVEL and self.pending and self.pending[-1].kind in _COMPARISONS:
            first = self.pending[-1]
            left, middle = self.operands[-2], self.operands[-1]
            after = tokens[i + 1].text if i + 1 < len(tokens) else "…"
            a, b = self.snippet(left), self.snippet(middle)
            raise ConditionError(
                f"comparisons cannot be chained: {_show(first.token.text)} and"
                f" {_show(op)} in a row",
                token.column,
                op,
                f"use and: `{a} {first.token.text} {b} and {b} {op} {after}`",
            )
        self.pending.append(_Pending(op, token, level))

    def close(self, token: Token) -> None:
        while self.pending and self.pending[-1].kind != "(":
            self.reduce()
        if not self.pending:
            raise ConditionError(
                "this `)` has no matching `(`", token.column, ")", "remove it or add the `(`"
            )
        opening = self.pending.pop()
        self.depth -= 1
        inner = self.operands[-1]
        inner.start = opening.token.column - 1
        inner.end = token.column
        inner.atomic = True

    def reduce(self) -> None:
        """Apply the operator on top of the stack to the operands it needs."""
        pending = self.pending.pop()
        op = pending.kind
        if op in ("not", "neg"):
            self.depth -= 1
            operand = self.operands.pop()
            start = pending.token.column - 1
            if op == "not":
                self.need_boolean(operand, pending.token)
                result = _Expr("boolean", _not(operand), start, operand.end, atomic=False)
            else:
                self.need_number(operand, pending.token)
                negate = _negate(_arith_operand(operand))
                result = _Expr("number", negate, start, operand.end, atomic=False)
            self.operands.append(_fold(result, operand))
            return
        right = self.operands.pop()
        left = self.operands.pop()
        token = pending.token
        if op in ("and", "or"):
            self.need_boolean(left, token)
            self.need_boolean(right, token)
            # `a and b and c` arrives as `(a and b) and c`: extend the chain
            # instead of nesting, so long chains cost one call, not one per link.
            head = left.links if left.chain == op else (("", left.fn),)
            links = (*head, ("", right.fn))
            fns = tuple(g for _, g in links)
            fn = _all(fns) if op == "and" else _any(fns)
            result = _Expr("boolean", fn, left.start, right.end, atomic=False)
            result.chain, result.links = op, links
        elif op in _COMPARISONS:
            if op in _ORDERINGS:
                self.need_number(left, token)
                self.need_number(right, token)
            elif left.type != right.type:
                raise ConditionError(
                    f"{_show(op)} compares two things of the same kind, but"
                    f" `{self.snippet(left)}` is {_kind(left)} and `{self.snippet(right)}` is"
                    f" {_kind(right)}",
                    token.column,
                    op,
                    "compare a number with a number, or a condition with a condition",
                )
            compare = _compare(op, left, right)
            result = _Expr("boolean", compare, left.start, right.end, atomic=False)
        else:
            self.need_number(left, token)
            self.need_number(right, token)
            chain = "sum" if op in ("+", "-") else "product"
            head = left.links if left.chain == chain else (("", _arith_operand(left)),)
            links = (*head, (op, _arith_operand(right)))
            fn = _sum(links) if chain == "sum" else _product(links)
            result = _Expr("number", fn, left.start, right.end, atomic=False)
            result.chain, result.links = chain, links
        self.operands.append(_fold(result, left, right))

    # -- type errors

    def snippet(self, e: _Expr) -> str:
        text = " ".join(self.text[e.start : e.end].split())
        return text if len(text) <= 40 else text[:39] + "…"

    def need_number(self, e: _Expr, op: Token) -> None:
        if e.type != "number":
            shown = self.snippet(e)
            raise ConditionError(
                f"{_show(op.text)} needs numbers, but `{shown}` is a condition (true or false)",
                e.start + 1,
                shown,
                "arithmetic and < <= > >= work on meters and numbers only",
            )

    def need_boolean(self, e: _Expr, op: Token) -> None:
        if e.type != "boolean":
            shown = self.snippet(e)
            raise ConditionError(
                f"{_show(op.text)} needs conditions (true or false), but `{shown}` is a number",
                e.start + 1,
                shown,
                _compare_hint(shown, e.atomic),
            )


def _fold(result: _Expr, *operands: _Expr) -> _Expr:
    """Replace an operation on constants by its value, computed once, here."""
    if all(o.const is not None for o in operands):
        value = result.fn(_NO_STATE_M, _NO_STATE_S, _NO_STATE_S)
        folded = _constant(value, result.start, result.end)
        folded.atomic = result.atomic
        return folded
    return result


def _kind(e: _Expr) -> str:
    return "a number" if e.type == "number" else "a condition"


def _compare_hint(shown: str, atomic: bool) -> str:
    return f"compare it, e.g. `{shown if atomic else f'({shown})'} > 50`"


def _always(value: bool) -> _BoolFn:
    return lambda m, f, v: value


def _did_you_mean(name: str, candidates: frozenset[str]) -> str | None:
    close = difflib.get_close_matches(name, sorted(candidates), n=1)
    return f"did you mean `{close[0]}`?" if close else None


def compile_condition(text: str, names: Names) -> Condition:
    """Compile ``text`` against the pack's ``names``; raise only :class:`ConditionError`.

    Every error carries the 1-based column and the offending text, and a hint
    where one helps.  Names the pack lacks raise :class:`UnknownNameError`,
    a :class:`ConditionError` subclass.
    """
    if not isinstance(text, str):
        raise ConditionError(
            f"a condition must be text, not {type(text).__name__}",
            1,
            "",
            "write it as a test such as `trust_us_dprk > 50`, quoted if YAML would misread it",
        )
    if len(text) > MAX_LENGTH:
        raise ConditionError(
            f"the condition is too long ({len(text)} characters; at most {MAX_LENGTH})",
            MAX_LENGTH + 1,
            "",
            "split it across several choices or branches",
        )
    compiler = _Compiler(text, names)
    expr = compiler.compile()
    if expr.type != "boolean":
        shown = compiler.snippet(expr)
        raise ConditionError(
            "a number is not a condition", expr.start + 1, shown, _compare_hint(shown, expr.atomic)
        )
    fn = _always(bool(expr.const)) if expr.const is not None else cast(_BoolFn, expr.fn)
    return Condition(
        text,
        frozenset(compiler.meters),
        frozenset(compiler.flags),
        frozenset(compiler.scenes),
        fn,
    )
