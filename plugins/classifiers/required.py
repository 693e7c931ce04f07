"""What every match of a regular expression must contain, as literal text.

For ``(?<!\\w)(?:pills|meds) (?:\\S+ ){0,3}tonight(?!\\w)`` every match contains
``(?:pills|meds) `` and ``tonight``: a text holding neither cannot match, whatever the
lookarounds and the gap say. :func:`required` writes such an expression for each top-level
alternative of a pattern, in the syntax of Hyperscan (the engine of :mod:`.gate`), choosing
the most telling one (the longest shortest match) where there are several;
:func:`conjunctions` keeps up to :data:`MOST_PARTS` of them, all of which a match needs:

* runs of literal text: characters, small classes of them, groups, alternations and repeats
  of these, with lookarounds and anchors read as empty (they only ever remove matches);
* inside a part that is not literal text (``\\w+``, ``.``, a wide class), what that part
  itself requires, if anything: each branch of an alternation must require something.

An alternative that requires nothing (``\\w+ly``) makes the pattern :class:`Unrequired`.
Long expressions are cut, by distributing their largest alternation, because the engine
refuses expressions much longer than :data:`PIECE_LIMIT`.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

# The parser behind ``re.compile`` (see alternation.py).
_PARSER: Any = importlib.import_module("re._parser")
_OPS: Any = importlib.import_module("re._constants")

PIECE_LIMIT = 3_000  # UTF-8 bytes of one expression: Hyperscan refuses about 8,000 and more
LONG_REPEAT = 8  # a bounded repeat of more than this is read as unbounded
MAX_CLASS = 64  # a class of more characters than this is not literal text
MOST_PARTS = 3  # expressions asked of one alternative at most
MIN_PART = 2  # an expression that can match fewer characters is not worth asking too
_SPECIAL = frozenset("\\^$.|?*+()[]{}-\t\n\r\f\v")

Items = Sequence[tuple[Any, Any]]


class Unrequired(ValueError):
    """A pattern with an alternative that requires no literal text."""


@dataclass(frozen=True, slots=True)
class Segment:
    """An expression every match contains, and the length of its own shortest match."""

    expression: str
    shortest: int


def _is(op: Any, *names: str) -> bool:
    return any(op is getattr(_OPS, name) for name in names)


_ZERO_WIDTH = ("AT", "ASSERT", "ASSERT_NOT")
_REPEATS = ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT")
_EMPTY = Segment("", 0)


def _char(code: int) -> str:
    """A character as Hyperscan reads it: itself when printable and not special."""
    char = chr(code)
    if char in _SPECIAL or not char.isprintable() or 0xD800 <= code <= 0xDFFF:
        return f"\\x{{{code:x}}}"
    return char


def _concatenation(parts: Sequence[Segment]) -> Segment:
    return Segment("".join(p.expression for p in parts), sum(p.shortest for p in parts))


def _alternation(parts: Sequence[Segment]) -> Segment:
    expressions = "|".join(p.expression for p in parts)
    return Segment(f"(?:{expressions})", min((p.shortest for p in parts), default=0))


def _folds_case(group: Any) -> bool:
    """Whether a group turns case-insensitive matching on or off: ``(?i:...)``."""
    _number, add_flags, del_flags, _body = group
    return bool((add_flags | del_flags) & re.IGNORECASE)


def _either(branches: Sequence[Segment | None]) -> Segment | None:
    """The alternation of every branch's segment; None if a branch has none."""
    if any(b is None for b in branches):
        return None
    return _alternation([b for b in branches if b is not None])


def _listed_class(items: Items) -> Segment | None:
    """A class of listed characters (no negation, no category, no wide range)."""
    codes: set[int] = set()
    for op, arg in items:
        if _is(op, "LITERAL"):
            codes.add(arg)
        elif _is(op, "RANGE") and arg[1] - arg[0] < MAX_CLASS:
            codes.update(range(arg[0], arg[1] + 1))
        else:
            return None
    if not codes or len(codes) > MAX_CLASS:
        return None
    return Segment("[" + "".join(_char(code) for code in sorted(codes)) + "]", 1)


