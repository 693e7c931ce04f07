"""``passerelle bench gateway``: signed deliveries through a real gateway process into a real
dev server, against a bare loop of ``client.start_workflow`` on the same server in the same
run (the ratio is what to read: these 2-core machines are noisy).

The gateway runs as its own process (``passerelle gateway``), as in production; the load
generator and the baseline share this one. A share of the deliveries are redeliveries of
earlier events: the gateway must answer them 200 and start nothing, so workflows started must
equal unique events.
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from temporalio.client import Client
from temporalio.common import WorkflowIDConflictPolicy

from connecteurs.models import Author, Interaction, InteractionKind, Platform
from connecteurs.signatures import SIGNATURE_HEADER, sign
from passerelle import devserver
from passerelle.config import parse
from workflows.models import InteractionStart

Progress = Callable[[str], None]
PATH = "/webhooks/webhook/bench"

CONFIG = """
task_queue = "{task_queue}"

[[accounts]]
connector = "webhook"
platform = "webhook"
account = "bench"
secrets = {{ signing_secret = "env:PASSERELLE_BENCH_SECRET" }}

[sla.P1]
first_response = "15m"
[sla.P2]
first_response = "1h"
[sla.P3]
first_response = "4h"
[sla.P4]
first_response = "1d"
"""


@dataclass
class RateResult:
    target_per_second: float
    sent: int
    achieved_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int


@dataclass
class GatewayBench:
    deliveries: int
    unique_events: int
    duplicate_share: float
    workflows_started: int
    answered_duplicate: int
    errors: int
    throughput_per_second: float
    baseline_per_second: float
    ratio: float
    concurrency: int
    p50_ms: float
    p99_ms: float
    rates: list[RateResult] = field(default_factory=list)
    baseline_rates: list[RateResult] = field(default_factory=list)
    notes: str = ""

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2)


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def event_body(external_id: str) -> bytes:
    return json.dumps(
        {
            "external_id": external_id,
            "text": "Bonjour, le groupe du mardi est-il ouvert aux nouveaux ?",
            "author": {"id": f"a-{external_id}", "handle": "bench"},
        }
    ).encode()


def plan(total: int, duplicate_share: float, prefix: str) -> list[str]:
    """External ids in sending order; every ``1/duplicate_share``-th repeats an earlier one."""
    ids: list[str] = []
    unique = 0
    every = round(1 / duplicate_share) if duplicate_share > 0 else 0
    for n in range(total):
        if every and n % every == every - 1 and ids:
            ids.append(ids[n // 2])
        else:
            ids.append(f"{prefix}-{unique}")
            unique += 1
    return ids


async def run_closed_loop(
    calls: list[Callable[[], Awaitable[bool]]], concurrency: int
) -> tuple[float, list[float], int]:
    """Run calls with ``concurrency`` in flight; returns (seconds, latencies in ms, errors)."""
    queue = list(reversed(calls))
    latencies: list[float] = []
    errors = 0

    async def worker() -> None:
        nonlocal errors
        while queue:
            call = queue.pop()
            started = time.perf_counter()
            ok = await call()
            latencies.append((time.perf_counter() - started) * 1000)
            errors += 0 if ok else 1

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return time.perf_counter() - started, latencies, errors


async def run_open_loop(
    make_call: Callable[[int], Callable[[], Awaitable[bool]]], rate: float, seconds: float
) -> RateResult:
    """Send at ``rate`` per second whatever the answers take (how platforms push)."""
    count = max(1, int(rate * seconds))
    latencies: list[float] = []
    errors = 0

    async def one(n: int) -> None:
        nonlocal errors
        started = time.perf_counter()
        ok = await make_call(n)()
        latencies.append((time.perf_counter() - started) * 1000)
        errors += 0 if ok else 1

    begin = time.perf_counter()
    tasks = []
    for n in range(count):
        delay = begin + n / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(n)))
    await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - begin
    return RateResult(
        target_per_second=rate,
        sent=count,
        achieved_per_second=round(count / elapsed, 1),
        p50_ms=round(percentile(latencies, 0.5), 2),
        p99_ms=round(percentile(latencies, 0.99), 2),
        errors=errors,
    )


def start_gateway(port: int, env: dict[str, str], folder: Path) -> subprocess.Popen[bytes]:
    """``passerelle gateway`` as its own process, as a deployment runs it."""
    command = [sys.executable, "-m", "passerelle", "gateway", "--host", "127.0.0.1"]
    return subprocess.Popen(
        [*command, "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=folder,
    )


async def wait_for_gateway(url: str, process: subprocess.Popen[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    async with httpx.AsyncClient() as http:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"the gateway exited with status {process.returncode}")
            try:
                if (await http.get(url + "/readyz")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.1)
    raise RuntimeError("the gateway did not become ready in time")


async def count_started(client: Client, task_queue: str, expected: int) -> int:
    """Workflows on the bench's task queue, once visibility has caught up (or 10 s)."""
    deadline = time.monotonic() + 10
    count = 0
    while time.monotonic() < deadline:
        count = (await client.count_workflows(f"TaskQueue = '{task_queue}'")).count
        if count >= expected:
            break
        await asyncio.sleep(0.2)
    return count


