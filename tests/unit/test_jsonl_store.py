"""The append-once JSON Lines store reads only what was appended since its last look."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from connecteurs.jsonl.store import JsonlStore


def lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_a_key_is_written_once_and_found_again(tmp_path: Path) -> None:
    store = JsonlStore(tmp_path / "out.jsonl")
    first = store.append_once("k1", lambda: {"text": "é, once"})
    again = JsonlStore(tmp_path / "out.jsonl").append_once("k1", lambda: {"text": "twice"})
    assert first == again == {"idempotency_key": "k1", "text": "é, once"}
    assert len(lines(tmp_path / "out.jsonl")) == 1


def test_entries_appended_by_another_process_are_seen(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    store = JsonlStore(path)
    store.append_once("k1", lambda: {"n": 1})
    with path.open("a", encoding="utf-8") as other:  # as another worker process would
        other.write(json.dumps({"idempotency_key": "k2", "n": 2}) + "\n")
    assert store.append_once("k2", lambda: {"n": 99}) == {"idempotency_key": "k2", "n": 2}
    assert [e["n"] for e in lines(path)] == [1, 2]


def test_a_torn_line_is_skipped_and_a_truncated_file_starts_over(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    store = JsonlStore(path)
    store.append_once("k1", lambda: {"n": 1})
    with path.open("a", encoding="utf-8") as crashed:
        crashed.write('{"idempotency_key": "k2", "n"')  # a crash mid-write, no newline
    assert store.append_once("k1", lambda: {"n": 99})["n"] == 1
    path.write_text("", encoding="utf-8")  # rotated away
    assert store.append_once("k1", lambda: {"n": 3})["n"] == 3


def test_threads_racing_on_one_key_write_it_once(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    with ThreadPoolExecutor(8) as pool:
        results = list(
            pool.map(
                lambda i: JsonlStore(path).append_once(f"k{i % 5}", lambda: {"by": i}), range(200)
            )
        )
    written = lines(path)
    assert sorted(e["idempotency_key"] for e in written) == [f"k{i}" for i in range(5)]
    by_key = {e["idempotency_key"]: e for e in written}
    assert all(r == by_key[r["idempotency_key"]] for r in results)


def test_a_replaced_file_is_read_again_from_its_start(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    store = JsonlStore(path)
    store.append_once("k1", lambda: {"n": 1})
    rotated = tmp_path / "new.jsonl"  # rotation: a new file takes the name, longer already
    rotated.write_text(
        "".join(json.dumps({"idempotency_key": f"o{i}", "n": i}) + "\n" for i in range(5)),
        encoding="utf-8",
    )
    rotated.replace(path)
    assert store.append_once("o3", lambda: {"n": 99}) == {"idempotency_key": "o3", "n": 3}
    assert len(lines(path)) == 5
