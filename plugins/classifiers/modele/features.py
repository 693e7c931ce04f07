"""Text to hashed features, shared by inference and training: one implementation, so the
weights are read exactly as they were learned.

Normalisation makes spelling variants one string: lowercase, accents folded, typographic
apostrophes and zero-width characters undone, any character repeated three times or more
squeezed to two ("nuuuul" and "nuuuuuul" are one word, "!!!!!" is "!!"), URLs, @handles and
digits mapped to placeholders (the amount in "$500/day" says less than its shape). Emoji are
kept: "😭" and "💀" carry meaning.

Features are character n-grams (2 to 5, across word boundaries, so "me tuer" is seen as a
phrase) and word unigrams and bigrams, hashed into :data:`BUCKETS` buckets. Every occurrence
counts ``1 / sqrt(total occurrences)`` so a long text does not outweigh a short one.

The hashes must never change between the training run and a worker (Python's own ``hash``
of a string is salted per process, so it cannot be used):

* character n-grams: a polynomial hash of the Unicode code points, modulo 2**32, times a
  Fibonacci-hashing constant, of which the top :data:`BUCKET_BITS` bits are the bucket;
  computed for every position at once by one small integer matrix product (these are most
  of the features, and a Python loop over them would cost as much as the keyword rules);
* words and bigrams: ``zlib.crc32`` of the word, behind a prefix that keeps them apart from
  one another.
"""

from __future__ import annotations

import itertools
import math
import re
import unicodedata
import zlib
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

BUCKET_BITS = 18
BUCKETS = 1 << BUCKET_BITS
NGRAM_MIN, NGRAM_MAX = 2, 5
URL_TOKEN, HANDLE_TOKEN = "<url>", "@user"

_MASK = BUCKETS - 1
_WIDTH = NGRAM_MAX - NGRAM_MIN + 1  # n-gram lengths per position
_END = "\0" * (NGRAM_MAX - 1)  # what the n-grams starting near the end run into
END_MARK = "\u2404"  # how a reason shows that an n-gram runs past the end of the text
# 32-bit arithmetic is enough for 18-bit buckets and spares a conversion of every code point.
_PRIME = 16_777_619  # FNV-1's 32-bit prime: odd, its bits well spread
_GOLDEN = 0x9E3779B9  # Fibonacci hashing: the top bits depend on all the bits


def _powers() -> npt.NDArray[np.uint32]:
    """Column ``n - NGRAM_MIN`` turns a window of code points into the hash of its first
    ``n``: ``golden * sum(c[j] * prime**(n-1-j)) mod 2**32``."""
    powers = np.zeros((NGRAM_MAX, _WIDTH), dtype=np.uint32)
    for n in range(NGRAM_MIN, NGRAM_MAX + 1):
        for j in range(n):
            powers[j, n - NGRAM_MIN] = pow(_PRIME, n - 1 - j, 1 << 32) * _GOLDEN % (1 << 32)
    return powers


_POWERS = _powers()
_SHIFT = np.uint32(32 - BUCKET_BITS)
_WORD_SEED, _BIGRAM_SEED = zlib.crc32(b"w "), zlib.crc32(b"b ")

_TRANSLATION = str.maketrans(
    {
        **dict.fromkeys("\u2019\u2018\u02bc\u2032`\u00b4", "'"),
        **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014", "-"),
        # Zero-width characters are a classic way to slip "b\u200bitcoin" past filters.
        **dict.fromkeys("\u200b\u200c\u200d\u2060\ufeff\u00ad", None),
        "œ": "oe",
        "æ": "ae",
    }
)
_URL_RE = re.compile(
    r"(?:https?://|www\.)\S+"
    r"|(?<![\w@.-])(?:[a-z0-9][a-z0-9-]*\.)+(?:com|net|org|io|ly|co|xyz|info|biz|me|link|click"
    r"|top|shop|site|online|app|gg|fr|ca|be|ch|us|uk|ru|live|store|vip|club)(?:/\S*)?(?![\w.-])"
)
_HANDLE_RE = re.compile(r"(?<!\w)@\w+")
_DIGIT_RE = re.compile(r"\d")
_COMBINING_RE = re.compile(r"[\u0300-\u036f]")
_REPEAT_RE = re.compile(r"(.)\1{2,}")
_WORD_RE = re.compile(r"[^\W_]+")


