"""The alternation grouped by first character finds exactly what the plain one finds."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plugins.classifiers import mots_cles
from plugins.classifiers.alternation import (
    dispatched_alternation,
    first_characters,
    word_alternation,
)
from plugins.classifiers.dataset import load_dataset

DATA = Path(__file__).parents[1] / "data"


def spans(pattern: re.Pattern[str], text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group(0)) for m in pattern.finditer(text)]


@pytest.mark.parametrize(
    ("fragment", "expected"),
    [
        ("tuer", "t"),
        ("(?:je|j')vais", "j"),
        ("[mt]e tuer", "mt"),
        ("(?:les )?gens", "lg"),  # an optional word: its first letter or the next one
        ("(?!pas )mourir", "m"),  # a lookahead does not consume
        ("a{2,}h", "a"),
        ("[a-c]x", "abc"),
        ("(?:x?y?)z", "xyz"),
    ],
)
def test_first_characters_lists_every_possible_start(fragment: str, expected: str) -> None:
    assert first_characters(fragment) == frozenset(expected)


@pytest.mark.parametrize("fragment", [r"\w+ing", r"\d+ ?\$", ".bad", "[^a]x", "(?:a)?", "x*"])
def test_first_characters_gives_up_where_any_position_could_match(fragment: str) -> None:
    assert first_characters(fragment) is None


MIXED = [
    "kill (?:my ?self|me)",
    "(?:je|j') ?(?:veux|vais) mourir",
    r"\w+ pills",  # cannot be listed: tried at every word start
    "(?:i'?m|i am) done",
    "me (?:tuer|pendre)",
    "m'en aller",
    "(?=end )end it",
    "ending",
    "end",  # after "ending": the order decides which one a text gets
]


WORDS = [
    "kill",
    "myself",
    "me",
    "je",
    "j'",
    "veux",
    "mourir",
    "vais",
    "i'm",
    "im",
    "done",
    "tuer",
    "m'en",
    "aller",
    "end",
    "ending",
    "it",
    "3",
    "42",
    "pills",
    "many",
    "can't",
    "qu'",
    "😭",
    "é",
    "endit",
]
SEPARATORS = [" ", " ", " ", "", ", ", ".", "!", "'"]


@settings(max_examples=500, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(WORDS), st.sampled_from(SEPARATORS)), max_size=10).map(
        lambda pairs: "".join(word + separator for word, separator in pairs)
    )
)
def test_generated_texts_get_the_same_matches(text: str) -> None:
    plain, grouped = word_alternation(MIXED), dispatched_alternation(MIXED)
    assert spans(grouped, text) == spans(plain, text)
    assert grouped.sub(" ", text) == plain.sub(" ", text)


@pytest.mark.parametrize("text", ["3 pills", "many pills", "je veux mourir", "ending it", "end"])
def test_each_kind_of_phrase_is_found(text: str) -> None:
    assert spans(dispatched_alternation(MIXED), text) == spans(word_alternation(MIXED), text) != []


def test_the_crisis_phrases_match_alike_on_every_labeled_text() -> None:
    plain = word_alternation(mots_cles.CRISIS_DIRECT)
    grouped = dispatched_alternation(mots_cles.CRISIS_DIRECT)
    assert grouped.pattern != plain.pattern  # really grouped, not the fallback
    texts = [
        item.text for path in sorted(DATA.glob("classify_*.jsonl")) for item in load_dataset(path)
    ]
    matched = 0
    for text in texts:
        for variant in mots_cles._prepare(text).variants:
            expected = spans(plain, variant)
            assert spans(grouped, variant) == expected, variant
            matched += bool(expected)
    assert matched > 300  # the comparison covered many real matches, not only misses


def test_capturing_groups_keep_the_plain_alternation() -> None:
    fragments = [r"(a)\1h", "bof"]
    assert dispatched_alternation(fragments).pattern == word_alternation(fragments).pattern
    assert dispatched_alternation(fragments).search("aah") is not None
