"""``passerelle bench e2e`` at a tiny N: the JSON shape and its correctness figures, never
its timings (a benchmark is not a timed test)."""

from __future__ import annotations

import json

import pytest
from temporalio.client import Client

from passerelle.bench import e2e
from passerelle.cli.bench_e2e import _worker_options

pytestmark = pytest.mark.temporal

REQUIRED = {"interactions_per_second", "baseline_per_second", "ratio", "p50_ms", "p99_ms"}


@pytest.mark.timeout(180)
async def test_bench_e2e_tiny_run_loses_and_doubles_nothing(client: Client) -> None:
    result = await e2e.bench(6, accounts=2, concurrency=4, warm_up=1, client=client)
    document = json.loads(result.to_json())

    assert REQUIRED | {"machine", "n", "lost", "duplicate_replies", "cpu_ratio"} <= set(document)
    assert document["machine"]["cores"]
    assert result.ok
    assert result.lost == 0 and result.duplicate_replies == 0
    assert result.completed == result.baseline_completed == 6
    # The baseline has the lifecycle's shape, read from a real interaction's history.
    assert result.lifecycle == [
        "activity:classify",
        "activity:reply",
        "timer:1s",
        "timer:1s",
        "activity:record",
    ]
    for key in REQUIRED:
        assert isinstance(document[key], int | float)
    assert document["interactions"]["workflows"] == document["baseline"]["workflows"] == 6
    assert e2e.summary(result)


def test_worker_options_are_key_int_pairs() -> None:
    assert _worker_options(["max_cached_workflows=50"]) == {"max_cached_workflows": 50}
    with pytest.raises(Exception, match="KEY=INT"):
        _worker_options(["max_cached_workflows"])