async def bench(
    deliveries: int = 1000,
    duplicate_share: float = 0.1,
    concurrency: int = 16,
    rates: tuple[float, ...] = (50.0, 100.0, 200.0),
    seconds_per_rate: float = 5.0,
    progress: Progress = lambda _: None,
) -> GatewayBench:
    secret = secrets.token_hex(16)
    task_queue = f"bench-{uuid.uuid4().hex[:8]}"
    env = await devserver.start(None, port=None)
    client = env.client
    address = client.service_client.config.target_host
    folder = Path(tempfile.mkdtemp(prefix="passerelle-bench-"))
    config_path = folder / "passerelle.toml"
    config_path.write_text(CONFIG.format(task_queue=task_queue), encoding="utf-8")
    policy = parse(config_path.read_text(), str(config_path)).policy()
    port = devserver.free_port()
    url = f"http://127.0.0.1:{port}"
    process_env = {
        **os.environ,
        "PASSERELLE_BENCH_SECRET": secret,
        "PASSERELLE_CONFIG": str(config_path),
        "TEMPORAL_ADDRESS": address,
        "TEMPORAL_NAMESPACE": client.namespace,
    }
    progress(f"starting the gateway on {url} (Temporal {address})")
    process = start_gateway(port, process_env, folder)
    try:
        await wait_for_gateway(url, process, timeout=60)
        limits = httpx.Limits(
            max_connections=concurrency * 4, max_keepalive_connections=concurrency * 4
        )
        async with httpx.AsyncClient(base_url=url, limits=limits, timeout=30) as http:

            def delivery(external_id: str) -> Callable[[], Awaitable[bool]]:
                body = event_body(external_id)

                async def call() -> bool:
                    headers = {
                        "content-type": "application/json",
                        SIGNATURE_HEADER: sign(secret, body, int(time.time())),
                    }
                    response = await http.post(
                        "/webhooks/webhook/bench", content=body, headers=headers
                    )
                    outcomes.extend(
                        response.json().get("outcomes", []) if response.is_success else []
                    )
                    return response.status_code == 200

                return call

            outcomes: list[str] = []
            progress("warming up (50 deliveries)")
            await run_closed_loop([delivery(f"warm-{n}") for n in range(50)], concurrency)
            outcomes.clear()

            ids = plan(deliveries, duplicate_share, "ev")
            unique = len(set(ids))
            progress(f"{deliveries} deliveries ({unique} unique) with {concurrency} in flight")
            seconds, latencies, errors = await run_closed_loop(
                [delivery(i) for i in ids], concurrency
            )
            answered_duplicate = outcomes.count("duplicate")

            def baseline_call(external_id: str) -> Callable[[], Awaitable[bool]]:
                interaction = bench_interaction(external_id)

                async def call() -> bool:
                    await client.start_workflow(
                        "InteractionWorkflow",
                        InteractionStart(interaction=interaction, policy=policy),
                        id=f"baseline/{external_id}",
                        task_queue=task_queue + "-baseline",
                        id_conflict_policy=WorkflowIDConflictPolicy.FAIL,
                    )
                    return True

                return call

            progress(f"baseline: {unique} start_workflow calls with {concurrency} in flight")
            base_seconds, _, _ = await run_closed_loop(
                [baseline_call(f"b-{n}") for n in range(unique)], concurrency
            )

            rate_results: list[RateResult] = []
            baseline_rates: list[RateResult] = []
            for rate in rates:
                progress(f"{rate:g} deliveries/s for {seconds_per_rate:g}s")
                label = f"{rate:g}"

                def rated(n: int, label: str = label) -> Callable[[], Awaitable[bool]]:
                    return delivery(f"rate{label}-{n}")

                def rated_baseline(n: int, label: str = label) -> Callable[[], Awaitable[bool]]:
                    return baseline_call(f"brate{label}-{n}")

                rate_results.append(await run_open_loop(rated, rate, seconds_per_rate))
                progress(f"baseline at {rate:g}/s")
                baseline_rates.append(await run_open_loop(rated_baseline, rate, seconds_per_rate))
        others = 50 + sum(r.sent for r in rate_results)  # the warm-up and the rate runs
        started = await count_started(client, task_queue, unique + others) - others
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
        await env.shutdown()
    throughput = deliveries / seconds
    baseline = unique / base_seconds
    at_200 = next((r for r in rate_results if r.target_per_second == 200.0), None)
    return GatewayBench(
        deliveries=deliveries,
        unique_events=unique,
        duplicate_share=duplicate_share,
        workflows_started=started,
        answered_duplicate=answered_duplicate,
        errors=errors,
        throughput_per_second=round(throughput, 1),
        baseline_per_second=round(baseline, 1),
        ratio=round(throughput / baseline, 3),
        concurrency=concurrency,
        p50_ms=at_200.p50_ms if at_200 else round(percentile(latencies, 0.5), 2),
        p99_ms=at_200.p99_ms if at_200 else round(percentile(latencies, 0.99), 2),
        rates=rate_results,
        baseline_rates=baseline_rates,
        notes=(
            "throughput counts every delivery (duplicates included) against start_workflow "
            "calls for the unique events; p50/p99 are the 200/s open-loop figures; the load "
            "generator, the gateway process and the dev server share the machine"
        ),
    )


