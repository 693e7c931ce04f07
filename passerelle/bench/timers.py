"""``passerelle bench timers``: N interactions parked on their first-response SLA timer,
what the worker costs while they wait, and how late the breach notifications are.

Each side runs on a fresh dev server (its own SQLite file, deleted after), with its worker as
its own process (RSS and CPU read from /proc/<pid>), one after the other so neither disturbs
the other's figures:

- **Passerelle**: ``passerelle worker`` with a jsonl account and ``log`` notifiers that append
  to files. Interactions are real deliveries (``deliver``): classified, routed to a human,
  waiting on their SLA timer (calendar "always", so deadlines do not depend on the hour).
- **Baseline**: a bare workflow (``passerelle.bench.baseline_timer``) that sleeps until the
  same kind of deadline, then runs one activity that notes when it started.

Per side: N - B interactions with a 1-day SLA are parked in bulk (bounded: at most
``window`` started but not yet parked), then the B that will breach are started at a steady
``rate`` per second with an SLA that ends after all are parked and the idle sample is taken,
so their breaches come at the same steady rate while N timers are pending. Idle CPU and RSS
are sampled once all N are parked; lateness is notification time (``sent_at``, written by the
notify activity) minus the deadline it reports; for the baseline, activity start minus deadline.

The B breaching interactions page one of several ``log`` targets (B/100 of them): the log
notifier reads its whole file before each append (idempotency), which would make a single
file's notifications O(lines) each and measure the file, not the timers.
"""

from __future__ import annotations

import asyncio
import json
import math
import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from temporalio.api.enums.v1 import TaskQueueType
from temporalio.api.taskqueue.v1 import TaskQueue
from temporalio.api.workflowservice.v1 import DescribeTaskQueueRequest
from temporalio.client import Client
from temporalio.common import WorkflowIDConflictPolicy

from connecteurs.models import Author, Interaction, InteractionKind, Platform, Priority, Route
from passerelle import devserver
from passerelle.bench import baseline_timer
from passerelle.bench.machine import machine_facts
from passerelle.bench.measure import cpu_seconds, memory_mib, percentile
from passerelle.config import parse
from passerelle.deliver import Outcome as DeliveryOutcome
from passerelle.deliver import deliver
from workflows.policy import EscalationLevel, Outcome, Policy, SlaCalendar, SlaTarget

Progress = Callable[[str], None]

ACCOUNT = "bench"
TEXT = "Bonjour, le groupe du mardi est-il ouvert aux nouveaux ?"
IDLE_SLA = timedelta(days=1)  # the bulk: waiting all through the run
NEXT_LEVEL_AFTER = timedelta(days=7)  # one page per breach during the run, no second level
PER_PAGER_FILE = 100  # notifications per log file (see the module docstring)

CONFIG = """
task_queue = "{task_queue}"
classifiers = ["mots-cles"]

[[accounts]]
connector = "jsonl"
platform = "jsonl"
account = "{account}"
options = {{ outbox = "{outbox}" }}

[crisis]
target = "pager-0"

[[escalation]]
target = "pager-0"
after = "7d"

{targets}
"""


@dataclass
class Lateness:
    p50: float
    p99: float
    max: float


@dataclass
class SideResult:
    """One side's figures (Passerelle, or the bare baseline)."""

    n: int
    breaches: int
    parked_per_second: float
    worker_idle_cpu_percent: float | None  # of one core, over idle_seconds
    worker_rss_mib: float | None  # VmRSS at the end of the idle sample
    worker_peak_rss_mib: float | None  # VmHWM at the end of the run
    # (parked so far, VmRSS) every tenth of the bulk: whether memory levels off once the
    # worker's workflow cache is full, the trend a run smaller than 100,000 can show.
    rss_while_parking: list[tuple[int, float | None]]
    idle_seconds: float
    lateness_ms: Lateness
    breaches_notified: int
    lost: int
    duplicate_notifications: int
    early_notifications: int  # notifications for interactions that were not due
    load_average: tuple[float, float]  # 1-minute load at the start and end of this side


@dataclass
class TimersBench:
    n: int
    breaches: int
    breach_rate_per_second: float
    parked_per_second: float
    worker_idle_cpu_percent: float | None
    worker_rss_mib: float | None
    lateness_ms: Lateness
    breaches_notified: int
    lost: int
    duplicate_notifications: int
    baseline: SideResult
    passerelle: SideResult
    seconds: float
    machine: dict[str, Any] = field(default_factory=machine_facts)
    notes: str = ""

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2)

    @property
    def failed(self) -> bool:
        sides = (self.passerelle, self.baseline)
        return any(s.lost or s.duplicate_notifications or s.early_notifications for s in sides)


