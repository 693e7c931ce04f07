"""``passerelle bench e2e``: interactions through their whole lifecycle on a real dev server,
against a bare workflow of the same shape on the same server, worker settings and run.

Each interaction is a praise comment that the built-in policy answers by itself: classify →
decide → reply (the ``jsonl`` connector's outbox is the fake platform) → answered → closed
after ``close_answered_after`` → the reopen window passes → record → the workflow completes.
No human is needed, so the whole lifecycle is timed and "done" means the workflow completed.

The baseline (``passerelle/bench/baseline_workflow.py``) replays the *shape* of a real
interaction's history, read from a warm-up interaction in the same run: the same activities
(no-op bodies) and the same timers, in the same order, hence the same number of workflow
tasks. The timers are kept because they are part of every interaction's life (without them the
baseline would finish up to two seconds per workflow sooner and the ratio would measure the
timers, not Passerelle). Each segment starts all N workflows of one side at once
(``concurrency`` start calls in flight) and is timed from the first start to the last close
time the server recorded; it has its own worker, task queue and outboxes, with the same
worker settings, alive only during that segment.

The segments run in rounds, A B then B A (``rounds``, default 2): on these shared 2-core
machines the speed drifts by ±15 % within minutes, and with one A then one B the side that ran
second took all of the drift (single runs at N=1,000 gave 0.71, 0.91 and 0.88 for the same
code). Each side's figures pool its segments; the JSON keeps each round's own ratio.

Correctness, checked on every run: every interaction must be replied to exactly once
(outbox grouped by account and ``in_reply_to``), closed as answered (its record line), and
its workflow completed. ``lost`` and ``duplicate_replies`` must be zero.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from temporalio import activity
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client
from temporalio.worker import Worker

from connecteurs.jsonl import read_outbox
from connecteurs.models import Author, Interaction, InteractionKind, Platform
from passerelle import devserver
from passerelle.bench.baseline_workflow import (
    NOOP_ACTIVITY,
    TIMER,
    BaselineStart,
    BaselineStep,
    BaselineWorkflow,
)
from passerelle.bench.machine import machine_facts
from passerelle.bench.measure import cpu_seconds, percentile
from passerelle.bytecode import ensure_bytecode
from passerelle.codec import LOCAL_ACTIVITY_MARKER
from passerelle.config import Config, parse
from passerelle.deliver import deliver
from passerelle.worker import build_runtime, create_worker, worker_settings

Progress = Callable[[str], None]

# Texts the built-in policy auto-answers (rule "praise", template "thanks"), French and
# English, so classification does its real work on more than one string.
PRAISE = (
    "Merci beaucoup pour cette vidéo, elle m'a vraiment aidée !",
    "Merci pour cette vidéo, ça m'a vraiment aidée cette semaine 🙏❤️",
    "Love this series, thank you so much for sharing it!",
    "Merci beaucoup pour cette vidéo, bravo !",
)
ANSWER_ACTIVITIES = ("reply", "send_direct_message")
WARM_UP = 10
# Two rounds, A B B A: the smallest order in which a steady drift of the machine's speed
# weighs on both sides alike (README, performance).
ROUNDS = 2
INTERACTIONS = "passerelle"
BASELINE = "bare"

CONFIG = """
task_queue = "{task_queue}"
close_answered_after = "{close_after}"
reopen_window = "{reopen_window}"
records = "{records}"
classify_locally = {classify_locally}

[worker]
reload_workflow_modules = {reload_modules}
"""

ACCOUNT = """
[[accounts]]
connector = "jsonl"
platform = "jsonl"
account = "{account}"
options = {{ outbox = "{outbox}" }}
"""


@dataclass
class Phase:
    """One side of the comparison: N workflows started at once, timed until the last closes."""

    workflows: int
    completed: int
    seconds: float
    start_seconds: float  # issuing the N start calls
    per_second: float
    p50_ms: float  # received → answered (the reply, or the baseline's stand-in for it)
    p99_ms: float
    worker_cpu_ms_per_workflow: float  # this process: worker, client, load generator
    server_cpu_ms_per_workflow: float | None


@dataclass
class Round:
    """One round's pair of segments (A B or B A)."""

    interactions_per_second: float
    baseline_per_second: float
    ratio: float


