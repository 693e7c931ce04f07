"""Unit tests of the ``modele`` classifier and of its composition with the keyword rules."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from activites.interaction import classify_with_all
from connecteurs.models import Category, Classification, Risk
from passerelle.bench.classify import to_interaction
from passerelle.config import Config
from plugins.classifiers import MotsClesClassifier
from plugins.classifiers.modele import ModeleClassifier
from plugins.classifiers.modele.classifier import _sigmoid
from plugins.classifiers.modele.features import BUCKETS, END_MARK, extract, normalize
from plugins.classifiers.modele.train import CRISIS_MIN_PRECISION, CRISIS_RECALL
from plugins.classifiers.modele.weights import REPORT_PATH, WEIGHTS_PATH, read, shipped
from plugins.discovery import CLASSIFIERS, discover

DATA = Path(__file__).parents[1] / "data"
MODELE = ModeleClassifier()
RULES = MotsClesClassifier()
REPORT = json.loads(REPORT_PATH.read_text(encoding="utf-8"))


def composed(text: str) -> Classification:
    return classify_with_all([RULES, MODELE], to_interaction(text))


def probes() -> list[dict[str, object]]:
    lines = (DATA / "modele_probes.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


# Hard negatives the composition gets wrong, kept here, failing, so that a gap stays visible
# (strict: one that turns right fails the test until it is taken off). Both found when the
# probes (written before any training) were first scored are right now: a suicide attempt
# told as over ("j'ai survécu à une tentative à 17 ans...") since 1.1.0, and "I'm going to
# kill it at my job interview tomorrow" since 1.5.0 (its first-person n-grams weigh less
# after training on a fifth more texts).
KNOWN_FALSE_POSITIVES: frozenset[str] = frozenset()


# ------------------------------------------------------------------------- identity


def test_name_and_version_are_recorded_in_every_classification() -> None:
    assert (MODELE.name, MODELE.version) == ("modele", "1.5.0")
    assert MODELE.classify(to_interaction("bonjour")).classifier == "modele@1.5.0"
    assert composed("bonjour").classifier == "mots-cles@0.9.0+modele@1.5.0"


def test_the_entry_point_is_installed() -> None:
    assert discover(CLASSIFIERS).plugins["modele"] is ModeleClassifier


def test_the_default_composition_is_rules_then_model() -> None:
    assert Config().classifiers == ["mots-cles", "modele"]


def test_classification_is_deterministic() -> None:
    text = "jveux pu être là demain, merci pour tout"
    assert MODELE.classify(to_interaction(text)) == MODELE.classify(to_interaction(text))
    assert ModeleClassifier(read(WEIGHTS_PATH)).classify(to_interaction(text)) == (
        MODELE.classify(to_interaction(text))
    )


def test_hashes_do_not_depend_on_the_process() -> None:
    """Python's str hash is salted per process: the buckets must not be."""
    code = (
        "from plugins.classifiers.modele.features import extract;"
        "print(extract('Je veux mourir 😭').buckets.tolist())"
    )
    runs = {
        subprocess.run(
            [sys.executable, "-c", code],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2")
    }
    assert len(runs) == 1
    assert json.loads(runs.pop()) == extract("Je veux mourir 😭").buckets.tolist()


def test_hashes_are_the_ones_the_weights_were_trained_with() -> None:
    # Changing normalisation or hashing silently scrambles the shipped weights: retrain.
    features = extract("Je veux mourir 😭")
    assert features.text == " je veux mourir 😭 "
    assert features.buckets[:6].tolist() == [210480, 255549, 47798, 92076, 52146, 94516]
    assert features.buckets[-5:].tolist() == [202531, 143848, 175626, 196522, 213182]


# ------------------------------------------------------------------------- features


def test_normalisation_folds_spelling_variants() -> None:
    assert normalize("NUUUUL!!!! Déçu par https://t.co/x @Marie 12345 ﬁn l\u2019été") == (
        " nuul!! decu par <url> @user 00 fin l'ete "
    )
    assert normalize("   ") == ""


def test_feature_names_are_pieces_of_the_text() -> None:
    features = extract("J'veux en finir")
    names = [features.name(i) for i in range(len(features.buckets))]
    for name in names:
        if name.startswith("w:"):
            assert all(word in features.words for word in name[2:].split("_"))
        else:
            assert name.rstrip(END_MARK) in features.text
    assert "w:veux_en" in names and "finir" in names


# -------------------------------------------------------------------------- weights


def test_the_shipped_weights_load_with_consistent_shapes() -> None:
    model = shipped()
    assert model.weights.shape == (BUCKETS, len(model.classes))
    assert model.weights.dtype == np.float32
    assert model.bias.shape == model.thresholds.shape == (len(model.classes),)
    assert np.isfinite(model.thresholds).all()
    assert "crisis" in model.classes
    assert {Category(c) for c in model.classes} <= set(Category) - {Category.OTHER}
    # 1.5.0: twelve categories and the n-grams of 36 more languages, 3.5 MB
    assert WEIGHTS_PATH.stat().st_size < 4_000_000


def test_the_shipped_weights_are_the_ones_the_training_report_describes() -> None:
    weights = REPORT["weights"]
    assert hashlib.sha256(WEIGHTS_PATH.read_bytes()).hexdigest() == weights["sha256"]
    assert WEIGHTS_PATH.stat().st_size == weights["bytes"]
    model = shipped()
    assert list(model.classes) == weights["classes"]
    assert model.thresholds.tolist() == pytest.approx(weights["thresholds_logit"], abs=1e-4)
    enabled = [name for name, entry in REPORT["per_class"].items() if entry["enabled"]]
    assert enabled == weights["classes"]
    assert REPORT["consistency"]["disagreements"] == 0
    assert REPORT["classifier"] == "modele@1.5.0"


def test_the_training_data_are_the_files_in_the_repository() -> None:
    for entry in REPORT["training"]["data"]:
        data = (DATA / entry["file"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"], entry["file"]


def test_the_report_meets_the_crisis_targets_it_was_trained_for() -> None:
    crisis = REPORT["per_class"]["crisis"]
    union = crisis["union"]
    assert crisis["enabled"]
    # The precision floor holds over all the texts and over the fresh ones...
    assert min(union["precision"], union["fresh"]["precision"]) >= CRISIS_MIN_PRECISION
    # ...and the recall target is claimed reached exactly when it was.
    reached = min(union["recall"], union["fresh"]["recall"]) >= CRISIS_RECALL
    assert crisis["why"].startswith("union recall >=") is reached
    for name, entry in REPORT["per_class"].items():
        if entry["enabled"] and name != "crisis":
            # A category ships only where it beat the rules alone on text the rules were
            # not tuned on, measured without choosing on the fold it is measured on.
            fresh = entry["union_cross_checked"]["fresh"]["f1"]
            assert fresh > entry["rules_only"]["fresh"]["f1"], name


# ------------------------------------------------------------------ crisis, unseen


@pytest.mark.parametrize(
    "probe", [p for p in probes() if p["crisis"]], ids=lambda p: str(p["text"])[:40]
)
def test_unseen_crisis_texts_are_flagged_by_the_composition(probe: dict[str, object]) -> None:
    verdict = composed(str(probe["text"]))
    assert Category.CRISIS in verdict.categories
    assert verdict.risk is Risk.CRITICAL


@pytest.mark.parametrize(
    "probe", [p for p in probes() if not p["crisis"]], ids=lambda p: str(p["text"])[:40]
)
def test_figurative_past_and_news_texts_are_not_crisis(
    probe: dict[str, object], request: pytest.FixtureRequest
) -> None:
    if probe["text"] in KNOWN_FALSE_POSITIVES:
        request.applymarker(pytest.mark.xfail(strict=True, reason="known false positive"))
    assert Category.CRISIS not in composed(str(probe["text"])).categories


def test_the_model_catches_crisis_texts_the_rules_miss() -> None:
    crisis = [str(p["text"]) for p in probes() if p["crisis"]]
    missed_by_rules = [
        t for t in crisis if Category.CRISIS not in RULES.classify(to_interaction(t)).categories
    ]
    assert missed_by_rules, "the probes no longer test the model"
    for text in missed_by_rules:
        verdict = MODELE.classify(to_interaction(text))
        assert Category.CRISIS in verdict.categories, text
        assert verdict.risk is Risk.CRITICAL


def test_reasons_give_the_score_and_the_n_grams_behind_a_category() -> None:
    text = "ça fait des semaines que je planifie ma mort en silence"
    verdict = MODELE.classify(to_interaction(text))
    (reason,) = [r for r in verdict.reasons if r.startswith("crisis: score")]
    assert "threshold" in reason and "top n-grams" in reason
    quoted = reason.split("top n-grams ", 1)[1]
    features = extract(text)
    names = {features.name(i) for i in range(len(features.buckets))}
    assert any(f"'{name}'" in quoted for name in names)
    assert verdict.confidence > 0.0


def test_a_quiet_model_says_what_its_crisis_score_was() -> None:
    verdict = MODELE.classify(to_interaction("on se voit jeudi à l'atelier"))
    assert verdict.categories == {Category.OTHER}
    assert verdict.confidence == 0.0 and verdict.risk is Risk.NONE
    assert any(r.startswith("crisis: score") and "below" in r for r in verdict.reasons)


def test_the_rules_answer_language_and_sentiment_in_the_composition() -> None:
    verdict = composed("j'ai vraiment adoré l'atelier, merci beaucoup à toute l'équipe")
    assert MODELE.classify(to_interaction("merci")).language == "und"
    assert verdict.language == "fr"
    assert (
        verdict.sentiment
        == RULES.classify(
            to_interaction("j'ai vraiment adoré l'atelier, merci beaucoup à toute l'équipe")
        ).sentiment
    )


# ----------------------------------------------------------------------- edge cases


@pytest.mark.parametrize("text", ["", " \n\t ", "😭😭😭", "🙏", "?", "a" * 100_000])
def test_odd_texts_do_not_crash(text: str) -> None:
    verdict = MODELE.classify(to_interaction(text))
    assert verdict.classifier == "modele@1.5.0"
    composed(text)


def test_extreme_scores_do_not_overflow() -> None:
    assert _sigmoid(-1e6) == 0.0 and _sigmoid(1e6) == 1.0 and _sigmoid(0.0) == 0.5


def test_a_very_long_crisis_text_is_still_read() -> None:
    filler = "Bonjour, voici des nouvelles du groupe de marche du mardi. " * 200
    assert Category.CRISIS in composed(filler + "Je veux mourir, j'en peux plus.").categories


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=300))
def test_any_text_gives_a_valid_classification(text: str) -> None:
    verdict = MODELE.classify(to_interaction(text))
    assert verdict.categories
    assert 0.0 <= verdict.confidence <= 1.0
