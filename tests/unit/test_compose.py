"""Composed classifiers: nobody can hide what another found."""

from __future__ import annotations

import pytest
from temporalio.exceptions import ApplicationError

from activites.interaction import classify_with_all
from connecteurs.models import Category, Classification, Risk, Sentiment, SentimentLabel
from plugins.classifiers.compose import compose


def verdict(
    name: str,
    *categories: Category,
    risk: Risk = Risk.NONE,
    language: str = "fr",
    confidence: float = 0.5,
) -> Classification:
    return Classification(
        language=language,
        sentiment=Sentiment(label=SentimentLabel.NEUTRAL),
        categories=frozenset(categories),
        risk=risk,
        confidence=confidence,
        classifier=name,
        reasons=(f"{name} saw {', '.join(sorted(categories))}",),
    )


def test_a_crisis_found_by_any_classifier_survives_the_merge() -> None:
    merged = compose(
        [
            verdict("lexicon@1", Category.PRAISE, language="und"),
            verdict("model@2", Category.CRISIS, risk=Risk.CRITICAL, language="en", confidence=0.9),
        ]
    )
    assert merged.categories == {Category.PRAISE, Category.CRISIS}
    assert merged.risk is Risk.CRITICAL and merged.confidence == 0.9
    assert merged.language == "en"  # the first determined one
    assert merged.classifier == "lexicon@1+model@2"
    assert merged.reasons == ("lexicon@1: lexicon@1 saw praise", "model@2: model@2 saw crisis")


def test_other_is_dropped_when_something_was_found_and_one_verdict_passes_through() -> None:
    merged = compose([verdict("a@1", Category.OTHER), verdict("b@1", Category.QUESTION)])
    assert merged.categories == {Category.QUESTION}
    single = verdict("a@1", Category.SPAM)
    assert compose([single]) is single
    with pytest.raises(ValueError):
        compose([])


class Broken:
    name = "broken"
    version = "9"

    def classify(self, interaction: object) -> Classification:
        raise RuntimeError("model file missing")


class Sees:
    name = "sees"
    version = "1"

    def __init__(self, verdict: Classification) -> None:
        self.verdict = verdict

    def classify(self, interaction: object) -> Classification:
        return self.verdict


def test_a_failing_classifier_does_not_silence_the_others() -> None:
    crisis = verdict("sees@1", Category.CRISIS, risk=Risk.CRITICAL)
    merged = classify_with_all([Broken(), Sees(crisis)], None)  # type: ignore[list-item,arg-type]
    assert Category.CRISIS in merged.categories and merged.risk is Risk.CRITICAL
    assert "broken@9 failed: RuntimeError" in merged.reasons
    with pytest.raises(ApplicationError, match="every classifier failed"):
        classify_with_all([Broken()], None)  # type: ignore[list-item,arg-type]