@dataclass
class E2EBench:
    n: int
    interactions_per_second: float
    baseline_per_second: float
    ratio: float
    # Bare CPU per workflow / interaction CPU per workflow (worker process + dev server):
    # what the ratio tends to when the machine is CPU-bound, and far less noisy than it
    # when other processes share the cores.
    cpu_ratio: float | None
    p50_ms: float
    p99_ms: float
    baseline_p50_ms: float
    baseline_p99_ms: float
    lost: int
    duplicate_replies: int
    completed: int
    baseline_completed: int
    lifecycle: list[str]
    classify_locally: bool  # the policy's: classification as a local activity
    accounts: int
    concurrency: int
    worker: dict[str, Any]
    interactions: Phase  # pooled over the rounds
    baseline: Phase
    order: list[str] = field(default_factory=list)  # the segments, in the order they ran
    rounds: list[Round] = field(default_factory=list)
    machine: dict[str, Any] = field(default_factory=machine_facts)
    notes: str = ""

    @property
    def ok(self) -> bool:
        bare_all_done = self.baseline_completed == self.baseline.workflows
        return self.lost == 0 and self.duplicate_replies == 0 and bare_all_done

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, ensure_ascii=False)


class NoopActivities:
    """The baseline's activity: does nothing but note when the "reply" step ran."""

    def __init__(self, answer_step: str) -> None:
        self.answer_step = answer_step
        self.answered_ms: dict[str, float] = {}

    @activity.defn(name=NOOP_ACTIVITY)
    async def noop(self, step: str, workflow_id: str, received_at: float) -> None:
        if step == self.answer_step:
            self.answered_ms.setdefault(workflow_id, (time.time() - received_at) * 1000)


def write_config(
    folder: Path,
    run: str,
    accounts: int,
    close_after: str,
    reopen: str,
    *,
    classify_locally: bool = True,
    reload_modules: bool = False,
) -> Config:
    """A config of its own: one task queue per run, ``accounts`` jsonl accounts (outboxes)."""
    text = CONFIG.format(
        task_queue=f"bench-e2e-{run}",
        close_after=close_after,
        reopen_window=reopen,
        records=(folder / "records.jsonl").as_posix(),
        classify_locally=str(classify_locally).lower(),
        reload_modules=str(reload_modules).lower(),
    )
    for index in range(accounts):
        outbox = (folder / f"outbox-{index}.jsonl").as_posix()
        text += ACCOUNT.format(account=f"bench-{index}", outbox=outbox)
    path = folder / "passerelle.toml"
    path.write_text(text, encoding="utf-8")
    return parse(text, str(path))


def make_interaction(account: str, external_id: str, text: str) -> Interaction:
    now = datetime.now(UTC)  # received now: the latency clock starts here
    return Interaction(
        id=Interaction.make_id(Platform.JSONL, account, external_id),
        platform=Platform.JSONL,
        account=account,
        external_id=external_id,
        kind=InteractionKind.COMMENT,
        author=Author(id=f"a-{external_id}", handle=f"fan{external_id}"),
        text=text,
        created_at=now,
        received_at=now,
    )


async def start_all(calls: list[Callable[[], Awaitable[None]]], concurrency: int) -> float:
    """Issue every start with ``concurrency`` in flight; returns how long that took."""
    queue = list(reversed(calls))

    async def starter() -> None:
        while queue:
            await queue.pop()()

    started = time.perf_counter()
    await asyncio.gather(*(starter() for _ in range(max(1, concurrency))))
    return time.perf_counter() - started


async def wait_closed(
    client: Client, task_queue: str, expected: int, timeout: float, progress: Progress, label: str
) -> tuple[int, datetime | None]:
    """Poll visibility until ``expected`` workflows of the queue are closed (or timeout);
    returns how many completed and the last close time the server recorded."""
    deadline = time.monotonic() + timeout
    said = time.monotonic()
    closed = 0
    while time.monotonic() < deadline:
        query = f"TaskQueue = '{task_queue}' AND ExecutionStatus != 'Running'"
        closed = (await client.count_workflows(query)).count
        if closed >= expected:
            break
        if time.monotonic() - said >= 5:
            progress(f"{label}: {closed}/{expected} closed")
            said = time.monotonic()
        await asyncio.sleep(0.25)
    completed = 0
    last: datetime | None = None
    async for execution in client.list_workflows(
        f"TaskQueue = '{task_queue}' AND ExecutionStatus = 'Completed'"
    ):
        completed += 1
        if execution.close_time is not None and (last is None or execution.close_time > last):
            last = execution.close_time
    return completed, last


