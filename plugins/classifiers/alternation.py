"""A large alternation of word-edged phrases, matched without trying every phrase everywhere.

``re`` tries the alternatives of ``(?<!\\w)(?:a|b|...)`` one after the other at every word
start. With two hundred crisis phrases that was the largest single cost of the keyword
rules (measured on heldout6's 71-character comments: 85 µs of 470).
:func:`dispatched_alternation` reads each phrase's possible first characters from the
regular-expression parser, once, and groups the phrases under a one-character lookahead, so
that at a word start only the group of the character found there is tried.

The matches are exactly those of the plain alternation: at a given position, the phrases
left out cannot start there, and the ones kept are tried in their original order, so the same
one wins. ``tests/unit/test_alternation.py`` compares the two on every labeled text and on
generated ones.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterable, Sequence
from typing import Any

# The parser behind ``re.compile``: private, but stable since 3.11 (it was ``sre_parse``).
# Typed as Any because typeshed only describes the deprecated public alias.
_PARSER: Any = importlib.import_module("re._parser")
_OPS: Any = importlib.import_module("re._constants")

WORD_START = r"(?<!\w)"
# A match may end on an elision ("qu'", "j'") but not inside a contraction: "can" must not
# match the start of "can't".
WORD_END = r"(?:(?<=')|(?!\w)(?!'\w))"
MAX_RANGE = 512  # a character range wider than this is not listed (the phrase falls back)

_Chars = frozenset[str]


def word_alternation_source(fragments: Iterable[str]) -> str:
    """The source of :func:`word_alternation`."""
    return WORD_START + "(?:" + "|".join(fragments) + ")" + WORD_END


def word_alternation(fragments: Iterable[str]) -> re.Pattern[str]:
    """One alternation that starts and ends on word edges."""
    return re.compile(word_alternation_source(fragments))


def _first_of_sequence(items: Iterable[tuple[Any, Any]]) -> tuple[_Chars, bool] | None:
    """The characters a match of ``items`` can start with, and whether it can be empty;
    None when they cannot be listed."""
    chars: set[str] = set()
    for op, arg in items:
        item = _first_of_item(op, arg)
        if item is None:
            return None
        first, nullable = item
        chars |= first
        if not nullable:
            return frozenset(chars), False
    return frozenset(chars), True


def _first_of_set(members: Iterable[tuple[Any, Any]]) -> _Chars | None:
    chars: set[str] = set()
    for op, arg in members:
        if op is _OPS.LITERAL:
            chars.add(chr(arg))
        elif op is _OPS.RANGE and arg[1] - arg[0] <= MAX_RANGE:
            chars.update(map(chr, range(arg[0], arg[1] + 1)))
        else:  # NEGATE, CATEGORY (\w, \d...), a wide range
            return None
    return frozenset(chars)


def _first_of_item(op: Any, arg: Any) -> tuple[_Chars, bool] | None:
    if op is _OPS.LITERAL:
        return frozenset(chr(arg)), False
    if op is _OPS.IN:
        members = _first_of_set(arg)
        return None if members is None else (members, False)
    if op is _OPS.SUBPATTERN:
        _group, add_flags, _del_flags, body = arg
        return None if add_flags & re.IGNORECASE else _first_of_sequence(body)
    if op is _OPS.BRANCH:
        chars: set[str] = set()
        nullable = False
        for branch in arg[1]:
            first = _first_of_sequence(branch)
            if first is None:
                return None
            chars |= first[0]
            nullable = nullable or first[1]
        return frozenset(chars), nullable
    if op in (_OPS.MAX_REPEAT, _OPS.MIN_REPEAT, _OPS.POSSESSIVE_REPEAT):
        low, _high, body = arg
        first = _first_of_sequence(body)
        return None if first is None else (first[0], low == 0 or first[1])
    if op in (_OPS.AT, _OPS.ASSERT, _OPS.ASSERT_NOT):
        return frozenset(), True  # zero width: the next item decides (a superset is fine)
    return None  # ANY, NOT_LITERAL, CATEGORY, GROUPREF...


def first_characters(fragment: str) -> _Chars | None:
    """Every character a match of ``fragment`` can start with (perhaps a few more), or None
    when that cannot be listed: then any position may match."""
    return _first_of_parsed(_PARSER.parse(fragment))


def _first_of_parsed(parsed: Any) -> _Chars | None:
    if parsed.state.flags & re.IGNORECASE:
        return None
    first = _first_of_sequence(parsed)
    if first is None or first[1] or not first[0]:
        return None
    return first[0]


def dispatched_alternation(fragments: Sequence[str]) -> re.Pattern[str]:
    """:func:`word_alternation` of ``fragments``, its alternatives grouped by first character.

    ``(?<!\\w)(?:(?=a)(?:phrases that can start with a)|(?=b)(?:...)|...)``: at a word start
    one lookahead per group fails at once and a single group's phrases are tried. Phrases
    whose first characters cannot be listed are tried in every group, and alone where no
    group's character is found. The result is an ordinary pattern with the same matches;
    fragments with capturing groups get the plain alternation.
    """
    parsed = [_PARSER.parse(fragment) for fragment in fragments]  # once: it is start-up time
    if any(p.state.groups > 1 for p in parsed):
        # Copied into several groups, a capturing group would be renumbered under its
        # backreferences (or, named, defined twice).
        return word_alternation(fragments)
    firsts = [_first_of_parsed(p) for p in parsed]
    alphabet = sorted(frozenset().union(*(first for first in firsts if first is not None)))
    groups = []
    for char in alphabet:
        kept = (
            f for f, first in zip(fragments, firsts, strict=True) if first is None or char in first
        )
        groups.append(f"(?={re.escape(char)})(?:{'|'.join(kept)})")
    anywhere = [f for f, first in zip(fragments, firsts, strict=True) if first is None]
    if anywhere:
        listed = "".join(re.escape(char) for char in alphabet)
        guard = f"(?![{listed}])" if listed else ""
        groups.append(f"{guard}(?:{'|'.join(anywhere)})")
    return re.compile(WORD_START + "(?:" + "|".join(groups) + ")" + WORD_END)
