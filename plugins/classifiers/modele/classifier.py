"""The ``modele`` classifier: the shipped linear model, read as a Classification.

It is meant to run next to the keyword rules (``classifiers = ["mots-cles", "modele"]``):
the verdicts are merged, so it only ever *adds* categories. It says nothing about language
(``und``) or sentiment (neutral): the rules, first in the list, answer those.
"""

from __future__ import annotations

import math

from connecteurs.models import (
    Category,
    Classification,
    Interaction,
    Risk,
    Sentiment,
    SentimentLabel,
)
from plugins.classifiers.modele.features import extract
from plugins.classifiers.modele.weights import LinearModel, shipped

NAME = "modele"
VERSION = "1.5.0"
UNDETERMINED = "und"
TOP_FEATURES = 6

_NEUTRAL = Sentiment(label=SentimentLabel.NEUTRAL, score=0.0)
_OTHER = frozenset({Category.OTHER})


def _sigmoid(logit: float) -> float:
    # Written both ways so that exp never overflows: a very long text reaches logits in
    # the hundreds (every occurrence adds 1 / sqrt(occurrences)).
    if logit >= 0:
        return 1.0 / (1.0 + math.exp(-logit))
    small = math.exp(logit)
    return small / (1.0 + small)


def _risk(categories: frozenset[Category]) -> Risk:
    # The same scale as the keyword rules', so that a merged verdict reads one way.
    if Category.CRISIS in categories:
        return Risk.CRITICAL
    if categories & {Category.ABUSE, Category.HARASSMENT, Category.HATE}:
        return Risk.HIGH
    if Category.COMPLAINT in categories:
        return Risk.LOW
    return Risk.NONE


def _listed(features: list[tuple[str, float]]) -> str:
    return ", ".join(f"{name!r} {value:+.2f}" for name, value in features) or "none"


class ModeleClassifier:
    """Hashed character and word n-grams, one-vs-rest linear weights (see the package)."""

    name: str = NAME
    version: str = VERSION

    def __init__(self, model: LinearModel | None = None) -> None:
        self.label = f"{self.name}@{self.version}"
        self.model = model if model is not None else shipped()
        self.categories = tuple(Category(c) for c in self.model.classes)
        self.thresholds = self.model.threshold_list
        # Formatted once: the reasons quote thresholds on every message.
        self._thresholds = [f"{_sigmoid(t):.2f}" for t in self.thresholds]
        self._crisis = self.model.classes.index("crisis") if "crisis" in self.model.classes else -1

    def classify(self, interaction: Interaction) -> Classification:
        features = extract(interaction.text)
        rows = self.model.rows(features)
        logits = self.model.logits(features, rows)
        fired = [k for k, (z, t) in enumerate(zip(logits, self.thresholds, strict=True)) if z >= t]
        scores = {k: _sigmoid(logits[k]) for k in fired}
        reasons = [
            f"{self.model.classes[k]}: score {scores[k]:.2f} (threshold {self._thresholds[k]});"
            f" top n-grams {_listed(self.model.top_features(features, rows, k, TOP_FEATURES))}"
            for k in fired
        ]
        if self._crisis >= 0 and self._crisis not in fired:
            # What an audit of a missed crisis asks first.
            reasons.append(
                f"crisis: score {_sigmoid(logits[self._crisis]):.2f} below its threshold "
                f"{self._thresholds[self._crisis]}"
            )
        categories = frozenset(self.categories[k] for k in fired)
        return Classification(
            language=UNDETERMINED,
            sentiment=_NEUTRAL,
            categories=categories or _OTHER,
            risk=_risk(categories),
            # Nothing found is no evidence either way: 0 lets a merge keep the others' figure.
            confidence=round(max(scores.values(), default=0.0), 3),
            classifier=self.label,
            reasons=tuple(reasons),
        )