def lifecycle_steps(events: list[Any]) -> list[BaselineStep]:
    """Activities and timers of one real interaction's history, in order.

    A local activity (classification) counts as an activity: the bare workflow runs it as an
    ordinary one, so both phases do the same number of activities, as the issue asks, and
    running it locally is one of the tunings this bench measures.
    """
    steps: list[BaselineStep] = []
    for event in events:
        if event.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
            name = event.activity_task_scheduled_event_attributes.activity_type.name
            steps.append(BaselineStep(kind="activity", name=name))
        elif (
            event.event_type == EventType.EVENT_TYPE_MARKER_RECORDED
            and event.marker_recorded_event_attributes.marker_name == LOCAL_ACTIVITY_MARKER
        ):
            data = event.marker_recorded_event_attributes.details["data"].payloads[0].data
            name = str(json.loads(data).get("activity_type", "local"))
            steps.append(BaselineStep(kind="activity", name=name))
        elif event.event_type == EventType.EVENT_TYPE_TIMER_STARTED:
            fire = event.timer_started_event_attributes.start_to_fire_timeout
            steps.append(BaselineStep(kind=TIMER, seconds=fire.ToTimedelta().total_seconds()))
    return steps


def describe(steps: list[BaselineStep]) -> list[str]:
    return [f"timer:{s.seconds:g}s" if s.kind == TIMER else f"activity:{s.name}" for s in steps]


def server_pids() -> list[int]:
    """This process's children (the dev server), to read their CPU time; Linux only."""
    me = os.getpid()
    found = []
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        if ppid == me:
            found.append(int(entry.name))
    return found


def cpu_now(pids: list[int]) -> tuple[float, float | None]:
    """(this process's CPU seconds, the dev server's) so far."""
    times = os.times()
    server = [cpu_seconds(pid) for pid in pids]
    known = [s for s in server if s is not None]
    return times.user + times.system, sum(known) if known and len(known) == len(server) else None


def phase_result(
    workflows: int,
    completed: int,
    begun: datetime,
    last_close: datetime | None,
    start_seconds: float,
    latencies: list[float],
    cpu_before: tuple[float, float | None],
    cpu_after: tuple[float, float | None],
) -> Phase:
    seconds = (last_close - begun).total_seconds() if last_close else float("nan")
    server = (
        round((cpu_after[1] - cpu_before[1]) * 1000 / workflows, 2)
        if cpu_after[1] is not None and cpu_before[1] is not None
        else None
    )
    return Phase(
        workflows=workflows,
        completed=completed,
        seconds=round(seconds, 3),
        start_seconds=round(start_seconds, 3),
        per_second=round(completed / seconds, 1) if seconds > 0 else 0.0,
        p50_ms=round(percentile(latencies, 0.5), 1),
        p99_ms=round(percentile(latencies, 0.99), 1),
        worker_cpu_ms_per_workflow=round((cpu_after[0] - cpu_before[0]) * 1000 / workflows, 2),
        server_cpu_ms_per_workflow=server,
    )


async def bench(
    n: int = 1000,
    *,
    accounts: int = 10,
    concurrency: int = 50,
    close_after: str = "1s",
    reopen_window: str = "1s",
    worker_options: dict[str, Any] | None = None,
    timeout: float | None = None,
    classify_locally: bool = True,
    reload_modules: bool = False,
    warm_up: int = WARM_UP,
    rounds: int = ROUNDS,
    client: Client | None = None,
    progress: Progress = lambda _: None,
) -> E2EBench:
    """Run both sides ``rounds`` times; ``client`` None starts an in-memory dev server."""
    env = await devserver.start(None, port=None) if client is None else None
    client = env.client if env is not None else client
    assert client is not None
    try:
        return await _bench(
            client,
            Settings(
                n=n,
                accounts=max(1, accounts),
                concurrency=concurrency,
                close_after=close_after,
                reopen_window=reopen_window,
                worker_options=worker_options or {},
                timeout=timeout if timeout is not None else 120 + n * 0.2,
                classify_locally=classify_locally,
                warm_up=max(1, warm_up),
                reload_modules=reload_modules,
            ),
            rounds=max(1, rounds),
            progress=progress,
        )
    finally:
        if env is not None:
            await env.shutdown()


@dataclass(frozen=True)
class Settings:
    n: int
    accounts: int
    concurrency: int
    close_after: str
    reopen_window: str
    worker_options: dict[str, Any]
    timeout: float
    classify_locally: bool
    warm_up: int
    reload_modules: bool = False


@dataclass
class Segment:
    """One side's N workflows, timed: what a phase pools over the rounds."""

    phase: Phase
    latencies: list[float]
    lost: int = 0
    duplicate_replies: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)


