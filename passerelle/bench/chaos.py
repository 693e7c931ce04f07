"""``passerelle bench chaos``: interactions fed to ``passerelle worker`` processes while the
bench breaks things, then every interaction is checked end to end.

Faults injected during the feed, at seeded random points:

- a worker process is SIGKILLed and a new one started (its in-flight activities move to
  another worker only when their 60 s start-to-close timeout expires: this sets the run's
  length, not the load);
- the dev server (SQLite persistence) is stopped and started again on the same port and
  file; deliveries meanwhile fail and are retried, as a platform retries a webhook;
- a share of events is delivered a second time (``deliver`` must answer ``duplicate``);
- the platform (:mod:`passerelle.bench.chaos_platform`, loaded by the workers as the
  ``chaos`` connector plugin) answers 429, 500 or a timeout after writing to a share of calls.

Then: every interaction in its expected final state (crises stay escalated until the bench
closes them as a human would), none lost, no reply, moderation or notification doubled on
the fake platform's log. The same pipeline without any fault runs first on the same server
(the "calm" baseline): the ratio of the two durations is what the faults cost.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import random
import signal
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable, Coroutine, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from temporalio.api.enums.v1 import TaskQueueType
from temporalio.api.taskqueue.v1 import TaskQueue
from temporalio.api.workflowservice.v1 import DescribeTaskQueueRequest
from temporalio.client import Client, WorkflowExecutionStatus
from temporalio.testing import WorkflowEnvironment

from connecteurs.jsonl import read_outbox
from connecteurs.models import Author, Category, Interaction, InteractionKind, Platform
from passerelle import devserver, operations
from passerelle.bench.chaos_platform import plugin_site, read_faults
from passerelle.bench.machine import machine_facts
from passerelle.config import Config, parse
from passerelle.deliver import Outcome, deliver
from passerelle.gateway.serve import GATEWAY_RETRY
from passerelle.temporal import connect
from workflows.interaction import InteractionWorkflow
from workflows.models import InteractionStatus, State

Progress = Callable[[str], None]
T = TypeVar("T")


@dataclass(frozen=True)
class Kind:
    texts: tuple[str, ...]
    category: Category
    resolution: str  # how it ends ("handled": closed by the bench, as a human would)
    actions: tuple[str, ...]  # platform actions its outbox must hold, once each
    notified: bool = False  # paged once (crisis protocol), level None


KINDS = {
    "praise": Kind(
        (
            "Merci beaucoup pour cette vidéo, elle m'a vraiment aidée !",
            "Love this series, thank you so much for sharing it!",
            "Thanks a lot for the great workshop, it really helped me!",
        ),
        Category.PRAISE,
        "answered",
        ("reply",),
    ),
    "spam": Kind(
        (
            "🔥 Gagnez 500$ en bitcoin !!! https://bit.ly/x https://t.co/y",
            "🔥 Gagnez 500$ par jour avec le bitcoin !!! Cliquez ici https://bit.ly/gain-rapide",
        ),
        Category.SPAM,
        "moderated",
        ("hide",),
    ),
    "abuse": Kind(
        (
            "T'es vraiment un gros con, ferme ta gueule",
            "T'es vraiment un gros con, ta page c'est de la merde, ferme ta gueule",
        ),
        Category.ABUSE,
        "moderated",
        ("hide",),
    ),
    "crisis": Kind(
        (
            "Je n'en peux plus, j'ai envie d'en finir avec la vie.",
            "I can't do this anymore, I want to end my life tonight.",
        ),
        Category.CRISIS,
        "handled",
        ("direct_message",),
        notified=True,
    ),
}
# 7 praise, 2 spam, 2 abuse, 1 crisis out of every 12 (as tests/integration/test_scaling.py)
MIX = ("crisis", "spam", "abuse", *["praise"] * 4, "spam", "abuse", *["praise"] * 3)

CONFIG = """
task_queue = "{task_queue}"
records = "{records}"
# Answered interactions close after 1 s and stay open to follow-ups 2 s: the run ends soon.
close_answered_after = "1s"
reopen_window = "2s"

[[accounts]]
connector = "chaos"
platform = "jsonl"
account = "{account}"
options = {{ outbox = "{outbox}", seed = {seed}, fault_rate = {fault_rate}, faults = "{faults}", \
latency = {latency}, in_flight = "{in_flight}" }}

