"""``passerelle bench chaos`` at small N, as an ordinary test: workers SIGKILLed and
replaced, the dev server stopped and started again on its SQLite file, a fifth of the events
redelivered and a tenth of the platform calls failed (429, 500, timeout after the write);
nothing may be lost or doubled. About a minute: a killed worker's in-flight activities wait
out their 60 s start-to-close timeout before another worker retries them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from passerelle.bench import chaos
from passerelle.bench.chaos_platform import Fault, decide

pytestmark = pytest.mark.temporal


def test_fault_draws_are_reproducible_and_near_the_rate() -> None:
    keys = [f"interaction/jsonl/a/c{i}/reply-1" for i in range(4000)]
    first = [decide(7, key, 1, 0.1) for key in keys]
    assert first == [decide(7, key, 1, 0.1) for key in keys]
    share = sum(f is not None for f in first) / len(keys)
    assert 0.08 < share < 0.12
    assert {f for f in first if f is not None} == set(Fault)
    # A retry draws again: a call is not doomed to fail on every attempt.
    assert any(
        f is not None and decide(7, k, 2, 0.1) is None for k, f in zip(keys, first, strict=True)
    )


@pytest.mark.timeout(300)
async def test_chaos_loses_and_doubles_nothing(tmp_path: Path) -> None:
    result = await chaos.bench(
        36,
        workers=2,
        rate=8.0,
        kills=2,
        server_restarts=1,
        redeliver_share=0.2,
        fault_rate=0.1,
        seed=3,
        baseline=False,
        folder=tmp_path,
        settle_timeout=200.0,
    )
    document = json.loads(result.to_json())
    assert {
        "interactions",
        "lost",
        "duplicate_replies",
        "duplicate_notifications",
        "faults",
        "checks",
        "machine",
        "ok",
    } <= set(document)
    assert document["machine"]["cores"]
    faults, checks = result.faults, result.checks
    assert faults["worker_kills"] == 2 and faults["server_restarts"] == 1
    assert faults["redeliveries"] == round(36 * 0.2)
    assert faults["platform_total"] > 0
    # The figures that matter: nothing lost, nothing doubled, every end as expected.
    assert result.lost == 0, result.examples
    assert result.duplicate_replies == 0 and result.duplicate_notifications == 0, result.examples
    assert checks["duplicate_moderations"] == 0
    assert checks["expected_state"] == 36, result.examples
    assert checks["redeliveries_started"] == 0
    assert checks["platform_actions_written"] == checks["platform_actions_expected"]
    assert checks["notifications_written"] == checks["notifications_expected"] == 3
    assert checks["outbox_torn_lines"] == 0
    assert result.ok
    print("\n" + "\n".join(f"{label:<28} {value}" for label, value in chaos.summary(result)))
    print(checks)