def _zero_width(op: Any, arg: Any) -> bool:
    """Assertions, and groups or alternations of nothing else (the rules' word edges)."""
    if _is(op, *_ZERO_WIDTH):
        return True
    if _is(op, "SUBPATTERN"):
        return all(_zero_width(o, a) for o, a in arg[3])
    if _is(op, "BRANCH"):
        return all(_zero_width(o, a) for b in arg[1] for o, a in b)
    return False


class _Reader:
    """One pattern's parse tree read once: the exact text of each node is remembered
    (the large alternations are nested, and each level asks about the ones below)."""

    def __init__(self) -> None:
        self._exact: dict[int, Segment | None] = {}
        self._keep: list[Any] = []  # the nodes whose id is a key stay alive

    def exact(self, op: Any, arg: Any) -> Segment | None:
        """``op`` in Hyperscan syntax if it is literal text only, else None."""
        if not _is(op, "SUBPATTERN", "ATOMIC_GROUP", "BRANCH", *_REPEATS):
            return self._read_exact(op, arg)
        key = id(arg)  # the argument of a group is an object of its own
        if key not in self._exact:
            self._keep.append(arg)
            self._exact[key] = self._read_exact(op, arg)
        return self._exact[key]

    def _read_exact(self, op: Any, arg: Any) -> Segment | None:
        if _is(op, "LITERAL"):
            return Segment(_char(arg), 1)
        if _is(op, *_ZERO_WIDTH):
            return _EMPTY
        if _is(op, "IN"):
            return _listed_class(arg)
        if _is(op, "SUBPATTERN") and _folds_case(arg):
            return None  # Hyperscan folds case otherwise than re: nothing is asked of it
        if _is(op, "SUBPATTERN", "ATOMIC_GROUP"):
            body = self.exact_sequence(arg[3] if _is(op, "SUBPATTERN") else arg)
            return None if body is None else Segment(f"(?:{body.expression})", body.shortest)
        if _is(op, "BRANCH"):
            return _either([self.exact_sequence(b) for b in arg[1]])
        if _is(op, *_REPEATS):
            low, high, body_items = arg
            if high == 0:
                return _EMPTY  # "a{0}": nothing (an engine refuses to compile it)
            body = self.exact_sequence(body_items)
            if body is None:
                return None
            if high is _OPS.MAXREPEAT or high > LONG_REPEAT:
                bounds = f"{{{min(low, LONG_REPEAT)},}}"
            else:
                bounds = f"{{{low},{high}}}"
            return Segment(f"(?:{body.expression}){bounds}", min(low, LONG_REPEAT) * body.shortest)
        return None  # any character, a negated or wide class, a backreference

    def exact_sequence(self, items: Items) -> Segment | None:
        parts = [self.exact(op, arg) for op, arg in items]
        if any(p is None for p in parts):
            return None
        return _concatenation([p for p in parts if p is not None])

    def required(self, items: Items) -> Segment | None:
        """The most telling expression every match of ``items`` contains (see the module
        docstring), or None if a match can be made of anything."""
        found = self.candidates(items)
        return found[0] if found else None

    def candidates(self, items: Items) -> list[Segment]:
        """Expressions every match of ``items`` contains, each in a part of its own, the
        most telling first."""
        candidates: list[Segment] = []
        run: list[Segment] = []
        for op, arg in items:
            exact = self.exact(op, arg)
            if exact is not None:
                run.append(exact)
                continue
            if run:
                candidates.append(_concatenation(run))
                run = []
            inner = self._required_within(op, arg)
            if inner is not None:
                candidates.append(inner)
        if run:
            candidates.append(_concatenation(run))
        kept = [c for c in candidates if c.shortest > 0]
        return sorted(kept, key=lambda c: -c.shortest)  # stable: ties keep their order

    def _required_within(self, op: Any, arg: Any) -> Segment | None:
        if _is(op, "SUBPATTERN"):
            return None if _folds_case(arg) else self.required(arg[3])
        if _is(op, "ATOMIC_GROUP"):
            return self.required(arg)
        if _is(op, "BRANCH"):
            return _either([self.required(b) for b in arg[1]])
        if _is(op, *_REPEATS):
            return self.required(arg[2]) if arg[0] >= 1 else None
        if _is(op, "GROUPREF_EXISTS"):
            return _either([self.required(arg[1]), self.required(arg[2] or [])])
        return None

    def size(self, items: Items) -> int:
        segment = self.required(items)
        return 0 if segment is None else len(segment.expression.encode())

    def alternatives(self, items: Items, limit: int) -> list[Items]:
        """Sequences whose union is ``items``: its top-level branches, through groups that
        only wrap them (so one that requires nothing spoils only itself), and where one is
        longer than ``limit``, its largest alternation distributed: ``a(?:b|c)d`` ->
        ``abd``, ``acd``."""
        core = [(op, arg) for op, arg in items if not _zero_width(op, arg)]
        if len(core) == 1:
            op, arg = core[0]
            if _is(op, "SUBPATTERN") and not _folds_case(arg):
                return self.alternatives(arg[3], limit)
            if _is(op, "BRANCH"):
                return [a for b in arg[1] for a in self.alternatives(b, limit)]
        if self.size(core) <= limit:
            return [core]
        for k in sorted(range(len(core)), key=lambda k: -self.size([core[k]])):
            op, arg = core[k]
            if _is(op, "SUBPATTERN") and not _folds_case(arg):
                return self.alternatives([*core[:k], *arg[3], *core[k + 1 :]], limit)
            if _is(op, "BRANCH"):
                before, after = core[:k], core[k + 1 :]
                return [a for b in arg[1] for a in self.alternatives([*before, *b, *after], limit)]
        return [core]  # cannot be cut: the engine says whether it takes it


