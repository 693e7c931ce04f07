"""Unit tests of the classifier benchmark (``passerelle.bench.classify``)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from connecteurs.models import (
    Category,
    Classification,
    Interaction,
    Risk,
    Sentiment,
    SentimentLabel,
)
from passerelle.bench.classify import (
    ClassifyReport,
    LabeledText,
    evaluate,
    language_group,
    load_dataset,
    primary_label,
    render_text,
    word_count,
)

C = Category
DATA = Path(__file__).resolve().parent.parent / "data"


class FakeClassifier:
    """Answers from a table: text -> (categories, language)."""

    name = "fake"
    version = "1"

    def __init__(self, answers: dict[str, tuple[frozenset[Category], str]]) -> None:
        self.answers = answers
        self.calls = 0

    def classify(self, interaction: Interaction) -> Classification:
        self.calls += 1
        categories, language = self.answers[interaction.text]
        return Classification(
            language=language,
            sentiment=Sentiment(label=SentimentLabel.NEUTRAL),
            categories=categories,
            risk=Risk.NONE,
            confidence=0.5,
            classifier="fake@1",
        )


def item(text: str, language: str, *categories: Category) -> LabeledText:
    return LabeledText(text, language, frozenset(categories))


# text, gold language, gold categories | predicted categories, predicted language
TINY = [
    (item("je veux mourir ce soir", "fr", C.CRISIS), frozenset({C.CRISIS}), "fr"),
    (item("I can't go on like this", "en", C.CRISIS), frozenset({C.OTHER}), "und"),
    (item("ok", "fr"), frozenset({C.CRISIS}), "en"),
    (
        item("Vous êtes ouverts demain matin ?", "fr", C.QUESTION, C.REQUEST),
        frozenset({C.QUESTION}),
        "fr-CA",
    ),
    (item("Hola amigos 😀 👍 🎉", "other", C.SPAM), frozenset({C.SPAM}), "es"),
]


def run_tiny(min_rounds: int = 2) -> tuple[ClassifyReport, FakeClassifier]:
    fake = FakeClassifier({i.text: (cats, lang) for i, cats, lang in TINY})
    return evaluate(fake, [i for i, _, _ in TINY], min_seconds=0.0, min_rounds=min_rounds), fake


def test_per_class_scores_are_exact() -> None:
    report, _ = run_tiny()
    crisis = report.per_class["crisis"]
    # one hit ("je veux mourir"), one miss ("I can't go on"), one false alarm ("ok")
    assert (crisis.precision, crisis.recall, crisis.f1) == (0.5, 0.5, 0.5)
    assert (crisis.support, crisis.predicted) == (2, 2)
    assert (report.crisis_recall, report.crisis_precision) == (0.5, 0.5)
    question = report.per_class["question"]
    assert (question.precision, question.recall, question.f1, question.support) == (1, 1, 1, 1)
    # labeled but never predicted: 0/0 precision is reported as 0.0
    request = report.per_class["request"]
    assert (request.precision, request.recall, request.f1) == (0.0, 0.0, 0.0)
    assert (request.support, request.predicted) == (1, 0)
    # "other" is the empty label set on the gold side, {OTHER} on the predicted side
    other = report.per_class["other"]
    assert (other.support, other.predicted, other.recall) == (1, 1, 0.0)
    assert report.per_class["spam"].f1 == 1.0
    assert report.per_class["hate"].support == 0
    assert report.n == 5


def test_language_accuracy_counts_only_long_texts() -> None:
    report, _ = run_tiny()
    # scored: "je veux mourir ce soir" (right), "I can't go on like this" (und -> other: wrong),
    # "Vous êtes ouverts demain matin ?" (fr-CA -> fr: right); "ok" and the emoji line are short
    assert report.language_n == 3
    assert report.language_accuracy == round(2 / 3, 4)


def test_confusion_uses_primary_labels() -> None:
    report, _ = run_tiny()
    assert report.confusion["crisis"]["crisis"] == 1
    assert report.confusion["crisis"]["other"] == 1
    assert report.confusion["other"]["crisis"] == 1
    assert report.confusion["question"]["question"] == 1
    assert report.confusion["spam"]["spam"] == 1
    assert sum(sum(row.values()) for row in report.confusion.values()) == 5


def test_primary_label_order() -> None:
    assert primary_label({C.PRAISE, C.CRISIS, C.ABUSE}) is C.CRISIS
    assert primary_label({C.ABUSE, C.HARASSMENT}) is C.HARASSMENT
    assert primary_label({C.SPAM, C.QUESTION}) is C.SPAM
    assert primary_label({C.COMPLAINT, C.QUESTION}) is C.COMPLAINT
    assert primary_label({C.PRAISE, C.QUESTION, C.REQUEST}) is C.QUESTION
    assert primary_label(set()) is C.OTHER


def test_helpers() -> None:
    assert word_count("Hola amigos 😀 👍 !!") == 2
    assert word_count("c'est-tu gratuit, svp?") == 3
    assert [language_group(c) for c in ("fr-CA", "EN_us", "und", "es", "fr")] == [
        "fr",
        "en",
        "other",
        "other",
        "fr",
    ]


def test_speed_is_measured_on_whole_rounds() -> None:
    report, fake = run_tiny(min_rounds=3)
    assert report.timed_calls == 15
    assert fake.calls == 20  # one untimed pass for the predictions, then 3 timed rounds
    assert report.texts_per_second > 0


def test_json_has_the_agreed_keys() -> None:
    report, _ = run_tiny(min_rounds=1)
    data = json.loads(report.to_json())
    assert {
        "per_class",
        "crisis_recall",
        "crisis_precision",
        "language_accuracy",
        "texts_per_second",
        "confusion",
        "n",
    } <= set(data)
    assert set(data["per_class"]) == {c.value for c in Category}
    assert {"precision", "recall", "f1", "support"} <= set(data["per_class"]["crisis"])
    assert data["n"] == 5


def test_render_text() -> None:
    report, _ = run_tiny(min_rounds=1)
    text = render_text(report, mistakes=10)
    assert text.startswith("fake@1 on 5 texts")
    assert "crisis recall      0.500" in text
    assert "I can't go on like this" in text  # listed as a mistake


def test_loader_reads_and_names_the_bad_line(tmp_path: Path) -> None:
    good = {"text": "Merci!", "language": "fr", "categories": ["praise"]}
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps(good) + "\n\n{not json\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad\.jsonl:3: not valid JSON"):
        load_dataset(path)
    path.write_text(json.dumps(good) + "\n", encoding="utf-8")
    assert load_dataset(path) == [LabeledText("Merci!", "fr", frozenset({C.PRAISE}))]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('{"text": "x", "language": "fr", "categories": ["nope"]}', "unknown categories"),
        ('{"text": "x", "language": "fr", "categories": ["other"]}', "empty list"),
        ('{"text": "x", "language": "es", "categories": []}', "'language' must be one of"),
        ('{"text": "", "language": "fr", "categories": []}', "non-empty"),
        ('{"text": "x", "language": "fr"}', "missing"),
        ('["x", "fr", []]', "JSON object"),
    ],
)
def test_loader_rejects_bad_lines(tmp_path: Path, line: str, message: str) -> None:
    path = tmp_path / "data.jsonl"
    path.write_text(line + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"data\.jsonl:1: .*" + message):
        load_dataset(path)


def _normalised(text: str) -> str:
    return " ".join(text.casefold().split())


HELD_OUT = ("heldout", "heldout2", *(f"heldout{n}" for n in range(3, 14)))


def test_data_files() -> None:
    # The loader validates every label.
    sets = {name: load_dataset(DATA / f"classify_{name}.jsonl") for name in ("dev", *HELD_OUT)}
    assert len(sets["dev"]) >= 450
    assert len(sets["heldout3"]) >= 400
    assert len(sets["heldout"]) >= 200
    assert len(sets["heldout2"]) >= 250
    for items in sets.values():
        texts = [_normalised(i.text) for i in items]
        assert len(set(texts)) == len(texts), "duplicate text inside a file"
        counts = Counter(c for i in items for c in i.label_set)
        for category in (C.CRISIS, C.ABUSE, C.SPAM, C.QUESTION, C.COMPLAINT, C.PRAISE):
            assert counts[category] >= 20, category
        languages = Counter(i.language for i in items)
        assert min(languages["fr"], languages["en"]) >= len(items) // 3
        assert languages["other"] >= len(items) // 20
    normalised = {name: {_normalised(i.text) for i in items} for name, items in sets.items()}
    for held in ("heldout", "heldout2"):
        leaked = normalised[held] & normalised["dev"]
        assert not leaked, f"held-out texts found in dev: {sorted(leaked)[:5]}"
    leaked = normalised["heldout"] & normalised["heldout2"]
    assert not leaked, f"texts in both held-out files: {sorted(leaked)[:5]}"
    # Each later set shares no text with anything written before it.
    seen = normalised["dev"] | normalised["heldout"] | normalised["heldout2"]
    for name in HELD_OUT[2:]:
        leaked = normalised[name] & seen
        assert not leaked, f"{name} texts in earlier files: {sorted(leaked)[:5]}"
        seen |= normalised[name]


WORLD = tuple(f"world{n}" for n in range(1, 5))


def test_world_files_are_other_languages_written_apart() -> None:
    # Training texts in the audience's other languages (tests/data/README.md): each about
    # two-fifths crisis, with hard negatives and ordinary comments in the same languages.
    seen = {
        _normalised(i.text)
        for name in ("dev", *HELD_OUT)
        for i in load_dataset(DATA / f"classify_{name}.jsonl")
    }
    for name in WORLD:
        items = load_dataset(DATA / f"classify_{name}.jsonl")
        texts = [_normalised(i.text) for i in items]
        assert len(set(texts)) == len(texts), f"duplicate text inside {name}"
        assert not set(texts) & seen, f"{name} texts in another labeled file"
        seen |= set(texts)
        assert {i.language for i in items} == {"other"}
        crisis = sum(C.CRISIS in i.label_set for i in items)
        assert len(items) * 0.3 <= crisis <= len(items) * 0.5, name
        ordinary = sum(i.label_set <= {C.OTHER} for i in items)
        assert ordinary >= 30, f"{name}: {ordinary} texts with no category"
