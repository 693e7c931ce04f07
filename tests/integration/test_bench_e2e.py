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
    assert result.completed == result.baseline_completed == 12
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
    # Two rounds, A B then B A, each side pooled over its two segments.
    assert document["order"] == ["passerelle", "bare", "bare", "passerelle"]
    assert len(document["rounds"]) == 2
    assert document["interactions"]["workflows"] == document["baseline"]["workflows"] == 12
    assert document["interactions"]["completed"] == document["baseline"]["completed"] == 12
    assert e2e.summary(result)


def test_rounds_swap_which_side_goes_first() -> None:
    assert e2e.segment_order(1) == ["passerelle", "bare"]
    assert e2e.segment_order(3) == [
        "passerelle",
        "bare",
        "bare",
        "passerelle",
        "passerelle",
        "bare",
    ]


def test_a_side_pools_its_segments_by_their_totals() -> None:
    fast = e2e.Phase(10, 10, 2.0, 0.1, 5.0, 1.0, 2.0, 30.0, 60.0)
    slow = e2e.Phase(10, 10, 8.0, 0.3, 1.25, 3.0, 4.0, 50.0, None)
    both = e2e.pooled([fast, slow], [1.0, 2.0, 3.0, 4.0])
    # 20 completed in 10 s: 2/s, not the mean of 5 and 1.25.
    assert both.per_second == 2.0
    assert both.seconds == 10.0 and both.completed == 20
    assert both.worker_cpu_ms_per_workflow == 40.0
    assert both.server_cpu_ms_per_workflow is None  # one segment could not read it
    assert e2e.pooled([fast, fast], [1.0]).server_cpu_ms_per_workflow == 60.0


def test_worker_options_are_key_int_pairs() -> None:
    assert _worker_options(["max_cached_workflows=50"]) == {"max_cached_workflows": 50}
    with pytest.raises(Exception, match="KEY=INT"):
        _worker_options(["max_cached_workflows"])
