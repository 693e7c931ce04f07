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
from passerelle.bench.measure import cpu_seconds, percentile
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
    error_statuses: dict[str, int] = field(default_factory=dict)  # 0: connection failed


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
    gateway_cpu_ms_per_delivery: float | None
    p50_ms: float
    p99_ms: float
    rates: list[RateResult] = field(default_factory=list)
    baseline_rates: list[RateResult] = field(default_factory=list)
    notes: str = ""

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2)


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
    calls: list[Callable[[], Awaitable[int]]], concurrency: int
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
            status = await call()
            latencies.append((time.perf_counter() - started) * 1000)
            errors += 0 if status == 200 else 1

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return time.perf_counter() - started, latencies, errors


async def run_open_loop(
    make_call: Callable[[int], Callable[[], Awaitable[int]]], rate: float, seconds: float
) -> RateResult:
    """Send at ``rate`` per second whatever the answers take (how platforms push)."""
    count = max(1, int(rate * seconds))
    latencies: list[float] = []
    statuses: dict[str, int] = {}

    async def one(n: int) -> None:
        started = time.perf_counter()
        status = await make_call(n)()
        latencies.append((time.perf_counter() - started) * 1000)
        if status != 200:
            statuses[str(status)] = statuses.get(str(status), 0) + 1

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
        errors=sum(statuses.values()),
        error_statuses=statuses,
    )


class LoadClient:
    """A lean HTTP/1.1 keep-alive client for the load generator: it shares the machine with
    the gateway and the server, so every millisecond of CPU it spends skews what it measures
    (httpx costs about as much CPU per request as the gateway does)."""

    def __init__(self, host: str, port: int, size: int) -> None:
        self.host, self.port = host, port
        self.idle: asyncio.LifoQueue[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = (
            asyncio.LifoQueue()
        )
        self.size = size
        self.opened = 0

    async def __aenter__(self) -> LoadClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        while not self.idle.empty():
            self.idle.get_nowait()[1].close()

    async def _connection(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter, bool]:
        """A connection, and whether it was reused (the server may have closed it idle)."""
        if self.idle.empty() and self.opened < self.size:
            self.opened += 1
            reader, writer = await asyncio.open_connection(self.host, self.port)
            return reader, writer, False
        reader, writer = await self.idle.get()
        return reader, writer, True

    async def post(self, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
        lines = [f"POST {path} HTTP/1.1", f"host: {self.host}", f"content-length: {len(body)}"]
        lines += [f"{k}: {v}" for k, v in headers.items()]
        request = ("\r\n".join(lines) + "\r\n\r\n").encode() + body
        for _ in range(self.size + 1):  # stale idle connections fail one by one, then a new one
            reader, writer, reused = await self._connection()
            try:
                writer.write(request)
                head = await reader.readuntil(b"\r\n\r\n")
            except (OSError, asyncio.IncompleteReadError):
                writer.close()
                self.opened -= 1
                if reused:  # closed by the server while idle: nothing was read, send again
                    continue
                return 0, b""
            status = int(head.split(b" ", 2)[1])
            length = 0
            for line in head.split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            answer = await reader.readexactly(length)
            self.idle.put_nowait((reader, writer))
            return status, answer
        return 0, b""


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
        async with LoadClient("127.0.0.1", port, size=concurrency * 4) as http:

            def delivery(external_id: str) -> Callable[[], Awaitable[int]]:
                body = event_body(external_id)

                async def call() -> int:
                    headers = {
                        "content-type": "application/json",
                        SIGNATURE_HEADER: sign(secret, body, int(time.time())),
                    }
                    status, answer = await http.post(PATH, body, headers)
                    if status == 200:
                        outcomes.extend(json.loads(answer)["outcomes"])
                    return status

                return call

            outcomes: list[str] = []
            progress("warming up (50 deliveries)")
            await run_closed_loop([delivery(f"warm-{n}") for n in range(50)], concurrency)
            outcomes.clear()

            ids = plan(deliveries, duplicate_share, "ev")
            unique = len(set(ids))
            progress(f"{deliveries} deliveries ({unique} unique) with {concurrency} in flight")
            cpu_before = cpu_seconds(process.pid)
            seconds, latencies, errors = await run_closed_loop(
                [delivery(i) for i in ids], concurrency
            )
            cpu_after = cpu_seconds(process.pid)
            gateway_cpu = (
                round((cpu_after - cpu_before) * 1000 / deliveries, 2)
                if cpu_before is not None and cpu_after is not None
                else None
            )
            answered_duplicate = outcomes.count("duplicate")

            def baseline_call(external_id: str) -> Callable[[], Awaitable[int]]:
                interaction = bench_interaction(external_id)

                async def call() -> int:
                    await client.start_workflow(
                        "InteractionWorkflow",
                        InteractionStart(interaction=interaction, policy=policy),
                        id=f"baseline/{external_id}",
                        task_queue=task_queue + "-baseline",
                        id_conflict_policy=WorkflowIDConflictPolicy.FAIL,
                    )
                    return 200

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

                def rated(n: int, label: str = label) -> Callable[[], Awaitable[int]]:
                    return delivery(f"rate{label}-{n}")

                def rated_baseline(n: int, label: str = label) -> Callable[[], Awaitable[int]]:
                    return baseline_call(f"brate{label}-{n}")

                rate_results.append(await run_open_loop(rated, rate, seconds_per_rate))
                progress(f"baseline at {rate:g}/s")
                baseline_rates.append(await run_open_loop(rated_baseline, rate, seconds_per_rate))
        # The warm-up and the rate runs' accepted deliveries (all unique events).
        others = 50 + sum(r.sent - r.errors for r in rate_results)
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
        gateway_cpu_ms_per_delivery=gateway_cpu,
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
        ("gateway CPU/delivery", f"{result.gateway_cpu_ms_per_delivery} ms"),
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
