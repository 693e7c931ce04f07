"""Failures: platforms refusing, throttling, workers and servers going away. Nothing lost."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections import defaultdict
from pathlib import Path

from temporalio.client import Client

from activites import Runtime
from connecteurs.base import AccountContext
from connecteurs.errors import AuthError, RateLimited, TransientError
from connecteurs.jsonl import JsonlConnecteur, JsonlOptions
from connecteurs.models import ActionResult, Interaction, Platform
from passerelle import devserver, operations
from passerelle.worker import build_runtime, create_worker
from tests.helpers import Setup, make_setup, wait_status
from workflows.models import State

PRAISE = "Merci beaucoup pour cette vidéo, bravo !"
QUESTION = "Bonjour, est-ce que l'atelier de jeudi est gratuit ?"


class FlakyPlatform(JsonlConnecteur):
    """Answers like a real platform would when a token expired or the app is throttled."""

    calls: defaultdict[str, list[float]]

    def __init__(self, context: AccountContext) -> None:
        super().__init__(context)
        self.calls = defaultdict(list)
        self.gate: asyncio.Event | None = None
        self.entered = asyncio.Event()

    async def reply(
        self, interaction: Interaction, text: str, *, idempotency_key: str
    ) -> ActionResult:
        self.calls[idempotency_key].append(time.monotonic())
        if "[expired]" in interaction.text:
            raise AuthError("(#190) Error validating access token: Session has expired")
        if "[throttled]" in interaction.text and len(self.calls[idempotency_key]) < 3:
            raise RateLimited(retry_after=1.0, message="(#4) Application request limit reached")
        if self.gate is not None:
            self.entered.set()
            await self.gate.wait()
        return await super().reply(interaction, text, idempotency_key=idempotency_key)


def runtime_with(setup: Setup, connector: JsonlConnecteur) -> Runtime:
    runtime = build_runtime(setup.config)
    runtime.connectors = {(Platform.JSONL, setup.account): connector}
    return runtime


def flaky(setup: Setup) -> FlakyPlatform:
    return FlakyPlatform(
        AccountContext(account=setup.account, options=JsonlOptions(outbox=setup.outbox))
    )


async def test_expired_token_parks_the_reply_visibly(client: Client, tmp_path: Path) -> None:
    setup = make_setup(tmp_path)
    platform = flaky(setup)
    async with create_worker(client, setup.config, runtime_with(setup, platform)):
        await setup.deliver(client, setup.interaction("e1", f"{PRAISE} [expired]"))
        status = await wait_status(
            client, setup.ref("e1"), lambda s: s.state is State.AWAITING_RESPONSE
        )
        timeline = await operations.timeline(client, setup.ref("e1"))
    assert len(platform.calls) == 1
    assert len(next(iter(platform.calls.values()))) == 1  # an auth error is not retried
    assert status.parked and "auth" in status.parked[0] and "190" in status.parked[0]
    assert [a.ok for a in status.actions] == [False]
    assert "parked" in [e.event for e in timeline.entries]
    assert status.sla_deadline is not None  # still owed an answer: a human picks it up
    assert setup.outbox_lines() == []


async def test_rate_limit_waits_retry_after_then_posts_once(client: Client, tmp_path: Path) -> None:
    setup = make_setup(tmp_path)
    platform = flaky(setup)
    async with create_worker(client, setup.config, runtime_with(setup, platform)):
        await setup.deliver(client, setup.interaction("r1", f"{PRAISE} [throttled]"))
        status = await wait_status(
            client, setup.ref("r1"), lambda s: s.state is State.ANSWERED, timeout=30
        )
    [attempts] = platform.calls.values()
    assert len(attempts) == 3
    gaps = [later - earlier for earlier, later in itertools.pairwise(attempts)]
    assert all(gap >= 0.9 for gap in gaps), gaps  # Retry-After was honoured, not hammered
    assert len(setup.outbox_lines()) == 1
    assert not status.parked


async def test_worker_killed_mid_reply_resumes_on_another(client: Client, tmp_path: Path) -> None:
    setup = make_setup(tmp_path)
    stuck = flaky(setup)
    stuck.gate = asyncio.Event()  # never set: this worker dies with the reply in flight
    async with create_worker(client, setup.config, runtime_with(setup, stuck)):
        await setup.deliver(client, setup.interaction("w1", PRAISE))
        await asyncio.wait_for(stuck.entered.wait(), 20)
    # No worker now: deliveries are still durably accepted.
    await setup.deliver(client, setup.interaction("w2", QUESTION))
    async with create_worker(client, setup.config, build_runtime(setup.config)):
        first = await wait_status(
            client, setup.ref("w1"), lambda s: s.state is State.ANSWERED, timeout=60
        )
        second = await wait_status(
            client, setup.ref("w2"), lambda s: s.state is State.AWAITING_RESPONSE
        )
        timeline = await operations.timeline(client, setup.ref("w1"))
    replies = [line for line in setup.outbox_lines() if line["in_reply_to"] == "w1"]
    assert len(replies) == 1
    assert [e.event for e in timeline.entries].count("reply") == 1
    assert first.actions[0].ok and second.messages == 1


async def test_dev_server_restart_keeps_open_interactions(tmp_path: Path) -> None:
    setup = make_setup(tmp_path)
    database = tmp_path / "temporal.db"
    env = await devserver.start(database, port=None)
    try:
        async with create_worker(env.client, setup.config, build_runtime(setup.config)):
            await setup.deliver(env.client, setup.interaction("s1", QUESTION))
            await wait_status(
                env.client, setup.ref("s1"), lambda s: s.state is State.AWAITING_RESPONSE
            )
    finally:
        await env.shutdown()
    env = await devserver.start(database, port=None)
    try:
        async with create_worker(env.client, setup.config, build_runtime(setup.config)):
            before = await operations.status(env.client, setup.ref("s1"))
            result = await operations.answer(env.client, setup.ref("s1"), "Oui !", "agent:c")
            after = await operations.status(env.client, setup.ref("s1"))
    finally:
        await env.shutdown()
    assert before.state is State.AWAITING_RESPONSE and before.sla_deadline is not None
    assert result.ok
    assert after.state is State.ANSWERED


class AcceptedThenLost(JsonlConnecteur):
    """The platform accepts the post, then the answer is lost (reset, worker crash)."""

    def __init__(self, context: AccountContext) -> None:
        super().__init__(context)
        self.attempts = 0

    async def reply(
        self, interaction: Interaction, text: str, *, idempotency_key: str
    ) -> ActionResult:
        self.attempts += 1
        result = await super().reply(interaction, text, idempotency_key=idempotency_key)
        if self.attempts == 1:
            raise TransientError("connection reset after the platform accepted the post")
        return result


async def test_a_retry_after_the_platform_accepted_posts_once(
    client: Client, tmp_path: Path
) -> None:
    setup = make_setup(tmp_path)
    platform = AcceptedThenLost(
        AccountContext(account=setup.account, options=JsonlOptions(outbox=setup.outbox))
    )
    async with create_worker(client, setup.config, runtime_with(setup, platform)):
        await setup.deliver(client, setup.interaction("once", PRAISE))
        status = await wait_status(client, setup.ref("once"), lambda s: s.state is State.ANSWERED)
    assert platform.attempts == 2
    [reply] = setup.outbox_lines()
    assert status.actions[0].ok and status.actions[0].platform_ref == reply["ref"]