def bench_interaction(external_id: str) -> Interaction:
    now = datetime.now(UTC)
    return Interaction(
        id=Interaction.make_id(Platform.WEBHOOK, "bench", external_id),
        platform=Platform.WEBHOOK,
        account="bench",
        external_id=external_id,
        kind=InteractionKind.COMMENT,
        author=Author(id=f"a-{external_id}", handle="bench"),
        text="Bonjour, le groupe du mardi est-il ouvert aux nouveaux ?",
        created_at=now,
        received_at=now,
    )


def summary(result: GatewayBench) -> list[tuple[str, Any]]:
    return [
        ("deliveries (unique)", f"{result.deliveries} ({result.unique_events})"),
        ("workflows started", result.workflows_started),
        ("answered as duplicate", result.answered_duplicate),
        ("errors", result.errors),
        ("gateway deliveries/s", result.throughput_per_second),
        ("bare start_workflow/s", result.baseline_per_second),
        ("ratio", result.ratio),
        *[
            (
                f"at {r.target_per_second:g}/s",
                f"p50 {r.p50_ms} ms, p99 {r.p99_ms} ms, {r.errors} errors",
            )
            for r in result.rates
        ],
        *[
            (f"bare at {r.target_per_second:g}/s", f"p50 {r.p50_ms} ms, p99 {r.p99_ms} ms")
            for r in result.baseline_rates
        ],
    ]
