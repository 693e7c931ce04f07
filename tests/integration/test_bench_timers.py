"""``passerelle bench timers`` at a tiny size: the shape of its JSON and its correctness
figures (every breach notified once, none early), never its timings."""

from __future__ import annotations

import json

import pytest

from passerelle.bench import timers

pytestmark = pytest.mark.temporal


@pytest.mark.timeout(300)
async def test_bench_timers_tiny() -> None:
    result = await timers.bench(
        n=16, breaches=6, rate=10.0, idle_seconds=1.0, window=16, grace=60.0, margin=4.0
    )
    document = json.loads(result.to_json())
    for key in (
        "n",
        "parked_per_second",
        "worker_idle_cpu_percent",
        "worker_rss_mib",
        "lateness_ms",
        "baseline",
        "breaches_notified",
        "lost",
        "duplicate_notifications",
        "machine",
    ):
        assert key in document, key
    assert set(document["lateness_ms"]) == {"p50", "p99", "max"}
    assert {"cores", "python", "temporalio"} <= set(document["machine"])
    for side in (document["passerelle"], document["baseline"]):
        assert side["n"] == 16
        assert side["breaches_notified"] == 6
        assert side["lost"] == 0
        assert side["duplicate_notifications"] == 0
        assert side["early_notifications"] == 0
        assert set(side["lateness_ms"]) == set(document["lateness_ms"])
        assert side["worker_rss_mib"] is None or side["worker_rss_mib"] > 0
        parked = [count for count, _ in side["rss_while_parking"]]
        assert parked and parked == sorted(parked) and parked[-1] <= 10  # 16 - 6 breaching
    assert document["breaches_notified"] == 6
    assert not result.failed
    assert timers.summary(result)