def _packed(expressions: Sequence[str], limit: int) -> list[str]:
    """Alternations of ``expressions``, each at most ``limit`` bytes when it can be."""
    packs: list[list[str]] = [[]]
    size = 0
    for expression in expressions:
        length = len(expression.encode()) + 1
        if packs[-1] and size + length > limit:
            packs.append([])
            size = 0
        packs[-1].append(expression)
        size += length
    return ["|".join(pack) for pack in packs]


def required(
    pattern: re.Pattern[str] | str, limit: int = PIECE_LIMIT, *, flags: int = 0
) -> list[str]:
    """Hyperscan expressions such that wherever ``pattern`` matches, one of them matches
    within the text of that match (see the module docstring). ``flags``: those of a pattern
    given as its source."""
    return [expression for (expression,) in conjunctions(pattern, limit, most=1, flags=flags)]


def conjunctions(
    pattern: re.Pattern[str] | str,
    limit: int = PIECE_LIMIT,
    most: int = MOST_PARTS,
    *,
    flags: int = 0,
) -> list[tuple[str, ...]]:
    """Like :func:`required`, with up to ``most`` expressions per alternative, all of which
    every match contains, in different parts of it: wherever ``pattern`` matches, every
    expression of one of the tuples matches. "pills (?:\\S+ ){0,3}tonight" needs "pills "
    and "tonight", where one of them alone lets through many texts that cannot match.
    The alternatives that need a single expression are packed together, as :func:`required`
    does."""
    source = pattern if isinstance(pattern, str) else pattern.pattern
    flags |= 0 if isinstance(pattern, str) else pattern.flags
    parsed = _PARSER.parse(source, flags)
    if (flags | parsed.state.flags) & re.IGNORECASE:
        raise Unrequired("case-insensitive: Hyperscan folds case differently")
    reader = _Reader()
    alone: list[str] = []
    together: list[tuple[str, ...]] = []
    for alternative in reader.alternatives(parsed, limit):
        found = reader.candidates(alternative)
        if not found:
            raise Unrequired(f"an alternative requires no literal text: {alternative}")
        parts = [found[0]] + [
            c
            for c in found[1:most]
            if c.shortest >= MIN_PART and len(c.expression.encode()) <= limit
        ]
        if len(parts) == 1:
            alone.append(parts[0].expression)
        else:
            together.append(tuple(p.expression for p in parts))
    packed = [(e,) for e in _packed(list(dict.fromkeys(alone)), limit)] if alone else []
    return packed + list(dict.fromkeys(together))