def segment_order(rounds: int) -> list[str]:
    """A B, B A, A B…: each round swaps which side goes first, so with an even number of
    rounds a drift of the machine's speed during the run (another process, a warming
    server) weighs on both sides alike instead of on whichever ran second."""
    order: list[str] = []
    for index in range(rounds):
        pair = [INTERACTIONS, BASELINE]
        order += pair if index % 2 == 0 else pair[::-1]
    return order


async def _bench(client: Client, settings: Settings, rounds: int, progress: Progress) -> E2EBench:
    run = uuid.uuid4().hex[:8]
    root = Path(tempfile.mkdtemp(prefix="passerelle-bench-e2e-"))
    pids = server_pids()
    order = segment_order(rounds)
    ours: list[Segment] = []
    bare: list[Segment] = []
    steps: list[BaselineStep] = []
    worker: dict[str, Any] = {}
    for index, side in enumerate(order):
        label = f"[{index + 1}/{len(order)}] {side}"
        if side == INTERACTIONS:
            folder = root / f"segment-{index + 1}"
            folder.mkdir()
            segment, steps, worker = await interactions_segment(
                client, settings, folder, f"{run}-{index + 1}", pids, label, progress
            )
            ours.append(segment)
        else:
            segment = await baseline_segment(
                client, settings, steps, f"{run}-{index + 1}", worker, pids, label, progress
            )
            bare.append(segment)
        progress(f"{label}: {segment.phase.per_second}/s")

    interactions = pooled([s.phase for s in ours], [x for s in ours for x in s.latencies])
    baseline = pooled([s.phase for s in bare], [x for s in bare for x in s.latencies])
    outcomes: Counter[str] = sum((s.outcomes for s in ours), Counter())
    lost = sum(s.lost for s in ours)
    return E2EBench(
        n=settings.n,
        interactions_per_second=interactions.per_second,
        baseline_per_second=baseline.per_second,
        ratio=rate_ratio(interactions, baseline),
        cpu_ratio=cpu_ratio(interactions, baseline),
        p50_ms=interactions.p50_ms,
        p99_ms=interactions.p99_ms,
        baseline_p50_ms=baseline.p50_ms,
        baseline_p99_ms=baseline.p99_ms,
        lost=lost,
        duplicate_replies=sum(s.duplicate_replies for s in ours),
        completed=interactions.completed,
        baseline_completed=baseline.completed,
        lifecycle=describe(steps),
        classify_locally=settings.classify_locally,
        accounts=settings.accounts,
        concurrency=settings.concurrency,
        worker={k: str(v) if not isinstance(v, int) else v for k, v in worker.items()}
        | {"workflow_runner": "reload" if settings.reload_modules else "shared"},
        interactions=interactions,
        baseline=baseline,
        order=order,
        rounds=[
            Round(
                interactions_per_second=a.phase.per_second,
                baseline_per_second=b.phase.per_second,
                ratio=rate_ratio(a.phase, b.phase),
            )
            for a, b in zip(ours, bare, strict=True)
        ],
        notes=(
            f"{len(order)} segments in the order {', '.join(order)}; each side's figures pool "
            "its segments (completed over summed seconds, latencies together); each segment "
            "starts its N workflows at once and is timed from the first start to the last "
            "close time; p50/p99: received_at → the reply's `at` in the outbox (baseline: "
            "start → its reply-step no-op), under that burst; the baseline replays one "
            "interaction's activities and timers with no-op bodies; worker, client and dev "
            f"server share the machine; starts outcomes {dict(outcomes)}"
        ),
    )