def lateness(values: list[float]) -> Lateness:
    return Lateness(
        p50=round(percentile(values, 0.5), 1),
        p99=round(percentile(values, 0.99), 1),
        max=round(max(values), 1) if values else float("nan"),
    )


# ---------------------------------------------------------------- the worker process


class WorkerProcess:
    """A worker in its own process, as a deployment runs it; stderr kept in a file."""

    def __init__(self, command: list[str], env: dict[str, str], log: Path) -> None:
        self.log = log
        with log.open("wb") as stderr:
            self.process = subprocess.Popen(
                command, env=env, stdout=subprocess.DEVNULL, stderr=stderr, cwd=log.parent
            )

    @property
    def pid(self) -> int:
        return self.process.pid

    def check(self) -> None:
        if self.process.poll() is not None:
            tail = self.log.read_text(errors="replace")[-2000:]
            raise RuntimeError(f"the worker exited with status {self.process.returncode}:\n{tail}")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    async def wait_polling(self, client: Client, task_queue: str, timeout: float = 60) -> None:
        """Until the worker polls its queue: start-up (imports, plugins) is not parking time."""
        request = DescribeTaskQueueRequest(
            namespace=client.namespace,
            task_queue=TaskQueue(name=task_queue),
            task_queue_type=TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.check()
            if (await client.workflow_service.describe_task_queue(request)).pollers:
                return
            await asyncio.sleep(0.2)
        raise RuntimeError("the worker did not poll its task queue in time")

    async def idle_sample(self, seconds: float) -> tuple[float | None, float | None]:
        """(CPU % of one core over ``seconds``, VmRSS MiB at the end)."""
        before, started = cpu_seconds(self.pid), time.monotonic()
        await asyncio.sleep(seconds)
        after, elapsed = cpu_seconds(self.pid), time.monotonic() - started
        cpu = None
        if before is not None and after is not None:
            cpu = round((after - before) * 100 / elapsed, 2)
        return cpu, memory_mib(self.pid)

    async def settle(self, limit: float = 15.0) -> None:
        """Until the worker has spent under 2% of a core for a second (its last tasks
        done), or ``limit`` seconds."""
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            cpu, _ = await self.idle_sample(1.0)
            if cpu is None or cpu < 2.0:
                return


# ---------------------------------------------------------------- one side


@dataclass
class Side:
    """What differs between Passerelle and the baseline: how one is started, how the
    worker is run, where the notifications are read back."""

    name: str
    task_queue: str
    folder: Path
    command: list[str]
    env: dict[str, str]
    # start(client, index, breaching) -> workflow id
    start: Callable[[Client, int, bool], Awaitable[str]]
    # notifications: (workflow id, lateness ms) for every line written
    notifications: Callable[[], list[tuple[str, float]]]


# Seconds between two parked counts (visibility queries).
COUNT_EVERY = 1.0


async def count_parked(client: Client, task_queue: str) -> int:
    query = f"TaskQueue = '{task_queue}' AND PasserelleState = 'awaiting_response'"
    return (await client.count_workflows(query)).count


async def run_side(
    side: Side,
    n: int,
    breaches: int,
    rate: float,
    idle_seconds: float,
    window: int,
    grace: float,
    margin: float,
    progress: Progress,
) -> SideResult:
    # The machine is shared: the load beside the figures says how much to trust them.
    load_before = os.getloadavg()[0]
    # A SQLite file, not the in-memory database: an in-memory SQLite database is capped at
    # 1 GiB, and at N=100,000 the bare side's server failed with "out of memory (7)" and
    # stopped firing timers (88 of 1,000 breaches notified). A file is also what `passerelle
    # dev` and the embedded default use.
    database = side.folder / f"{side.name}-server.db"
    env = await devserver.start(
        database, port=None, log_file=side.folder / f"{side.name}-server.log"
    )
    client = env.client
    address = client.service_client.config.target_host
    process_env = side.env | {"TEMPORAL_ADDRESS": address, "TEMPORAL_NAMESPACE": client.namespace}
    worker = WorkerProcess(side.command, process_env, side.folder / f"{side.name}-worker.log")
    try:
        await worker.wait_polling(client, side.task_queue)
        bulk = n - breaches
        progress(f"{side.name}: parking {bulk} interactions with a 1-day SLA")
        started_at = time.monotonic()
        rss_trend = await park_bulk(client, side, bulk, window, worker, progress)
        bulk_seconds = time.monotonic() - started_at
        progress(f"{side.name}: {bulk} parked in {bulk_seconds:.0f}s; {breaches} due at {rate:g}/s")

        due: set[str] = set()
        begin = time.monotonic()
        for k in range(breaches):
            delay = begin + k / rate - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            due.add(await side.start(client, bulk + k, True))
        await wait_parked(client, side, n, worker, progress)
        await worker.settle()
        first_due = begin + sla_for(breaches, rate, idle_seconds, margin).total_seconds()
        sample = min(idle_seconds, first_due - time.monotonic() - 1.0)
        progress(f"{side.name}: all {n} parked; idle sample over {sample:.1f}s")
        cpu, rss = await worker.idle_sample(max(sample, 0.5))

        last_due = first_due + breaches / rate
        left = last_due - time.monotonic()
        progress(f"{side.name}: waiting for {breaches} breaches (the last due in {left:.0f}s)")
        lines = await wait_notified(side, due, last_due + grace, worker, progress)
        peak = memory_mib(worker.pid, "VmHWM")
    finally:
        worker.stop()
        await env.shutdown()
        # Gigabytes at N=100,000; the figures are in the result, not in the database.
        for leftover in side.folder.glob(f"{database.name}*"):
            leftover.unlink(missing_ok=True)

    firsts: dict[str, float] = {}
    duplicates = 0
    for workflow_id, late in lines:
        if workflow_id in firsts:
            duplicates += 1
        else:
            firsts[workflow_id] = late
    notified = [late for wid, late in firsts.items() if wid in due]
    return SideResult(
        n=n,
        breaches=breaches,
        parked_per_second=round(bulk / bulk_seconds, 1) if bulk else float("nan"),
        worker_idle_cpu_percent=cpu,
        worker_rss_mib=rss,
        worker_peak_rss_mib=peak,
        rss_while_parking=rss_trend,
        idle_seconds=round(max(sample, 0.5), 1),
        lateness_ms=lateness(notified),
        breaches_notified=len(notified),
        lost=len(due) - len(notified),
        duplicate_notifications=duplicates,
        early_notifications=len(set(firsts) - due),
        load_average=(round(load_before, 2), round(os.getloadavg()[0], 2)),
    )


def sla_for(breaches: int, rate: float, idle_seconds: float, margin: float) -> timedelta:
    """The breaching interactions' SLA: long enough for all of them to be started and parked
    (about breaches/rate), the worker to settle (``margin``) and the idle sample taken."""
    return timedelta(seconds=math.ceil(breaches / rate + idle_seconds + margin))


async def park_bulk(
    client: Client, side: Side, count: int, window: int, worker: WorkerProcess, progress: Progress
) -> list[tuple[int, float | None]]:
    """Start ``count`` with at most ``window`` started but not yet parked: a larger backlog
    only evicts workflows from the worker's cache between their steps (replays). Returns the
    worker's RSS each time another tenth of ``count`` is parked."""
    next_index = 0
    parked = 0
    last_report = time.monotonic()
    trend: list[tuple[int, float | None]] = []
    step = max(1, count // 10)
    while parked < count:
        worker.check()
        allowed = min(count, parked + window) - next_index
        if allowed > 0:
            batch = range(next_index, next_index + allowed)
            for chunk in range(0, len(batch), 64):  # 64 start calls in flight at most
                await asyncio.gather(
                    *(side.start(client, i, False) for i in batch[chunk : chunk + 64])
                )
            next_index += allowed
        # Paced, not back to back: each count is a visibility query over every workflow
        # started so far, so an unpaced loop spends a growing share of the server's CPU on
        # counting as N grows (the suspect when parking fell from ~40/s to 15-18/s past
        # 65,000). The window covers the pause many times over.
        await asyncio.sleep(COUNT_EVERY)
        parked = await count_parked(client, side.task_queue)
        if parked >= (len(trend) + 1) * step:
            trend.append((parked, memory_mib(worker.pid)))
        if time.monotonic() - last_report > 10:
            last_report = time.monotonic()
            progress(f"{side.name}: {parked}/{count} parked ({next_index} started)")
    return trend


async def wait_parked(
    client: Client, side: Side, n: int, worker: WorkerProcess, progress: Progress
) -> None:
    deadline = time.monotonic() + 120
    while (parked := await count_parked(client, side.task_queue)) < n:
        worker.check()
        if time.monotonic() > deadline:
            raise RuntimeError(f"{side.name}: only {parked}/{n} parked after 2 minutes")
        await asyncio.sleep(COUNT_EVERY)


async def wait_notified(
    side: Side, due: set[str], until: float, worker: WorkerProcess, progress: Progress
) -> list[tuple[str, float]]:
    """Every notification line once all due are notified, or at ``until`` (the rest lost)."""
    last_report = time.monotonic()
    while True:
        lines = side.notifications()
        done = len({wid for wid, _ in lines} & due)
        if done >= len(due) or time.monotonic() > until:
            # A moment more for a duplicate that would follow its first.
            await asyncio.sleep(1.0)
            return side.notifications()
        worker.check()
        if time.monotonic() - last_report > 10:
            last_report = time.monotonic()
            progress(f"{side.name}: {done}/{len(due)} breaches notified")
        await asyncio.sleep(0.5)


# ---------------------------------------------------------------- the two sides


def bench_interaction(external_id: str) -> Interaction:
    now = datetime.now(UTC)
    return Interaction(
        id=Interaction.make_id(Platform.JSONL, ACCOUNT, external_id),
        platform=Platform.JSONL,
        account=ACCOUNT,
        external_id=external_id,
        kind=InteractionKind.COMMENT,
        author=Author(id=f"a-{external_id}", handle="bench", locale="fr-CA"),
        text=TEXT,
        created_at=now,
        received_at=now,
    )


def bench_policy(base: Policy, first_response: timedelta, pager: str) -> Policy:
    """Every interaction goes to a human at P4 on a 24/7 clock; a breach pages ``pager``."""
    return base.model_copy(
        update={
            "routing": [],
            "default": Outcome(route=Route.HUMAN, priority=Priority.P4),
            "sla": base.sla
            | {Priority.P4: SlaTarget(first_response=first_response, calendar=SlaCalendar.ALWAYS)},
            "escalation": [EscalationLevel(target=pager, after=NEXT_LEVEL_AFTER)],
        }
    )


def read_lines(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    entries = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            entries.append(json.loads(line))
        except ValueError:
            continue  # a line being written
    return entries


def millis(later: str, earlier: str) -> float:
    delta = datetime.fromisoformat(later) - datetime.fromisoformat(earlier)
    return delta.total_seconds() * 1000


def passerelle_side(folder: Path, breaches: int, sla: timedelta) -> Side:
    task_queue = f"timers-{uuid.uuid4().hex[:8]}"
    pagers = [f"pager-{k}" for k in range(max(1, math.ceil(breaches / PER_PAGER_FILE)))]
    files = [folder / f"{p}.jsonl" for p in pagers]
    targets = "\n".join(
        f'[targets.{p}]\nnotifier = "log"\noptions = {{ path = "{f.as_posix()}" }}\n'
        for p, f in zip(pagers, files, strict=True)
    )
    text = CONFIG.format(
        task_queue=task_queue,
        account=ACCOUNT,
        outbox=(folder / "outbox.jsonl").as_posix(),
        targets=targets,
    )
    config_path = folder / "passerelle.toml"
    config_path.write_text(text, encoding="utf-8")
    base = parse(text, str(config_path)).policy()
    idle_policy = bench_policy(base, IDLE_SLA, pagers[0])
    due_policies = [bench_policy(base, sla, p) for p in pagers]

    async def start(client: Client, index: int, breaching: bool) -> str:
        policy = due_policies[index % len(pagers)] if breaching else idle_policy
        delivery = await deliver(client, bench_interaction(f"t{index}"), policy, task_queue)
        if delivery.outcome is not DeliveryOutcome.STARTED:
            raise RuntimeError(f"{delivery.interaction_id}: {delivery.outcome}")
        return delivery.workflow_id

    def notifications() -> list[tuple[str, float]]:
        found = []
        for path in files:
            for line in read_lines(path):
                if line.get("reason") == "sla_breach" and line.get("deadline"):
                    found.append((line["workflow_id"], millis(line["sent_at"], line["deadline"])))
        return found

    command = [sys.executable, "-m", "passerelle", "worker"]
    return Side(
        name="passerelle",
        task_queue=task_queue,
        folder=folder,
        command=[*command, "--health-port", "0", "--metrics-port", "0"],
        env={**os.environ, "PASSERELLE_CONFIG": str(config_path)},
        start=start,
        notifications=notifications,
    )


def baseline_side(folder: Path, sla: timedelta) -> Side:
    task_queue = f"baseline-{uuid.uuid4().hex[:8]}"
    out = folder / "baseline.jsonl"

    async def start(client: Client, index: int, breaching: bool) -> str:
        deadline = datetime.now(UTC) + (sla if breaching else IDLE_SLA)
        handle = await client.start_workflow(
            baseline_timer.BaselineTimer.run,
            baseline_timer.TimerStart(deadline=deadline),
            id=f"baseline/{index}",
            task_queue=task_queue,
            id_conflict_policy=WorkflowIDConflictPolicy.FAIL,
        )
        return handle.id

    def notifications() -> list[tuple[str, float]]:
        return [(line["id"], millis(line["started"], line["deadline"])) for line in read_lines(out)]

    return Side(
        name="baseline",
        task_queue=task_queue,
        folder=folder,
        command=[sys.executable, "-m", "passerelle.bench.baseline_timer"],
        env={
            **os.environ,
            baseline_timer.OUT_ENV: str(out),
            baseline_timer.QUEUE_ENV: task_queue,
        },
        start=start,
        notifications=notifications,
    )


# ---------------------------------------------------------------- the bench


async def bench(
    n: int = 20_000,
    breaches: int = 1_000,
    rate: float = 20.0,
    idle_seconds: float = 10.0,
    window: int = 500,
    grace: float = 60.0,
    margin: float = 20.0,
    progress: Progress = lambda _: None,
) -> TimersBench:
    if not 0 < breaches <= n:
        raise ValueError(f"breaches must be between 1 and n ({n}), got {breaches}")
    if rate <= 0:
        raise ValueError(f"rate must be positive, got {rate}")
    began = time.monotonic()
    folder = Path(tempfile.mkdtemp(prefix="passerelle-bench-timers-"))
    sla = sla_for(breaches, rate, idle_seconds, margin)
    progress(f"files in {folder}; breaching SLA {sla.total_seconds():.0f}s")
    # Baseline first: it is the shorter side, and a failure there costs less time.
    baseline = await run_side(
        baseline_side(folder, sla), n, breaches, rate, idle_seconds, window, grace, margin, progress
    )
    ours = await run_side(
        passerelle_side(folder, breaches, sla),
        n,
        breaches,
        rate,
        idle_seconds,
        window,
        grace,
        margin,
        progress,
    )
    return TimersBench(
        n=n,
        breaches=breaches,
        breach_rate_per_second=rate,
        parked_per_second=ours.parked_per_second,
        worker_idle_cpu_percent=ours.worker_idle_cpu_percent,
        worker_rss_mib=ours.worker_rss_mib,
        lateness_ms=ours.lateness_ms,
        breaches_notified=ours.breaches_notified,
        lost=ours.lost,
        duplicate_notifications=ours.duplicate_notifications,
        baseline=baseline,
        passerelle=ours,
        seconds=round(time.monotonic() - began, 1),
        notes=(
            "each side on its own fresh dev server (a SQLite file), one after the other; "
            "parked_per_second is the bulk of n - breaches (classify, decide, wait for "
            "Passerelle; one timer for the baseline); idle CPU is % of one core; lateness is "
            "notification sent_at (baseline: activity start) - deadline for the breaches, "
            "which fall due at breach_rate_per_second while all n timers are pending; "
            "workflow cache: SDK default (1000)"
        ),
    )


def summary(result: TimersBench) -> list[tuple[str, Any]]:
    rows: list[tuple[str, Any]] = [
        (
            "interactions parked",
            f"{result.n} ({result.breaches} breach at {result.breach_rate_per_second:g}/s)",
        ),
    ]
    for label, side in (("passerelle", result.passerelle), ("bare baseline", result.baseline)):
        late = side.lateness_ms
        rows += [
            (f"{label}: load average", f"{side.load_average[0]} then {side.load_average[1]}"),
            (f"{label}: parked/s", side.parked_per_second),
            (f"{label}: idle CPU", f"{side.worker_idle_cpu_percent}% of a core"),
            (f"{label}: RSS", f"{side.worker_rss_mib} MiB (peak {side.worker_peak_rss_mib})"),
            (
                f"{label}: RSS while parking",
                ", ".join(f"{parked}: {rss}" for parked, rss in side.rss_while_parking) or "-",
            ),
            (f"{label}: lateness", f"p50 {late.p50} ms, p99 {late.p99} ms, max {late.max} ms"),
            (
                f"{label}: notified",
                f"{side.breaches_notified}/{side.breaches}, {side.lost} lost, "
                f"{side.duplicate_notifications} duplicates, {side.early_notifications} early",
            ),
        ]
    rows.append(("run time", f"{result.seconds:.0f}s"))
    return rows
