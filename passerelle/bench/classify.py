"""Measure a classifier against a labeled data set: per-class scores, crisis, language, speed.

Everything here is a pure function over in-memory data (the loader only reads the file it is
given); the command-line wrapper, if any, lives elsewhere.

Data format (``tests/data/classify_*.jsonl``, see ``tests/data/README.md``): one JSON object a
line, ``{"text": ..., "language": "fr"|"en"|"other", "categories": [...]}``. ``categories``
holds :class:`~connecteurs.models.Category` names; the empty list means "nothing in
particular", which the classifier spells ``{"other"}``.

Scores:

* **per class** (multi-label): for each category, a text is a positive if the category is in
  its label set (``other`` = the empty set) and a predicted positive if the classifier put it
  in ``Classification.categories``. Precision, recall and F1 follow; a ratio whose denominator
  is 0 is reported as 0.0 (the usual ``zero_division=0`` convention).
* **confusion**: each label set is reduced to one *primary* label, the first of
  :data:`PRIMARY_ORDER` that it holds (crisis, then harassment, hate, abuse, then spam,
  complaint, question, request, praise, medical, misinformation, press, other): the order in
  which a human triaging the message would care. Rows are the gold primary label, columns
  the predicted one.
* **language accuracy**: over texts of at least :data:`LANGUAGE_MIN_WORDS` words only (a
  two-word comment has no reliable language). A predicted code is reduced to its primary
  subtag; anything but ``fr`` and ``en`` (``und``, ``es``...) counts as ``other``.
* **texts per second**: every text is classified once untimed (warm-up, and the predictions
  scored above), then again in rounds until at least ``min_seconds`` of classify time and
  ``min_rounds`` rounds have passed. Only the ``classify`` calls are timed, with
  :func:`time.perf_counter`, on prebuilt interactions; the loop runs in one thread, so the
  figure is for a single core. The classifiers' gates (``plugins/classifiers/gate.py``) are
  waited for first, so that the timing is of the steady state, and reported; with
  ``gate=False`` they are switched off, which changes no prediction, only the time.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from connecteurs.models import Category, Interaction
from plugins.classifiers.base import Classifier

# The data set's model lives with the classifiers, which train on it (plugins cannot import
# passerelle); it is re-exported here, where it is measured.
from plugins.classifiers.dataset import (
    LABELS,
    LANGUAGES,
    PRIMARY_ORDER,
    LabeledText,
    load_dataset,
    parse_line,
    primary_label,
    to_interaction,
)
from plugins.classifiers.gate import gates

__all__ = [
    "LABELS",
    "LANGUAGES",
    "LANGUAGE_MIN_WORDS",
    "PRIMARY_ORDER",
    "ClassScore",
    "ClassifyReport",
    "LabeledText",
    "Mistake",
    "class_scores",
    "confusion_matrix",
    "evaluate",
    "f1_score",
    "language_accuracy",
    "language_group",
    "load_dataset",
    "measure_speed",
    "parse_line",
    "primary_label",
    "ratio",
    "render_text",
    "to_interaction",
    "word_count",
]

LANGUAGE_MIN_WORDS = 5
_WORD_RE = re.compile(r"\S*[^\W_]\S*")


# ---------------------------------------------------------------------------- metrics


@dataclass(frozen=True, slots=True)
class ClassScore:
    precision: float
    recall: float
    f1: float
    support: int  # texts labeled with the class
    predicted: int  # texts the classifier gave the class

    def as_dict(self) -> dict[str, float | int]:
        return {
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
            "support": self.support,
            "predicted": self.predicted,
        }


@dataclass(frozen=True, slots=True)
class Mistake:
    """A text whose predicted label set or language differs from the gold one."""

    text: str
    expected: frozenset[Category]
    predicted: frozenset[Category]
    expected_language: str
    predicted_language: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "expected": sorted(self.expected),
            "predicted": sorted(self.predicted),
            "expected_language": self.expected_language,
            "predicted_language": self.predicted_language,
        }


@dataclass(frozen=True, slots=True)
class ClassifyReport:
    classifier: str
    n: int
    per_class: dict[str, ClassScore]
    confusion: dict[str, dict[str, int]]
    crisis_recall: float
    crisis_precision: float
    language_accuracy: float
    language_n: int  # texts that language_accuracy was computed on
    texts_per_second: float
    timed_calls: int = 0
    timed_seconds: float = 0.0
    mistakes: tuple[Mistake, ...] = field(default=())
    gates: tuple[dict[str, Any], ...] = field(default=())

    def as_dict(self) -> dict[str, Any]:
        return {
            "classifier": self.classifier,
            "n": self.n,
            "per_class": {name: score.as_dict() for name, score in self.per_class.items()},
            "crisis_recall": self.crisis_recall,
            "crisis_precision": self.crisis_precision,
            "language_accuracy": self.language_accuracy,
            "language_n": self.language_n,
            "texts_per_second": self.texts_per_second,
            "timed_calls": self.timed_calls,
            "timed_seconds": self.timed_seconds,
            "gates": list(self.gates),
            "confusion": self.confusion,
            "mistakes": [mistake.as_dict() for mistake in self.mistakes],
        }

    def to_json(self) -> str:
        return json.dumps(self.as_dict(), ensure_ascii=False, indent=2)


def ratio(numerator: int, denominator: int) -> float:
    return numerator / denominator if denominator else 0.0


def f1_score(precision: float, recall: float) -> float:
    total = precision + recall
    return 2 * precision * recall / total if total else 0.0


def class_scores(
    gold: Sequence[frozenset[Category]], predicted: Sequence[frozenset[Category]]
) -> dict[str, ClassScore]:
    """Multi-label per-class scores, for every :class:`Category`, in declaration order."""
    if len(gold) != len(predicted):
        raise ValueError(f"{len(gold)} gold label sets but {len(predicted)} predictions")
    scores: dict[str, ClassScore] = {}
    for category in Category:
        tp = sum(category in g and category in p for g, p in zip(gold, predicted, strict=True))
        support = sum(category in g for g in gold)
        guessed = sum(category in p for p in predicted)
        precision, recall = ratio(tp, guessed), ratio(tp, support)
        scores[category.value] = ClassScore(
            precision=round(precision, 4),
            recall=round(recall, 4),
            f1=round(f1_score(precision, recall), 4),
            support=support,
            predicted=guessed,
        )
    return scores


def confusion_matrix(
    gold: Sequence[frozenset[Category]], predicted: Sequence[frozenset[Category]]
) -> dict[str, dict[str, int]]:
    """``{gold primary: {predicted primary: count}}`` over every label, zeros included."""
    matrix = {row.value: {column.value: 0 for column in PRIMARY_ORDER} for row in PRIMARY_ORDER}
    for g, p in zip(gold, predicted, strict=True):
        matrix[primary_label(g).value][primary_label(p).value] += 1
    return matrix


def word_count(text: str) -> int:
    """Whitespace-separated tokens with at least one letter or digit (emoji do not count)."""
    return len(_WORD_RE.findall(text))


def language_group(code: str) -> str:
    """``fr-CA`` -> ``fr``; anything but French and English (``und``, ``es``) -> ``other``."""
    primary = re.split(r"[-_.@\s]", code.strip().lower(), maxsplit=1)[0]
    return primary if primary in ("fr", "en") else "other"


def language_accuracy(items: Sequence[LabeledText], predicted: Sequence[str]) -> tuple[float, int]:
    """(accuracy, texts scored) over texts of :data:`LANGUAGE_MIN_WORDS` words or more."""
    scored = [
        (item.language, language_group(language))
        for item, language in zip(items, predicted, strict=True)
        if word_count(item.text) >= LANGUAGE_MIN_WORDS
    ]
    hits = sum(expected == got for expected, got in scored)
    return round(ratio(hits, len(scored)), 4), len(scored)


# ------------------------------------------------------------------------- evaluation


def measure_speed(
    classifier: Classifier,
    interactions: Sequence[Interaction],
    *,
    min_seconds: float = 2.0,
    min_rounds: int = 3,
) -> tuple[float, int, float]:
    """(texts per second, calls timed, seconds timed) over whole rounds of ``interactions``."""
    if not interactions:
        return 0.0, 0, 0.0
    calls, elapsed, rounds = 0, 0.0, 0
    while rounds < min_rounds or elapsed < min_seconds:
        start = time.perf_counter()
        for interaction in interactions:
            classifier.classify(interaction)
        elapsed += time.perf_counter() - start
        calls += len(interactions)
        rounds += 1
    return (round(calls / elapsed, 1) if elapsed > 0 else 0.0), calls, round(elapsed, 3)


def _gates(enabled: bool, timeout: float) -> tuple[dict[str, Any], ...]:
    """Wait for every gate (or switch them off) and say how each got ready."""
    found = []
    for gate in gates():
        if enabled:
            gate.start()
            gate.wait(timeout)
        else:
            gate.disable()
        status = gate.status
        found.append(
            {
                "name": gate.name,
                "state": status.state,
                "source": status.source,
                "seconds": status.seconds,
                "patterns": status.patterns,
                "skippable": status.skippable,
                "detail": status.detail,
            }
        )
    return tuple(found)


def evaluate(
    classifier: Classifier,
    items: Sequence[LabeledText],
    *,
    min_seconds: float = 2.0,
    min_rounds: int = 3,
    gate: bool = True,
    gate_timeout: float = 120.0,
) -> ClassifyReport:
    """Classify every item and score the predictions (see the module docstring)."""
    gate_states = _gates(gate, gate_timeout)
    interactions = [to_interaction(item.text, index) for index, item in enumerate(items)]
    results = [classifier.classify(interaction) for interaction in interactions]
    speed, calls, seconds = measure_speed(
        classifier, interactions, min_seconds=min_seconds, min_rounds=min_rounds
    )
    gold = [item.label_set for item in items]
    predicted = [result.categories for result in results]
    languages = [result.language for result in results]
    scores = class_scores(gold, predicted)
    accuracy, scored = language_accuracy(items, languages)
    mistakes = tuple(
        Mistake(item.text, expected, got, item.language, language)
        for item, expected, got, language in zip(items, gold, predicted, languages, strict=True)
        if expected != got or item.language != language_group(language)
    )
    crisis = scores[Category.CRISIS.value]
    return ClassifyReport(
        classifier=f"{classifier.name}@{classifier.version}",
        n=len(items),
        per_class=scores,
        confusion=confusion_matrix(gold, predicted),
        crisis_recall=crisis.recall,
        crisis_precision=crisis.precision,
        language_accuracy=accuracy,
        language_n=scored,
        texts_per_second=speed,
        timed_calls=calls,
        timed_seconds=seconds,
        mistakes=mistakes,
        gates=gate_states,
    )


# ---------------------------------------------------------------------------- rendering

_ABBREVIATIONS: Mapping[Category, str] = {
    Category.CRISIS: "cri",
    Category.HARASSMENT: "har",
    Category.HATE: "hat",
    Category.ABUSE: "abu",
    Category.SPAM: "spa",
    Category.COMPLAINT: "com",
    Category.QUESTION: "que",
    Category.REQUEST: "req",
    Category.PRAISE: "pra",
    Category.MEDICAL: "med",
    Category.MISINFORMATION: "mis",
    Category.PRESS: "pre",
    Category.OTHER: "oth",
}


def render_text(report: ClassifyReport, *, mistakes: int = 0) -> str:
    """A plain-text table of the report; ``mistakes`` lists that many misclassified texts."""
    lines = [
        f"{report.classifier} on {report.n} texts",
        "",
        f"{'class':<16}{'precision':>10}{'recall':>8}{'f1':>8}{'support':>9}{'predicted':>11}",
    ]
    for category in PRIMARY_ORDER:
        s = report.per_class[category.value]
        lines.append(
            f"{category.value:<16}{s.precision:>10.3f}{s.recall:>8.3f}{s.f1:>8.3f}"
            f"{s.support:>9}{s.predicted:>11}"
        )
    lines += [
        "",
        f"crisis recall      {report.crisis_recall:.3f}",
        f"crisis precision   {report.crisis_precision:.3f}",
        f"language accuracy  {report.language_accuracy:.3f} "
        f"({report.language_n} texts of {LANGUAGE_MIN_WORDS}+ words)",
        f"texts/s, one core  {report.texts_per_second:,.0f} "
        f"({report.timed_calls:,} calls in {report.timed_seconds:.2f} s)",
        *(
            f"gate {g['name']:<13} {g['state']}"
            + (
                f" ({g['source']} in {g['seconds']:.2f} s; {g['skippable']} of {g['patterns']}"
                " lexicons skippable)"
                if g["state"] == "ready"
                else f" {g['detail']}".rstrip()
            )
            for g in report.gates
        ),
        "",
        "confusion of primary labels (rows: expected, columns: predicted)",
        " " * 5 + "".join(f"{_ABBREVIATIONS[c]:>5}" for c in PRIMARY_ORDER),
    ]
    for row in PRIMARY_ORDER:
        counts = report.confusion[row.value]
        cells = "".join(f"{counts[column.value] or '.':>5}" for column in PRIMARY_ORDER)
        lines.append(f"{_ABBREVIATIONS[row]:<5}{cells}")
    if mistakes and report.mistakes:
        lines += ["", f"mistakes ({len(report.mistakes)}, first {mistakes}):"]
        for mistake in report.mistakes[:mistakes]:
            expected = ",".join(sorted(mistake.expected))
            got = ",".join(sorted(mistake.predicted))
            language = (
                ""
                if mistake.expected_language == language_group(mistake.predicted_language)
                else f" [lang {mistake.expected_language} -> {mistake.predicted_language}]"
            )
            lines.append(f"  {expected} -> {got}{language}: {mistake.text}")
    return "\n".join(lines) + "\n"