async def interactions_segment(
    client: Client,
    settings: Settings,
    folder: Path,
    run: str,
    pids: list[int],
    label: str,
    progress: Progress,
) -> tuple[Segment, list[BaselineStep], dict[str, Any]]:
    """N interactions through a worker of their own, on a task queue and outboxes of their
    own; returns the segment, the lifecycle's steps and the worker settings used."""
    n, warm_up, timeout = settings.n, settings.warm_up, settings.timeout
    config = write_config(
        folder,
        run,
        settings.accounts,
        settings.close_after,
        settings.reopen_window,
        classify_locally=settings.classify_locally,
        reload_modules=settings.reload_modules,
    )
    policy = config.policy()
    names = [a.account for a in config.accounts]
    # Message ids unique to the segment: a repeated one would be a duplicate delivery.
    warm, measure = f"w{run}-", f"e{run}-"
    received: dict[tuple[str, str], datetime] = {}
    outcomes: Counter[str] = Counter()

    def interaction_call(index: int, prefix: str) -> Callable[[], Awaitable[None]]:
        account = names[index % len(names)]
        external_id = f"{prefix}{index}"

        async def call() -> None:
            interaction = make_interaction(account, external_id, PRAISE[index % len(PRAISE)])
            received[(account, external_id)] = interaction.received_at
            delivery = await deliver(client, interaction, policy, config.task_queue)
            outcomes[delivery.outcome.value] += 1

        return call

    options = settings.worker_options
    async with create_worker(client, config, build_runtime(config), **options):
        progress(f"{label}: warm-up, {warm_up} interactions (sandbox, classifier, connector)")
        await start_all([interaction_call(i, warm) for i in range(warm_up)], settings.concurrency)
        await wait_closed(client, config.task_queue, warm_up, timeout, progress, label)
        first = make_interaction(names[0], f"{warm}0", PRAISE[0])
        history = await client.get_workflow_handle(first.workflow_id).fetch_history()
        steps = lifecycle_steps(list(history.events))
        progress(f"{label}: lifecycle of one interaction: {', '.join(describe(steps))}")

        progress(f"{label}: starting {n} ({settings.concurrency} start calls in flight)")
        cpu_before = cpu_now(pids)
        begun = datetime.now(UTC)
        calls = [interaction_call(i, measure) for i in range(n)]
        start_seconds = await start_all(calls, settings.concurrency)
        progress(f"{label}: {n} started in {start_seconds:.1f}s, waiting for them to close")
        completed, last_close = await wait_closed(
            client, config.task_queue, warm_up + n, timeout, progress, label
        )
        cpu_after = cpu_now(pids)
    completed -= warm_up

    replies = [
        entry
        for index in range(settings.accounts)
        for entry in read_outbox(folder / f"outbox-{index}.jsonl")
        if entry.get("action") in ANSWER_ACTIVITIES
    ]
    per_target = Counter((str(e["account"]), str(e["in_reply_to"])) for e in replies)
    duplicate_replies = sum(count - 1 for count in per_target.values() if count > 1)
    answered: dict[tuple[str, str], datetime] = {}
    for entry in replies:
        key = (str(entry["account"]), str(entry["in_reply_to"]))
        answered.setdefault(key, datetime.fromisoformat(str(entry["at"])))
    closed: set[tuple[str, str]] = set()
    records = folder / "records.jsonl"
    for line in records.read_text(encoding="utf-8").splitlines() if records.exists() else []:
        summary = json.loads(line)["summary"]
        if summary.get("state") == "closed" and summary.get("resolution") == "answered":
            _, account, external_id = str(summary["id"]).split(":", 2)
            closed.add((account, external_id))
    measured = [k for k in received if k[1].startswith(measure)]
    done = [k for k in measured if k in answered and k in closed]
    latencies = [(answered[k] - received[k]).total_seconds() * 1000 for k in done]
    phase = phase_result(
        n, completed, begun, last_close, start_seconds, latencies, cpu_before, cpu_after
    )
    segment = Segment(
        phase=phase,
        latencies=latencies,
        lost=n - len(done),
        duplicate_replies=duplicate_replies,
        outcomes=outcomes,
    )
    # The bare workflow's worker gets the same settings, its own module in the sandbox's
    # place of ours.
    return segment, steps, worker_settings(config, [BaselineWorkflow]) | options


async def baseline_segment(
    client: Client,
    settings: Settings,
    steps: list[BaselineStep],
    run: str,
    worker: dict[str, Any],
    pids: list[int],
    label: str,
    progress: Progress,
) -> Segment:
    """N bare workflows of the lifecycle's shape, on a worker with the same settings."""
    n, warm_up, timeout = settings.n, settings.warm_up, settings.timeout
    answer_step = next((s.name for s in steps if s.name in ANSWER_ACTIVITIES), "")
    noop = NoopActivities(answer_step)
    queue = f"bench-e2e-{run}-baseline"

    def baseline_call(index: int, prefix: str) -> Callable[[], Awaitable[None]]:
        async def call() -> None:
            await client.start_workflow(
                BaselineWorkflow.run,
                BaselineStart(steps=steps, received_at=time.time()),
                id=f"bench-baseline/{run}/{prefix}{index}",
                task_queue=queue,
            )

        return call

    # The same bytecode treatment as create_worker gives the lifecycle's modules.
    ensure_bytecode([sys.modules[BaselineWorkflow.__module__]])
    async with Worker(
        client, task_queue=queue, workflows=[BaselineWorkflow], activities=[noop.noop], **worker
    ):
        progress(f"{label}: warm-up, {warm_up} bare workflows")
        await start_all([baseline_call(i, "w") for i in range(warm_up)], settings.concurrency)
        await wait_closed(client, queue, warm_up, timeout, progress, label)
        noop.answered_ms.clear()

        progress(f"{label}: starting {n} bare workflows of the same shape")
        cpu_before = cpu_now(pids)
        begun = datetime.now(UTC)
        calls = [baseline_call(i, "e") for i in range(n)]
        start_seconds = await start_all(calls, settings.concurrency)
        completed, last = await wait_closed(client, queue, warm_up + n, timeout, progress, label)
        cpu_after = cpu_now(pids)
    latencies = list(noop.answered_ms.values())
    phase = phase_result(
        n, completed - warm_up, begun, last, start_seconds, latencies, cpu_before, cpu_after
    )
    return Segment(phase=phase, latencies=latencies)