def normalize(text: str) -> str:
    """The string features are taken from, padded with one space on each side ("" stays "").

    The ``in`` and ``isascii`` guards skip substitutions that cannot apply: this runs on every
    message, next to the keyword rules, and the guards halve its cost.
    """
    lowered = text.casefold()
    if not lowered.isascii():
        # NFKD also undoes compatibility forms ("ﬁ", full-width letters) used to dodge filters.
        lowered = unicodedata.normalize("NFKD", lowered.translate(_TRANSLATION))
        lowered = _COMBINING_RE.sub("", lowered)
    if "." in lowered:
        lowered = _URL_RE.sub(f" {URL_TOKEN} ", lowered)
    if "@" in lowered:
        lowered = _HANDLE_RE.sub(HANDLE_TOKEN, lowered)
    lowered = _REPEAT_RE.sub(r"\1\1", _DIGIT_RE.sub("0", lowered))
    squashed = " ".join(lowered.split())
    return f" {squashed} " if squashed else ""


@dataclass(frozen=True, slots=True)
class Features:
    """The hashed features of one text, in a fixed order: for each character position,
    the n-grams starting there (shortest first), then the words, then the word bigrams;
    :meth:`name` says which is which."""

    text: str  # normalised
    words: tuple[str, ...]
    buckets: npt.NDArray[np.intp]
    scale: float  # what one occurrence counts: 1 / sqrt(number of occurrences)

    def name(self, index: int) -> str:
        """The text of feature ``index``: ``"me tu"`` for a character n-gram (``\u2404``
        where it runs past the end), ``w:tuer`` for a word, ``w:me_tuer`` for a bigram."""
        chars = _WIDTH * len(self.text)
        if index < chars:
            start, extra = divmod(index, _WIDTH)
            n = NGRAM_MIN + extra
            return self.text[start : start + n].ljust(n, END_MARK)
        index -= chars
        words = self.words
        if index < len(words):
            return f"w:{words[index]}"
        index -= len(words)
        return f"w:{words[index]}_{words[index + 1]}"


def char_buckets(text: str) -> npt.NDArray[np.uint32]:
    """Buckets of the character n-grams starting at each position of ``text``.

    The n-grams starting in the last few positions run into NUL padding: they are kept,
    as end-of-text features. A few numpy calls for the whole text, not one a length: next
    to the regular expressions of the keyword rules, every numpy call runs cold and costs
    microseconds (measured: the per-length version doubled the composed overhead)."""
    padded = (text + _END).encode("utf-32-le")
    windows = np.ndarray((len(text), NGRAM_MAX), np.uint32, padded, 0, (4, 4))
    hashes = windows @ _POWERS  # unsigned arithmetic wraps modulo 2**32, as intended
    hashes >>= _SHIFT
    return hashes.ravel()


def word_buckets(words: tuple[str, ...]) -> list[int]:
    """Buckets of the words, then of the word bigrams."""
    encoded = [word.encode("utf-8") for word in words]
    hashed = [zlib.crc32(word, _WORD_SEED) & _MASK for word in encoded]
    hashed += [
        zlib.crc32(second, zlib.crc32(first + b" ", _BIGRAM_SEED)) & _MASK
        for first, second in itertools.pairwise(encoded)
    ]
    return hashed


def extract(raw: str) -> Features:
    """Normalise ``raw`` and hash its features."""
    text = normalize(raw)
    words = tuple(_WORD_RE.findall(text))
    hashed = np.array(word_buckets(words), dtype=np.uint32)
    # intp: what indexing converts to anyway, converted once here.
    buckets = np.concatenate((char_buckets(text), hashed), dtype=np.intp)
    return Features(text, words, buckets, 1.0 / math.sqrt(len(buckets)) if len(buckets) else 0.0)
