"""What every match of a pattern contains (required.py): checked against ``re`` itself.

Each expression :func:`required` writes is Hyperscan syntax; for these tests it is read back
with Python's ``re`` (the subset used, groups, alternations, repeats, classes and ``\\x{..}``
escapes, means the same in both once the escapes are translated).
"""

from __future__ import annotations

import functools
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plugins.classifiers import mots_cles
from plugins.classifiers.alternation import word_alternation
from plugins.classifiers.required import Unrequired, conjunctions, required


def as_python(expression: str) -> re.Pattern[str]:
    """A required expression, readable by ``re``."""
    return re.compile(
        re.sub(r"\\x\{([0-9a-f]+)\}", lambda m: f"\\U{int(m[1], 16):08x}", expression)
    )


def contained(pattern: str | re.Pattern[str], text: str) -> bool:
    """Whether one of ``pattern``'s required expressions matches inside ``text``."""
    return any(as_python(e).search(text) for e in required(pattern))


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (r"(?<!\w)mourir(?!\w)", ["mourir"]),  # lookarounds read as empty
        (r"^kill myself$", ["kill myself"]),
        (r"pills (?:\S+ ){0,3}tonight", ["tonight"]),  # the longer literal side of a gap
        (r"\w+ly bored", ["ly bored"]),
        (r"(?:me|te) tuer", ["(?:me|te) tuer"]),
        (r"en finir\w*", ["en finir"]),
        (r"[mt]e tuer", ["[mt]e tuer"]),
        (r"ab|cd", ["ab", "cd"]),  # each top-level alternative on its own
    ],
)
def test_required_keeps_the_literal_text_every_match_has(pattern: str, expected: list[str]) -> None:
    assert required(pattern) == ["|".join(expected)]


@pytest.mark.parametrize(
    ("pattern", "text"),
    [
        (r"a(?:b)?c", "ac"),  # an optional part inside a run
        (r"a(?:b)?c", "abc"),
        (r"mou(?:r)+ir", "mourrrrir"),
        (r"x{0,3}yz", "yz"),
        (r"lo{2,12}l", "l" + "o" * 12 + "l"),  # a long bounded repeat, read as unbounded
        (r"(?:ha){2,}", "hahahaha"),
        (r"(?:a|b\w+c)d", "bxyzcd"),  # a branch that is not literal text
        (r"(?:\w+ quux)?bar", "bar"),  # an optional part that is not literal text
        (r"(?:\w+ quux){0,2}bar", "bar"),
        (r"(\w)\1{2,}x", "aaax"),  # a backreference
        (r"(?:(a)|b)(?(1)c|d)", "ac"),  # a conditional group
        (r"(?:(a)|b)(?(1)c|d)", "bd"),
        (r"café", "un café"),
        (r"[àé]t", "ét"),
        (r"a\.b\*c\?", "a.b*c?"),  # escaped specials
        (r"(?s:a.b)", "a\nb"),
        ("tab\there", "tab\there"),
        ("\U0001f480 dead", "\U0001f480 dead"),
    ],
)
def test_every_match_contains_a_required_expression(pattern: str, text: str) -> None:
    match = re.search(pattern, text)
    assert match is not None
    assert contained(pattern, match.group(0))


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (r"pills (?:\S+ ){0,3}tonight", [("tonight", "pills ")]),
        # re factors prefixes
        (r"(?:od|overdose)\w* (?:on|with) \w+", [(" (?:on|with) ", "o(?:d|verdose)")]),
        (r"mourir|kill (?:\w+ )?myself", [("mourir",), ("myself", "kill ")]),
        (r"a\w+b", [("a",)]),  # "b" is only one character: not worth a second expression
    ],
)
def test_conjunctions_ask_every_part_a_match_needs(
    pattern: str, expected: list[tuple[str, ...]]
) -> None:
    assert conjunctions(pattern) == expected


@pytest.mark.parametrize(
    ("pattern", "text"),
    [
        (r"pills (?:\S+ ){0,3}tonight", "pills are ready for tonight"),
        (r"(?:od|overdose)\w* (?:on|with) \w+", "overdosed on insulin"),
        (r"(?:me|se) (?:pendre|mutil\w*)", "je me mutile encore"),
        (r"x(?:ab\w+cd|ef\w+gh)y", "xefzzghy"),
    ],
)
def test_every_match_contains_every_part_of_a_conjunction(pattern: str, text: str) -> None:
    match = re.search(pattern, text)
    assert match is not None
    assert any(
        all(as_python(part).search(match.group(0)) for part in parts)
        for parts in conjunctions(pattern)
    )


@pytest.mark.parametrize("pattern", [r"\w+", r"[^\W\d_]", r"(?:x)?", r"(?i)kill", r"a|\d+"])
def test_a_pattern_that_requires_no_literal_text_is_refused(pattern: str) -> None:
    with pytest.raises(Unrequired):
        required(pattern)


def test_long_alternations_are_cut_and_their_union_kept() -> None:
    words = [f"word{n:03d}" for n in range(300)]
    pattern = rf"(?:i|you) (?:{'|'.join(words)}) now"
    pieces = required(pattern, limit=400)
    assert len(pieces) > 1
    assert all(len(p.encode()) <= 400 for p in pieces)
    for word in words:
        assert any(as_python(p).search(f"you {word} now") for p in pieces)
    assert not any(as_python(p).search("you word999 now") for p in pieces)


# Every lexicon of the keyword rules: a text made of a match of one of its fragments,
# between arbitrary words, must hold a required expression wherever the lexicon matches.
LEXICONS = {
    "crisis direct": mots_cles.CRISIS_DIRECT,
    "crisis topic": mots_cles.CRISIS_TOPIC,
    "crisis informational": mots_cles.CRISIS_INFORMATIONAL,
    "harassment": mots_cles.HARASSMENT,
    "hate": mots_cles.HATE,
    "abuse": mots_cles.ABUSE_ALWAYS,
    "spam": mots_cles.SPAM_STRONG,
    "complaint": mots_cles.COMPLAINT,
    "praise": mots_cles.PRAISE,
    "question": mots_cles.QUESTION,
    "request": mots_cles.REQUEST,
}
SAFE_FRAGMENTS = [
    (name, fragment)
    for name, fragments in LEXICONS.items()
    for fragment in fragments
    # hypothesis writes matches of patterns without lookarounds or anchors only
    if not re.search(r"\(\?<?[=!]|\^|\$|\\[bAZ]", fragment)
]


@functools.cache
def lexicon(name: str) -> tuple[re.Pattern[str], tuple[tuple[re.Pattern[str], ...], ...]]:
    """A lexicon as the rules compile it, and its conjunctions read by ``re``."""
    pattern = word_alternation(LEXICONS[name])
    return pattern, tuple(tuple(as_python(e) for e in parts) for parts in conjunctions(pattern))


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_lexicons_matches_always_contain_every_part_of_a_conjunction(data: st.DataObject) -> None:
    name, fragment = data.draw(st.sampled_from(SAFE_FRAGMENTS))
    core = data.draw(st.from_regex(re.compile(fragment), fullmatch=True))
    before = data.draw(st.sampled_from(["", "oh ", "je ", "well, ", "x"]))
    after = data.draw(st.sampled_from(["", " now", "!", " ok", "y"]))
    text = before + core + after
    pattern, expressions = lexicon(name)
    match = pattern.search(text)
    if match is not None:
        span = match.group(0)
        assert any(all(e.search(span) for e in parts) for parts in expressions), (name, text)