def pooled(phases: list[Phase], latencies: list[float]) -> Phase:
    """One side over its segments: completed over summed seconds, CPU weighted by workflows,
    percentiles over every latency."""
    workflows = sum(p.workflows for p in phases)
    completed = sum(p.completed for p in phases)
    seconds = sum(p.seconds for p in phases)
    servers = [p.server_cpu_ms_per_workflow for p in phases]
    known = [s for s in servers if s is not None]
    return Phase(
        workflows=workflows,
        completed=completed,
        seconds=round(seconds, 3),
        start_seconds=round(sum(p.start_seconds for p in phases), 3),
        per_second=round(completed / seconds, 1) if seconds > 0 else 0.0,
        p50_ms=round(percentile(latencies, 0.5), 1),
        p99_ms=round(percentile(latencies, 0.99), 1),
        worker_cpu_ms_per_workflow=round(
            sum(p.worker_cpu_ms_per_workflow * p.workflows for p in phases) / workflows, 2
        ),
        server_cpu_ms_per_workflow=(
            round(sum(s * p.workflows for s, p in zip(known, phases, strict=True)) / workflows, 2)
            if len(known) == len(phases)
            else None
        ),
    )


def rate_ratio(interactions: Phase, baseline: Phase) -> float:
    """Passerelle's throughput over the bare workflow's (0 when the bare side did nothing)."""
    if not baseline.per_second:
        return 0.0
    return round(interactions.per_second / baseline.per_second, 3)


def cpu_ratio(interactions: Phase, baseline: Phase) -> float | None:
    if (
        interactions.server_cpu_ms_per_workflow is None
        or baseline.server_cpu_ms_per_workflow is None
    ):
        return None
    spent = interactions.worker_cpu_ms_per_workflow + interactions.server_cpu_ms_per_workflow
    bare = baseline.worker_cpu_ms_per_workflow + baseline.server_cpu_ms_per_workflow
    return round(bare / spent, 3) if spent > 0 else None


def summary(result: E2EBench) -> list[tuple[str, Any]]:
    i, b = result.interactions, result.baseline
    return [
        ("interactions", result.n),
        ("lifecycle", ", ".join(result.lifecycle)),
        ("classification", "local activity" if result.classify_locally else "activity"),
        ("lost", result.lost),
        ("duplicate replies", result.duplicate_replies),
        ("interactions/s", f"{result.interactions_per_second} ({i.seconds}s)"),
        ("bare workflows/s", f"{result.baseline_per_second} ({b.seconds}s)"),
        ("ratio", f"{result.ratio} (target ≥ 0.9)"),
        ("order", " ".join("A" if side == INTERACTIONS else "B" for side in result.order)),
        ("ratio per round", ", ".join(f"{r.ratio}" for r in result.rounds)),
        ("CPU ratio", result.cpu_ratio),
        ("received → answered", f"p50 {result.p50_ms} ms, p99 {result.p99_ms} ms"),
        ("bare start → reply step", f"p50 {b.p50_ms} ms, p99 {b.p99_ms} ms"),
        (
            "worker CPU/workflow",
            f"{i.worker_cpu_ms_per_workflow} ms (bare {b.worker_cpu_ms_per_workflow} ms)",
        ),
        (
            "server CPU/workflow",
            f"{i.server_cpu_ms_per_workflow} ms (bare {b.server_cpu_ms_per_workflow} ms)",
        ),
        ("starts issued in", f"{i.start_seconds}s (bare {b.start_seconds}s)"),
    ]
