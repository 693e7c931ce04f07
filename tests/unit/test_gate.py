"""The native gate (gate.py): it skips only what cannot match, and the rules decide exactly
the same with it as without it."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from plugins.classifiers import gate as gate_module
from plugins.classifiers import mots_cles
from plugins.classifiers import required as required_module
from plugins.classifiers.dataset import load_dataset, to_interaction
from plugins.classifiers.gate import CACHE_ENV, EVERYTHING, SWITCH_ENV, Gate

DATA = Path(__file__).parents[1] / "data"


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    yield tmp_path


def small_gate(name: str = "test") -> tuple[Gate, list[gate_module.GatedPattern]]:
    gate = Gate(name)
    patterns = [
        gate.add(re.compile(r"(?<!\w)(?:kill|end) (?:my ?self|it all)(?!\w)")),
        gate.add(re.compile(r"(?<!\w)pills (?:\S+ ){0,3}tonight")),
        gate.add(re.compile(r"\w+")),  # requires no literal text: never skipped
    ]
    return gate, patterns


def test_a_gate_names_the_patterns_that_may_match(cache: Path) -> None:
    gate, (kill, pills, word) = small_gate()
    status = gate.build()
    assert status.state == "ready", status
    assert (status.patterns, status.skippable) == (3, 2)
    assert gate.active
    assert kill.may_match("i want to end it all") and not pills.may_match("i want to end it all")
    assert pills.may_match("my pills are ready for tonight")
    assert word.may_match("anything at all")
    assert kill.search("nothing here") is None
    found = [m.group(0) for m in pills.finditer("pills, i have them, tonight. pills x tonight")]
    assert found == ["pills x tonight"]
    # both sides of the gap are asked for: one alone lets nothing through
    assert not pills.may_match("i take my pills in the morning")
    assert not pills.may_match("not tonight")


def test_within_reads_the_hits_of_the_whole_text(cache: Path) -> None:
    gate, (kill, _pills, _word) = small_gate()
    gate.build()
    message = "bad day. i want to end it all. bye"
    sentences = message.split(". ")
    assert [bool(kill.search(s, within=message)) for s in sentences] == [False, True, False]


def test_the_database_is_cached_and_loaded_by_the_next_process(cache: Path) -> None:
    first, _ = small_gate()
    assert first.build().source == "compiled"
    assert list(cache.glob("gate-test-*.hs"))
    again, (kill, _pills, _word) = small_gate()
    status = again.build()
    assert (status.state, status.source) == ("ready", "cache")
    assert kill.may_match("kill myself") and not kill.may_match("a quiet day")


def test_a_damaged_cache_file_is_compiled_again(cache: Path) -> None:
    small_gate()[0].build()
    (path,) = cache.glob("gate-test-*.hs")
    path.write_bytes(b"\x10\x00\x00\x00not a database")
    gate, (kill, _pills, _word) = small_gate()
    assert gate.build().source == "compiled"
    assert kill.may_match("kill myself")


def test_other_patterns_get_another_cache_file(cache: Path) -> None:
    small_gate()[0].build()
    other = Gate("test")
    other.add(re.compile("something else"))
    other.build()
    assert len(list(cache.glob("gate-test-*.hs"))) == 2


def test_a_change_to_the_reading_code_gets_another_cache_file(
    cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    small_gate()[0].build()
    changed = tmp_path / "required.py"
    changed.write_text(Path(required_module.__file__).read_text() + "\n# changed\n")
    monkeypatch.setattr(required_module, "__file__", str(changed))
    assert small_gate()[0].build().source == "compiled"
    assert len(list(cache.glob("gate-test-*.hs"))) == 2


def test_an_unwritable_cache_only_costs_a_compile(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv(CACHE_ENV, str(blocker / "sub"))  # a directory inside a file
    gate, (kill, _pills, _word) = small_gate()
    status = gate.build()
    assert status.state == "ready" and "not cached" in status.detail
    assert kill.may_match("kill myself")


def test_until_ready_and_when_switched_off_nothing_is_skipped(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    gate, (kill, _pills, _word) = small_gate()
    assert gate.hits("a quiet day") is EVERYTHING  # not built yet
    assert kill.may_match("a quiet day")
    monkeypatch.setenv(SWITCH_ENV, "off")
    off, (kill_off, _pills, _word) = small_gate()
    assert off.build().state == "off"
    assert kill_off.may_match("a quiet day") and not off.active


def test_without_hyperscan_nothing_is_skipped(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(gate_module, "_hyperscan", lambda: None)
    gate, (kill, _pills, _word) = small_gate()
    assert gate.build().state == "unavailable"
    assert kill.may_match("a quiet day")


def test_a_text_that_is_not_utf8_is_not_skipped(cache: Path) -> None:
    gate, (kill, _pills, _word) = small_gate()
    gate.build()
    assert kill.may_match("a lone surrogate \ud83d here")


def test_patterns_cannot_be_added_once_started(cache: Path) -> None:
    gate, _ = small_gate()
    gate.build()
    with pytest.raises(RuntimeError):
        gate.add(re.compile("late"))


# From the review of the gate: case folding, flags given apart, what the engine refuses.


@pytest.mark.parametrize(
    ("pattern", "text"),
    [
        (r"(?i:abc)", "ABC"),
        (r"(?<!\w)(?:foo|(?i:bar))(?!\w)", "BAR"),
        (r"(?i:kill) myself", "KILL myself"),
        (r"a{0}b", "b"),
    ],
)
def test_what_the_engine_reads_otherwise_is_not_skipped(
    cache: Path, pattern: str, text: str
) -> None:
    gate = Gate("test")
    gated = gate.add(re.compile(pattern))
    assert gate.build().state == "ready"
    assert re.search(pattern, text)
    assert gated.may_match(text)


def test_the_flags_of_a_pattern_count_for_its_simpler_source(cache: Path) -> None:
    gate = Gate("test")
    gated = gate.add(re.compile("abc", re.IGNORECASE), same_as="abc")
    gate.build()
    assert gated.may_match("ABC")


def test_a_pattern_the_engine_refuses_runs_always_and_the_others_stay_gated(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = gate_module.conjunctions

    def one_refused(pattern: re.Pattern[str] | str, **kwargs: int) -> list[tuple[str, ...]]:
        source = pattern if isinstance(pattern, str) else pattern.pattern
        return [("(?:unclosed",)] if source == "refused" else real(pattern, **kwargs)

    monkeypatch.setattr(gate_module, "conjunctions", one_refused)
    gate = Gate("test")
    refused = gate.add(re.compile("refused"))
    kill = gate.add(re.compile("kill myself"))
    status = gate.build()
    assert (status.state, status.skippable) == ("ready", 1)
    assert refused.may_match("a quiet day") and not kill.may_match("a quiet day")


def test_a_gate_switched_off_inside_a_bypass_stays_off(cache: Path) -> None:
    gate, (kill, _pills, _word) = small_gate()
    gate.build()
    with gate.bypassed():
        assert kill.may_match("a quiet day")
        gate.disable()
    assert kill.may_match("a quiet day") and not gate.active


def test_threads_scan_with_their_own_scratch(cache: Path) -> None:
    gate, (kill, pills, _word) = small_gate()
    gate.build()
    texts = [
        f"message {n}: i will kill myself" if n % 2 else f"pills {n} tonight" for n in range(400)
    ]
    results: list[list[tuple[bool, bool]]] = []

    def scan() -> None:
        results.append([(kill.may_match(t), pills.may_match(t)) for t in texts])

    threads = [threading.Thread(target=scan) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    expected = [(n % 2 == 1, n % 2 == 0) for n in range(400)]
    assert results == [expected] * 4


# ------------------------------------------------------------------- the rules, gated


def labeled_texts() -> list[str]:
    return [
        item.text for path in sorted(DATA.glob("classify_*.jsonl")) for item in load_dataset(path)
    ]


def test_the_rules_gate_is_ready_and_skips_every_lexicon() -> None:
    status = mots_cles._GATE.build()
    assert status.state == "ready", status
    assert status.skippable == status.patterns > 40, status


def test_every_labeled_text_is_classified_the_same_with_and_without_the_gate() -> None:
    assert mots_cles._GATE.build().state == "ready"
    rules = mots_cles.MotsClesClassifier()
    interactions = [to_interaction(text, index) for index, text in enumerate(labeled_texts())]
    assert len(interactions) > 8000
    gated = [rules.classify(interaction) for interaction in interactions]
    with mots_cles._GATE.bypassed():
        plain = [rules.classify(interaction) for interaction in interactions]
    different = [i.text for i, a, b in zip(interactions, gated, plain, strict=True) if a != b]
    assert different == []


def test_the_gate_skips_most_lexicons_on_most_comments() -> None:
    """Not a timing: the count of lexicons the gate lets through, which is what saves time."""
    mots_cles._GATE.build()
    gated = [v for v in vars(mots_cles).values() if isinstance(v, gate_module.GatedPattern)]
    texts = labeled_texts()[:2000]
    let_through = sum(p.may_match(t) for t in texts for p in gated) / len(texts)
    assert let_through < 0.2 * len(gated), let_through
