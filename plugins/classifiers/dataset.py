"""The labeled data sets of ``tests/data/classify_*.jsonl``: reading them and the triage order
of their labels, shared by ``passerelle bench classify`` (measuring) and the ``modele``
training command (learning), so both read a file and reduce a label set the same way.

Format (see ``tests/data/README.md``): one JSON object a line, ``{"text": ...,
"language": "fr"|"en"|"other", "categories": [...]}``; the empty list means "other".
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from connecteurs.models import Author, Category, Interaction, InteractionKind, Platform

LANGUAGES: tuple[str, ...] = ("fr", "en", "other")
# Labels a data file may use; "other" is written as an empty list.
LABELS: frozenset[str] = frozenset(c.value for c in Category if c is not Category.OTHER)
# Most urgent first: the primary label of a set is the first of these it holds.
PRIMARY_ORDER: tuple[Category, ...] = (
    Category.CRISIS,
    Category.HARASSMENT,
    Category.HATE,
    Category.ABUSE,
    Category.SPAM,
    Category.COMPLAINT,
    Category.QUESTION,
    Category.REQUEST,
    Category.PRAISE,
    Category.MEDICAL,
    Category.MISINFORMATION,
    Category.PRESS,
    Category.OTHER,
)
_KEYS = frozenset({"text", "language", "categories"})
_NOW = datetime(2025, 1, 1, tzinfo=UTC)


# ------------------------------------------------------------------------------- data


@dataclass(frozen=True, slots=True)
class LabeledText:
    """One labeled example; ``categories`` is empty for "other"."""

    text: str
    language: str
    categories: frozenset[Category]

    @property
    def label_set(self) -> frozenset[Category]:
        """The categories as the classifier spells them (``{OTHER}`` when empty)."""
        return self.categories or frozenset({Category.OTHER})


def parse_line(raw: str) -> LabeledText:
    """One JSONL line -> :class:`LabeledText`; ``ValueError`` says what is wrong."""
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as error:
        raise ValueError(f"not valid JSON ({error.msg})") from None
    if not isinstance(data, dict):
        raise ValueError(f"expected a JSON object, got {type(data).__name__}")
    if set(data) != _KEYS:
        missing, extra = sorted(_KEYS - set(data)), sorted(set(data) - _KEYS)
        raise ValueError(
            f"keys must be text, language, categories (missing {missing}, unknown {extra})"
        )
    text, language, categories = data["text"], data["language"], data["categories"]
    if not isinstance(text, str) or not text.strip():
        raise ValueError("'text' must be a non-empty string")
    if language not in LANGUAGES:
        raise ValueError(f"'language' must be one of {', '.join(LANGUAGES)}, got {language!r}")
    if not isinstance(categories, list) or not all(isinstance(c, str) for c in categories):
        raise ValueError("'categories' must be a list of strings")
    unknown = sorted(set(categories) - LABELS)
    if unknown:
        hint = " (write 'other' as an empty list)" if "other" in unknown else ""
        raise ValueError(f"unknown categories {unknown}{hint}")
    if len(set(categories)) != len(categories):
        raise ValueError("'categories' has duplicates")
    return LabeledText(text, language, frozenset(Category(c) for c in categories))


def load_dataset(path: str | Path) -> list[LabeledText]:
    """Read a JSONL data set; blank lines are skipped, a bad line raises ``ValueError``.

    The error names the file and the line number: ``data.jsonl:12: not valid JSON ...``.
    """
    items: list[LabeledText] = []
    with Path(path).open(encoding="utf-8") as lines:
        for number, raw in enumerate(lines, start=1):
            if not raw.strip():
                continue
            try:
                items.append(parse_line(raw))
            except ValueError as error:
                raise ValueError(f"{path}:{number}: {error}") from None
    return items


def primary_label(categories: Iterable[Category]) -> Category:
    """The most urgent label of a set (see :data:`PRIMARY_ORDER`); ``OTHER`` if empty."""
    present = frozenset(categories)
    return next((c for c in PRIMARY_ORDER if c in present), Category.OTHER)


def to_interaction(text: str, index: int = 0) -> Interaction:
    """A bare comment: no language given and no author locale, so the classifier guesses."""
    return Interaction(
        id=Interaction.make_id(Platform.JSONL, "bench", str(index)),
        platform=Platform.JSONL,
        account="bench",
        external_id=str(index),
        kind=InteractionKind.COMMENT,
        author=Author(id="bench", handle="bench"),
        text=text,
        created_at=_NOW,
        received_at=_NOW,
    )