{targets}
[sla.P1]
first_response = "15m"
[sla.P2]
first_response = "1h"
[sla.P3]
first_response = "4h"
[sla.P4]
first_response = "1d"
"""
TARGET = '[targets.{name}]\nnotifier = "log"\noptions = {{ path = "{path}" }}\n'


@dataclass
class Phase:
    """One run of the pipeline: the calm baseline or the chaos run."""

    interactions: int
    lost: int
    duplicate_replies: int
    duplicate_notifications: int
    duration_s: float  # first delivery to every interaction ended
    feed_s: float  # first to last delivery
    settle_s: float  # last delivery to every non-crisis interaction ended
    faults: dict[str, int] = field(default_factory=dict)
    checks: dict[str, int] = field(default_factory=dict)
    examples: dict[str, list[str]] = field(default_factory=dict)  # a few ids per failed check
    server_resume_s: list[float] = field(default_factory=list)  # restart to the next action


@dataclass
class ChaosBench:
    interactions: int
    lost: int
    duplicate_replies: int
    duplicate_notifications: int
    faults: dict[str, int]
    checks: dict[str, int]
    duration_s: float
    settle_s: float
    baseline_duration_s: float | None
    ratio: float | None  # chaos duration / calm duration, same pipeline, same run
    workers: int
    seed: int
    rate_per_second: float
    platform_latency_s: float
    machine: dict[str, Any]
    baseline: Phase | None = None
    examples: dict[str, list[str]] = field(default_factory=dict)
    server_resume_s: list[float] = field(default_factory=list)
    total_s: float = 0.0  # the whole bench, server start to report
    notes: str = ""

    @property
    def ok(self) -> bool:
        failed = (
            self.checks.get("wrong_state", 0) + self.checks.get("redeliveries_started", 0)
            if self.checks
            else 0
        )
        calm = self.baseline
        calm_bad = calm is not None and (
            calm.lost + calm.duplicate_replies + calm.duplicate_notifications > 0
            or calm.checks.get("wrong_state", 0) > 0
        )
        return (
            self.lost == 0
            and self.duplicate_replies == 0
            and self.duplicate_notifications == 0
            and self.checks.get("duplicate_moderations", 0) == 0
            and failed == 0
            and not calm_bad
        )

    def to_json(self) -> str:
        return json.dumps(asdict(self) | {"ok": self.ok}, indent=2, ensure_ascii=False)


@dataclass(frozen=True)
class Chaos:
    """What to break during a phase (all zero: the calm baseline)."""

    kills: int = 0
    server_restarts: int = 0
    redeliver_share: float = 0.0
    fault_rate: float = 0.0
    restart_delay: float = 0.5  # seconds between a SIGKILL and the replacement worker
    server_downtime: float = 2.0  # seconds the dev server stays down


@contextmanager
def stderr_to(log_file: Path) -> Iterator[None]:
    """The server inherits our stderr when it starts: under this load it logs an ERROR line
    per slow SQLite write, which would drown the bench's progress lines; its log keeps them."""
    sys.stderr.flush()
    saved = os.dup(2)
    target = os.open(log_file, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    try:
        os.dup2(target, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(target)


class Server:
    """The dev server on a fixed port and SQLite file, which the bench stops and restarts."""

    def __init__(self, folder: Path) -> None:
        self.database = folder / "temporal.db"
        self.log = folder / "temporal.log"
        self.port = devserver.free_port()
        self.env: WorkflowEnvironment | None = None

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    async def start(self) -> None:
        deadline = time.monotonic() + 30
        # The old process may hold the port a moment after it exits.
        while True:
            if devserver.port_is_free(self.port) or time.monotonic() > deadline:
                break
            await asyncio.sleep(0.2)
        with stderr_to(self.log):
            env = await devserver.start(self.database, port=self.port, log_file=self.log)
        if env.client.service_client.config.target_host != self.address:
            await env.shutdown()
            raise RuntimeError(f"the dev server could not get its port {self.port} back")
        self.env = env

    async def stop(self) -> None:
        if self.env is not None:
            env, self.env = self.env, None
            await env.shutdown()


class Fleet:
    """``passerelle worker`` processes; one that dies unasked (the server went away under
    it) is started again, as a process supervisor would."""

    def __init__(self, size: int, env: dict[str, str], folder: Path, progress: Progress) -> None:
        self.env, self.folder, self.progress = env, folder, progress
        self.slots: list[asyncio.subprocess.Process | None] = [None] * size
        self.busy: set[int] = set()  # slots being killed and restarted on purpose
        self.kills = 0
        self.unasked_exits = 0
        self.started = 0
        self.stopping = False
        self._watch: asyncio.Task[None] | None = None

    async def start(self) -> None:
        for slot in range(len(self.slots)):
            await self._spawn(slot)
        self._watch = asyncio.create_task(self._supervise())

    async def _spawn(self, slot: int) -> None:
        with (self.folder / f"worker-{slot}.log").open("ab") as log:
            self.slots[slot] = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "passerelle",
                "worker",
                "--health-port",
                "0",
                "--metrics-port",
                "0",
                env=self.env,
                cwd=self.folder,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=log,
                stderr=asyncio.subprocess.STDOUT,
            )
        self.started += 1

    async def _supervise(self) -> None:
        while not self.stopping:
            for slot, process in enumerate(self.slots):
                if slot in self.busy or process is None or process.returncode is None:
                    continue
                self.unasked_exits += 1
                self.progress(f"worker {slot} exited ({process.returncode}): starting another")
                await asyncio.sleep(1.0)  # e.g. the server is down: do not spin
                if not self.stopping:
                    await self._spawn(slot)
            await asyncio.sleep(0.3)

    async def ready(self, client: Client, task_queue: str, timeout: float) -> None:
        """Until every worker polls both the workflow and the activity task queue."""
        deadline = time.monotonic() + timeout
        while True:
            pids = {p.pid for p in self.slots if p is not None}
            try:
                if pids <= await polling_pids(client, task_queue):
                    return
            except Exception:
                pass  # the server is restarting
            if time.monotonic() > deadline:
                raise RuntimeError(f"workers not polling after {timeout:g}s\n{self.tails()}")
            await asyncio.sleep(0.2)

    async def kill(self, slot: int, restart_delay: float) -> int:
        """SIGKILL the worker in ``slot`` and start another; returns the killed pid."""
        self.busy.add(slot)
        try:
            process = self.slots[slot]
            assert process is not None
            pid = process.pid
            if process.returncode is None:
                process.send_signal(signal.SIGKILL)
                self.kills += 1
            await process.wait()
            await asyncio.sleep(restart_delay)
            await self._spawn(slot)
            return pid
        finally:
            self.busy.discard(slot)

    async def stop(self) -> None:
        self.stopping = True
        if self._watch is not None:
            self._watch.cancel()
        for process in self.slots:
            if process is not None and process.returncode is None:
                process.terminate()
        for process in self.slots:
            if process is None:
                continue
            try:
                await asyncio.wait_for(process.wait(), 15)
            except TimeoutError:
                process.kill()
                await process.wait()

    def tails(self, lines: int = 15) -> str:
        parts = []
        for slot in range(len(self.slots)):
            path = self.folder / f"worker-{slot}.log"
            text = path.read_text(errors="replace") if path.exists() else ""
            parts.append(f"--- worker {slot}:\n" + "\n".join(text.splitlines()[-lines:]))
        return "\n".join(parts)


async def polling_pids(client: Client, task_queue: str) -> set[int]:
    """The pids of the worker processes polling both the workflow and the activity queue
    (a worker's identity is ``pid@host``)."""
    found: list[set[int]] = []
    for queue_type in (
        TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
        TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY,
    ):
        response = await client.workflow_service.describe_task_queue(
            DescribeTaskQueueRequest(
                namespace=client.namespace,
                task_queue=TaskQueue(name=task_queue),
                task_queue_type=queue_type,
            )
        )
        found.append({pid_of(p.identity) for p in response.pollers})
    return found[0] & found[1]


def pid_of(identity: str) -> int:
    head = identity.split("@", 1)[0]
    return int(head) if head.isdigit() else -1


async def gather_limited(coroutines: list[Coroutine[Any, Any, T]], limit: int = 16) -> list[T]:
    semaphore = asyncio.Semaphore(limit)

    async def one(coroutine: Coroutine[Any, Any, T]) -> T:
        async with semaphore:
            return await coroutine

    return await asyncio.gather(*(one(c) for c in coroutines))


async def retrying(call: Callable[[], Awaitable[T]], timeout: float, what: str) -> T:
    """``call`` until it answers: the server may be restarting under the bench."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return await call()
        except Exception:
            if time.monotonic() > deadline:
                raise RuntimeError(f"gave up on {what} after {timeout:g}s") from None
            await asyncio.sleep(0.3)


async def count(client: Client, query: str) -> int:
    return (await retrying(lambda: client.count_workflows(query), 60, "count")).count


def kind_of(index: int) -> str:
    return MIX[index % len(MIX)]


def make_interaction(account: str, index: int) -> Interaction:
    kind = KINDS[kind_of(index)]
    external_id = f"c{index:05d}"
    now = datetime.now(UTC)
    return Interaction(
        id=Interaction.make_id(Platform.JSONL, account, external_id),
        platform=Platform.JSONL,
        account=account,
        external_id=external_id,
        kind=InteractionKind.COMMENT,
        author=Author(id=f"id-user{index}", handle=f"user{index}"),
        text=kind.texts[index % len(kind.texts)],
        created_at=now,
        received_at=now,
    )


def schedule(total: int, share: float, rng: random.Random) -> list[tuple[int, bool]]:
    """Deliveries in sending order, (index, is a redelivery): ``share`` of the events come
    again a little later, as a platform that missed (or ignored) the first 200 resends."""
    order: list[tuple[int, bool]] = [(i, False) for i in range(total)]
    again = sorted(rng.sample(range(total), round(total * share)), reverse=True)
    for index in again:
        position = min(len(order), index + 1 + rng.randrange(1, 40))
        order.insert(position, (index, True))
    return order


@dataclass
class Files:
    folder: Path
    outbox: Path
    notifications: Path
    faults: Path
    in_flight: Path
    config: Path


def write_config(
    folder: Path, name: str, seed: int, fault_rate: float, latency: float
) -> tuple[Config, Files]:
    run = uuid.uuid4().hex[:8]
    base = folder / name
    base.mkdir(parents=True, exist_ok=True)
    files = Files(
        folder=base,
        outbox=base / "outbox.jsonl",
        notifications=base / "notifications.jsonl",
        faults=base / "faults.jsonl",
        in_flight=base / "in-flight",
        config=base / "passerelle.toml",
    )
    notifications = files.notifications.as_posix()
    text = CONFIG.format(
        task_queue=f"chaos-{name}-{run}",
        records=(base / "records.jsonl").as_posix(),
        account=f"{name}-s{seed}",  # idempotency keys, hence fault draws, repeat per seed
        outbox=files.outbox.as_posix(),
        seed=seed,
        fault_rate=fault_rate,
        latency=latency,
        in_flight=files.in_flight.as_posix(),
        faults=files.faults.as_posix(),
        targets="\n".join(
            TARGET.format(name=t, path=notifications) for t in ("on-call", "team-lead", "manager")
        ),
    )
    files.config.write_text(text, encoding="utf-8")
    return parse(text, str(files.config)), files


async def run_phase(
    name: str,
    server: Server,
    client: Client,
    folder: Path,
    *,
    n: int,
    workers: int,
    rate: float,
    seed: int,
    latency: float,
    chaos: Chaos,
    settle_timeout: float,
    progress: Progress,
) -> Phase:
    rng = random.Random(seed)
    config, files = write_config(folder, name, seed, chaos.fault_rate, latency)
    policy = config.policy()
    task_queue = config.task_queue
    account = config.accounts[0].account
    interactions = [make_interaction(account, i) for i in range(n)]
    order = schedule(n, chaos.redeliver_share, rng)
    site = plugin_site(folder / "site")
    env = {
        **os.environ,
        "PASSERELLE_CONFIG": str(files.config),
        "TEMPORAL_ADDRESS": server.address,
        "TEMPORAL_NAMESPACE": "default",
        "PYTHONPATH": os.pathsep.join([str(site), *filter(None, [os.environ.get("PYTHONPATH")])]),
    }
    env.pop("PASSERELLE_DISABLE_PLUGIN_AUTOLOAD", None)  # the chaos connector is a plugin
    fleet = Fleet(workers, env, files.folder, progress)
    await fleet.start()
    # Feeding before the workers poll would only queue work: kills would hit idle processes.
    await fleet.ready(client, task_queue, timeout=120)

    faults: Counter[str] = Counter()
    outcomes: dict[int, list[Outcome]] = {i: [] for i in range(n)}
    redelivered: list[Outcome] = []
    accepted = {i: asyncio.Event() for i in range(n)}
    sent = 0

    async def one(index: int, again: bool) -> None:
        if again:  # a platform resends only what it already sent once
            await accepted[index].wait()
        attempts = 0
        while True:
            attempts += 1
            try:
                delivery = await deliver(client, interactions[index], policy, task_queue)
                break
            except Exception:  # the server is down: the platform retries later
                faults["delivery_retries"] += 1
                if attempts > 600:
                    raise
                await asyncio.sleep(0.5)
        (redelivered if again else outcomes[index]).append(delivery.outcome)
        accepted[index].set()

    # Faults at seeded points of the feed: kills in one lane, server restarts in another, so
    # a slow kill (waiting for a busy worker) does not push a restart past the feed.
    kill_points = sorted(rng.uniform(0.1, 0.9) for _ in range(chaos.kills))
    restart_points = sorted(rng.uniform(0.15, 0.85) for _ in range(chaos.server_restarts))

    watchers: list[asyncio.Task[None]] = []
    resume_delays: list[float] = []

    async def resumed(since: float) -> None:
        # How long the workers take to act again once the server is back: the platform's
        # log grows again (the workers reconnect by themselves; this is their backoff).
        def size() -> int:
            return files.outbox.stat().st_size if files.outbox.exists() else 0

        before = size()
        while True:
            if size() != before:
                break
            await asyncio.sleep(0.2)
        resume_delays.append(round(time.monotonic() - since, 1))

    async def busy_slot(default: int) -> int:
        """A worker with a platform call under way (waiting up to 5 s for one), else any."""
        until = time.monotonic() + 5
        while time.monotonic() < until:
            calls = [p.name.split("-", 1)[0] for p in files.in_flight.glob("*-*")]
            pids = {str(p.pid): slot for slot, p in enumerate(fleet.slots) if p is not None}
            busy = sorted({pids[pid] for pid in calls if pid in pids})
            if busy:
                return rng.choice(busy)
            await asyncio.sleep(0.02)
        return default

    async def reached(point: float) -> None:
        while True:
            if sent >= point * len(order):
                return
            await asyncio.sleep(0.05)

    async def killer() -> None:
        for point in kill_points:
            await reached(point)
            at_delivery = sent
            slot = await busy_slot(rng.randrange(workers))
            calls = sum(1 for _ in files.in_flight.glob("*-*"))
            pid = await fleet.kill(slot, chaos.restart_delay)
            faults["worker_kills"] += 1
            progress(f"{name}: SIGKILL worker pid {pid} at delivery {at_delivery}, {calls} calls")

    async def restarter() -> None:
        for point in restart_points:
            await reached(point)
            progress(f"{name}: stopping the dev server at delivery {sent}")
            stopped = time.monotonic()
            await server.stop()
            await asyncio.sleep(chaos.server_downtime)
            await server.start()
            faults["server_restarts"] += 1
            progress(f"{name}: dev server back after {time.monotonic() - stopped:.1f}s")
            watchers.append(asyncio.create_task(resumed(time.monotonic())))

    async def monkey() -> None:
        await asyncio.gather(killer(), restarter())

    progress(f"{name}: {n} interactions, {len(order)} deliveries at {rate:g}/s, {workers} workers")
    started = time.monotonic()
    chaos_task = asyncio.create_task(monkey())
    in_flight = asyncio.Semaphore(64)
    tasks = []

    async def limited(index: int, again: bool) -> None:
        async with in_flight:
            await one(index, again)

    for position, (index, again) in enumerate(order):
        delay = started + position / rate - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(limited(index, again)))
        sent = position + 1
    try:
        await asyncio.gather(*tasks)
        await chaos_task
        fed = time.monotonic()
        progress(f"{name}: fed in {fed - started:.1f}s; settling")

        crisis = [i for n_, i in enumerate(interactions) if KINDS[kind_of(n_)].notified]
        # Interactions only: the workers also run each account's channel-health workflow.
        running = (
            f"WorkflowType = 'InteractionWorkflow' AND TaskQueue = '{task_queue}' "
            "AND ExecutionStatus = 'Running'"
        )
        deadline = time.monotonic() + settle_timeout
        last_report = 0.0
        while True:
            left = await count(client, running)
            if left <= len(crisis) or time.monotonic() > deadline:
                break
            if time.monotonic() - last_report > 10:
                progress(f"{name}: {left} running ({len(crisis)} crises wait for a human)")
                last_report = time.monotonic()
            await asyncio.sleep(0.5)
        settled = time.monotonic()
        progress(f"{name}: settled {settled - fed:.1f}s after the last delivery")

        async def close_crisis(interaction: Interaction) -> None:
            # A human closes a crisis once it is escalated (the system never does).
            async def escalated() -> bool:
                try:
                    status = await operations.status(client, interaction.id)
                except Exception:
                    return False
                return not status.busy and status.state is State.ESCALATED

            until = time.monotonic() + 60
            while not await escalated():
                if time.monotonic() > until:
                    return  # counted below: not in its expected end state
                await asyncio.sleep(0.3)
            await retrying(
                lambda: operations.close(client, interaction.id, "handled", "agent:bench"),
                60,
                "close",
            )

        await gather_limited([close_crisis(i) for i in crisis])
        deadline = time.monotonic() + 60
        while True:
            if await count(client, running) == 0 or time.monotonic() > deadline:
                break
            await asyncio.sleep(0.3)
        ended = time.monotonic()
    finally:
        chaos_task.cancel()
        for watcher in watchers:
            watcher.cancel()
        for task in tasks:
            task.cancel()
        faults["unasked_worker_exits"] = fleet.unasked_exits
        await fleet.stop()

    phase = await check(name, client, interactions, outcomes, redelivered, files)
    phase.faults = {**dict(faults), **phase.faults}
    phase.server_resume_s = resume_delays
    phase.duration_s = round(ended - started, 1)
    phase.feed_s = round(fed - started, 1)
    phase.settle_s = round(settled - fed, 1)
    if phase.lost or phase.examples:
        progress(f"{name}: worker logs:\n{fleet.tails()}")
    return phase


async def check(
    name: str,
    client: Client,
    interactions: list[Interaction],
    outcomes: dict[int, list[Outcome]],
    redelivered: list[Outcome],
    files: Files,
) -> Phase:
    """Every interaction against its expected end, the platform's log against the actions."""
    checks: Counter[str] = Counter()
    examples: dict[str, list[str]] = {}

    def flag(what: str, who: str) -> None:
        checks[what] += 1
        examples.setdefault(what, [])
        if len(examples[what]) < 5:
            examples[what].append(who)

    async def end_of(interaction: Interaction) -> InteractionStatus | str:
        handle = client.get_workflow_handle_for(InteractionWorkflow.run, interaction.workflow_id)
        try:
            described = await handle.describe()
        except Exception:
            return "no_workflow"
        if described.status != WorkflowExecutionStatus.COMPLETED:
            return "not_ended"
        return await handle.result()

    ends = await gather_limited([end_of(i) for i in interactions])
    lost: set[str] = set()
    expected: Counter[tuple[str, str]] = Counter()
    for index, (interaction, end) in enumerate(zip(interactions, ends, strict=True)):
        kind = KINDS[kind_of(index)]
        for action in kind.actions:
            expected[(interaction.external_id, action)] += 1
        if isinstance(end, str):
            flag(end, interaction.external_id)
            lost.add(interaction.external_id)
            continue
        actions = tuple(a.action for a in end.actions if a.ok)
        if (
            kind.category in end.categories
            and end.state is State.CLOSED
            and end.resolution == kind.resolution
            and not end.parked
            and actions == (("notify",) if kind.notified else ()) + kind.actions
        ):
            checks["expected_state"] += 1
        else:
            flag("wrong_state", f"{interaction.external_id}: {end.state} {end.resolution}")
    for seen in outcomes.values():
        if Outcome.STARTED in seen:
            checks["deliveries_started"] += 1
        else:
            checks["deliveries_answered_duplicate"] += 1  # a retry after an unanswered start
    checks["redeliveries"] = len(redelivered)
    checks["redeliveries_duplicate"] = redelivered.count(Outcome.DUPLICATE)
    checks["redeliveries_started"] = len(redelivered) - checks["redeliveries_duplicate"]

    outbox = read_outbox(files.outbox)
    raw_lines = (
        files.outbox.read_text(encoding="utf-8").splitlines() if files.outbox.exists() else []
    )
    checks["outbox_torn_lines"] = len(raw_lines) - len(outbox)
    written = Counter((str(line["in_reply_to"]), str(line["action"])) for line in outbox)
    checks["platform_actions_expected"] = expected.total()
    checks["platform_actions_written"] = written.total()
    duplicate_replies = duplicate_moderations = 0
    for (external_id, action), times in written.items():
        if times > 1:
            extra = times - 1
            if action in ("reply", "direct_message"):
                duplicate_replies += extra
            else:
                duplicate_moderations += extra
            flag("doubled_action", f"{external_id}: {action} x{times}")
    for external_id, action in expected - written:
        flag("missing_action", f"{external_id}: {action}")
        lost.add(external_id)
    for external_id, action in written:
        if (external_id, action) not in expected:
            flag("unexpected_action", f"{external_id}: {action}")
    checks["duplicate_moderations"] = duplicate_moderations

    paged = Counter(
        (str(line["interaction_id"]), str(line.get("level")))
        for line in read_outbox(files.notifications)
    )
    crisis_ids = {i.id for n, i in enumerate(interactions) if KINDS[kind_of(n)].notified}
    checks["notifications_expected"] = len(crisis_ids)
    checks["notifications_written"] = paged.total()
    duplicate_notifications = sum(times - 1 for times in paged.values())
    for (interaction_id, level), times in paged.items():
        if times > 1:
            flag("doubled_notification", f"{interaction_id} level {level} x{times}")
    for interaction_id in crisis_ids - {i for i, _ in paged}:
        flag("missing_notification", interaction_id)
        lost.add(interaction_id.rsplit("/", 1)[-1])

    retried, timeouts = await history_facts(client, interactions)
    for activity_type, times in retried.items():
        checks[f"activity_retries_{activity_type}"] = times
    checks["workflow_task_timeouts"] = timeouts
    platform_faults = read_faults(files.faults)
    return Phase(
        interactions=len(interactions),
        lost=len(lost),
        duplicate_replies=duplicate_replies,
        duplicate_notifications=duplicate_notifications,
        duration_s=0.0,
        feed_s=0.0,
        settle_s=0.0,
        faults={f"platform_{k}": v for k, v in sorted(platform_faults.items())},
        checks=dict(sorted(checks.items())),
        examples=examples,
    )


async def history_facts(
    client: Client, interactions: list[Interaction]
) -> tuple[Counter[str], int]:
    """Activity attempts past the first, by type, and workflow task timeouts: the faults
    as the histories saw them (a killed worker's task, a failed platform call)."""

    async def one(interaction: Interaction) -> tuple[Counter[str], int]:
        retried: Counter[str] = Counter()
        timeouts = 0
        try:
            history = await client.get_workflow_handle(interaction.workflow_id).fetch_history()
        except Exception:
            return retried, 0
        scheduled: dict[int, str] = {}
        for event in history.events:
            if event.HasField("activity_task_scheduled_event_attributes"):
                attributes = event.activity_task_scheduled_event_attributes
                scheduled[event.event_id] = attributes.activity_type.name
            elif event.HasField("activity_task_started_event_attributes"):
                started = event.activity_task_started_event_attributes
                if started.attempt > 1:
                    retried[scheduled.get(started.scheduled_event_id, "?")] += 1
            elif event.HasField("workflow_task_timed_out_event_attributes"):
                timeouts += 1
        return retried, timeouts

    facts = await gather_limited([one(i) for i in interactions], limit=8)
    return sum((f[0] for f in facts), Counter[str]()), sum(f[1] for f in facts)


async def bench(
    n: int = 500,
    *,
    workers: int = 2,
    rate: float = 20.0,
    kills: int = 5,
    server_restarts: int = 2,
    redeliver_share: float = 0.2,
    fault_rate: float = 0.1,
    seed: int = 1,
    latency: float = 0.2,
    baseline: bool = True,
    settle_timeout: float = 300.0,
    folder: Path | None = None,
    progress: Progress = lambda _: None,
) -> ChaosBench:
    begin = time.monotonic()
    # The Rust core warns on every retried call while the server is down on purpose: the
    # bench counts those retries itself, so keep its stderr to its own progress lines.
    core_logs = logging.getLogger("temporalio.core")
    core_level = core_logs.level
    core_logs.setLevel(logging.ERROR)
    folder = folder or Path(tempfile.mkdtemp(prefix="passerelle-chaos-"))
    server = Server(folder)
    progress(f"dev server on {server.address}, SQLite {server.database}")
    await server.start()
    # One lazy client across restarts: it reconnects by itself when the server is back.
    client = await connect(server.address, "default", lazy=True, retry_config=GATEWAY_RETRY)
    settings: dict[str, Any] = {
        "n": n,
        "workers": workers,
        "rate": rate,
        "seed": seed,
        "latency": latency,
        "settle_timeout": settle_timeout,
        "progress": progress,
    }
    try:
        calm = None
        if baseline:
            calm = await run_phase("calm", server, client, folder, chaos=Chaos(), **settings)
        storm = await run_phase(
            "chaos",
            server,
            client,
            folder,
            chaos=Chaos(
                kills=kills,
                server_restarts=server_restarts,
                redeliver_share=redeliver_share,
                fault_rate=fault_rate,
            ),
            **settings,
        )
    finally:
        await server.stop()
        core_logs.setLevel(core_level)
    faults = {
        "worker_kills": 0,
        "server_restarts": 0,
        "redeliveries": storm.checks.get("redeliveries", 0),
        **storm.faults,
    }
    faults["platform_total"] = sum(v for k, v in faults.items() if k.startswith("platform_"))
    return ChaosBench(
        interactions=n,
        lost=storm.lost,
        duplicate_replies=storm.duplicate_replies,
        duplicate_notifications=storm.duplicate_notifications,
        faults=faults,
        checks=storm.checks,
        duration_s=storm.duration_s,
        settle_s=storm.settle_s,
        baseline_duration_s=calm.duration_s if calm else None,
        ratio=round(storm.duration_s / calm.duration_s, 2) if calm and calm.duration_s else None,
        workers=workers,
        seed=seed,
        rate_per_second=rate,
        platform_latency_s=latency,
        machine=machine_facts(),
        baseline=calm,
        examples=storm.examples,
        server_resume_s=storm.server_resume_s,
        total_s=round(time.monotonic() - begin, 1),
        notes=(
            "A SIGKILLed worker's in-flight activities are retried only after their 60 s "
            "start-to-close timeout: settle_s is mostly that wait, not load. Platform faults "
            f"hit {fault_rate:.0%} of calls, decided per (seed, idempotency key, attempt)."
        ),
    )


def summary(result: ChaosBench) -> list[tuple[str, str]]:
    """The human table: (label, value) rows."""
    rows = [
        ("interactions", str(result.interactions)),
        ("lost", str(result.lost)),
        ("duplicate replies", str(result.duplicate_replies)),
        ("duplicate notifications", str(result.duplicate_notifications)),
        ("duplicate moderations", str(result.checks.get("duplicate_moderations", 0))),
        (
            "in expected end state",
            f"{result.checks.get('expected_state', 0)}/{result.interactions}",
        ),
        ("wrong end state", str(result.checks.get("wrong_state", 0))),
    ]
    rows += [(f"fault: {k}", str(v)) for k, v in result.faults.items()]
    rows += [
        ("duration", f"{result.duration_s:.1f}s (settle {result.settle_s:.1f}s after the feed)"),
        (
            "calm run (same pipeline)",
            f"{result.baseline_duration_s:.1f}s, ratio {result.ratio}"
            if result.baseline_duration_s is not None
            else "not run",
        ),
        ("whole bench", f"{result.total_s:.1f}s"),
        ("verdict", "ok" if result.ok else "FAILED"),
    ]
    return rows
