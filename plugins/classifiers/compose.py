"""Several classifiers, one classification: each configured classifier sees the message and
their verdicts are merged so none can hide what another found (a crisis flagged by any of
them stays a crisis)."""

from __future__ import annotations

from collections.abc import Sequence

from connecteurs.models import Category, Classification, Risk

_RISK_ORDER = (Risk.NONE, Risk.LOW, Risk.HIGH, Risk.CRITICAL)
UNDETERMINED = "und"


def compose(verdicts: Sequence[Classification]) -> Classification:
    """Merge verdicts: categories and reasons united, the highest risk and confidence, the
    first determined language and the first sentiment, names joined with ``+``."""
    if not verdicts:
        raise ValueError("compose needs at least one classification")
    if len(verdicts) == 1:
        return verdicts[0]
    categories = frozenset().union(*(v.categories for v in verdicts))
    if len(categories) > 1:
        categories = categories - {Category.OTHER}
    language = next((v.language for v in verdicts if v.language != UNDETERMINED), UNDETERMINED)
    return Classification(
        language=language,
        sentiment=verdicts[0].sentiment,
        categories=categories,
        risk=max((v.risk for v in verdicts), key=_RISK_ORDER.index),
        confidence=max(v.confidence for v in verdicts),
        classifier="+".join(v.classifier for v in verdicts),
        reasons=tuple(f"{v.classifier}: {r}" for v in verdicts for r in v.reasons),
    )
