"""Channel health on a real dev server: a broken token alerts once, recovers once, and the
interactions it parked resume after `recheck`."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from temporalio.client import Client
from temporalio.exceptions import ApplicationError

from activites.models import ChannelFailure
from connecteurs.meta import conformite as meta_subject
from connecteurs.meta.fake import PAGE_ID, MetaFake
from connecteurs.models import Platform, workflow_id_for
from passerelle import channels, operations
from passerelle.worker import build_runtime, create_worker
from tests.controlled_channel import ChannelState, controlled
from tests.helpers import Setup, eventually, make_setup, wait_status
from tests.integration.test_cli import run_cli
from workflows.models import ChannelHealth, HealthStatus, State

PRAISE = "Merci beaucoup pour cette vidéo, bravo !"
CRISIS = "Je n'en peux plus, j'ai envie d'en finir avec la vie."


def channel_setup(tmp_path: Path, extra: str = "") -> Setup:
    # An hour between checks: the tests drive checks with `recheck`, as an operator would.
    return make_setup(tmp_path, f'[channels]\ncheck_every = "1h"\nnotify = ["on-call"]\n{extra}')


async def health(client: Client, setup: Setup) -> ChannelHealth:
    [row] = await channels.health(client, setup.config)
    return row


async def settled(client: Client, setup: Setup, status: HealthStatus) -> ChannelHealth:
    seen: list[ChannelHealth] = []

    async def probe() -> bool:
        seen[:] = [await health(client, setup)]
        return seen[0].status is status

    await eventually(probe, 20, f"channel to be {status.value}")
    return seen[0]


def channel_notices(setup: Setup) -> list[dict[str, object]]:
    return [
        n for n in setup.notification_lines() if str(n.get("reason", "")).startswith("channel ")
    ]


async def test_expired_token_alerts_once_then_recovery_once(client: Client, tmp_path: Path) -> None:
    setup = channel_setup(tmp_path)
    state = ChannelState()
    async with create_worker(client, setup.config, controlled(setup, state)):
        await channels.ensure_channels(client, setup.config)
        first = await settled(client, setup, HealthStatus.HEALTHY)
        assert first.checks >= 1 and first.problems == ()
        state.revoked = True
        down = await channels.recheck(client, setup.config, setup.account, "cli:test")
        assert down.status is HealthStatus.DOWN
        [problem] = down.problems
        assert problem.code == "token_refused" and "190" in problem.reason
        assert f"passerelle channels recheck {setup.account}" in problem.fix
        again = await channels.recheck(client, setup.config, setup.account, "cli:test")
        assert again.status is HealthStatus.DOWN
        assert len(channel_notices(setup)) == 1  # down once, not on every check
        state.revoked = False
        healthy = await channels.recheck(client, setup.config, setup.account, "cli:test")
        assert healthy.status is HealthStatus.HEALTHY
    notices = channel_notices(setup)
    assert [n["priority"] for n in notices] == ["P1", "P3"], notices
    assert "down" in str(notices[0]["reason"]) and "recovered" in str(notices[1]["reason"])
    assert healthy.notices == 2


async def test_token_expiring_in_three_days_warns_once(client: Client, tmp_path: Path) -> None:
    setup = channel_setup(tmp_path)
    state = ChannelState(expires_at=datetime.now(UTC) + timedelta(days=3))
    async with create_worker(client, setup.config, controlled(setup, state)):
        await channels.ensure_channels(client, setup.config)
        warned = await settled(client, setup, HealthStatus.DEGRADED)
        await channels.recheck(client, setup.config, setup.account, "cli:test")
    assert [p.code for p in warned.problems] == ["token_expiring"]
    assert warned.token_expires_at is not None
    notices = channel_notices(setup)
    assert len(notices) == 1 and notices[0]["priority"] == "P2"
    assert "token_expiring" in str(notices[0]["reason"])


async def test_disabled_subscription_is_down(client: Client, tmp_path: Path) -> None:
    setup = channel_setup(tmp_path)
    state = ChannelState(subscribed=False)
    async with create_worker(client, setup.config, controlled(setup, state)):
        await channels.ensure_channels(client, setup.config)
        down = await settled(client, setup, HealthStatus.DOWN)
    assert [p.code for p in down.problems] == ["subscription_inactive"]
    assert len(channel_notices(setup)) == 1


async def test_a_silent_channel_is_reported(client: Client, tmp_path: Path) -> None:
    setup = channel_setup(tmp_path, 'quiet_period = "2s"')
    async with create_worker(client, setup.config, controlled(setup, ChannelState())):
        await channels.ensure_channels(client, setup.config)
        await settled(client, setup, HealthStatus.HEALTHY)
        await setup.deliver(client, setup.interaction("s1", PRAISE))
        await wait_status(client, setup.ref("s1"), lambda s: s.state is State.ANSWERED)
        heard = await channels.recheck(client, setup.config, setup.account, "cli:test")
        assert heard.status is HealthStatus.HEALTHY and heard.last_event_at is not None
        await asyncio.sleep(3.0)  # the quiet period passes with no new interaction
        silent = await channels.recheck(client, setup.config, setup.account, "cli:test")
    assert silent.status is HealthStatus.DEGRADED
    assert [p.code for p in silent.problems] == ["silent"]


async def test_parked_interactions_resume_after_recheck(client: Client, tmp_path: Path) -> None:
    setup = channel_setup(tmp_path)
    state = ChannelState()
    async with create_worker(client, setup.config, controlled(setup, state)):
        await channels.ensure_channels(client, setup.config)
        await settled(client, setup, HealthStatus.HEALTHY)
        state.revoked = True  # revoked between checks: the reply finds out first
        await setup.deliver(client, setup.interaction("p1", PRAISE))
        parked = await wait_status(client, setup.ref("p1"), lambda s: s.waiting_for_channel == 1)
        down = await settled(client, setup, HealthStatus.DOWN)
        assert [p.code for p in down.problems] == ["action_refused"]
        assert down.waiting_interactions == 1
        assert setup.outbox_lines() == []
        state.revoked = False
        healthy = await channels.recheck(client, setup.config, setup.account, "cli:test")
        answered = await wait_status(client, setup.ref("p1"), lambda s: s.state is State.ANSWERED)
        timeline = await operations.timeline(client, setup.ref("p1"))
    assert parked.state is State.AWAITING_RESPONSE and parked.parked
    assert healthy.status is HealthStatus.HEALTHY and healthy.waiting_interactions == 0
    assert answered.waiting_for_channel == 0
    assert len(setup.outbox_lines()) == 1  # posted once, after the fix
    events = [e.event for e in timeline.entries]
    assert events.index("parked") < events.index("channel_recovered") < events.index("answered")
    assert [n["priority"] for n in channel_notices(setup)] == ["P1", "P3"]


async def test_channels_command_exits_1_while_a_channel_is_down(
    client: Client, tmp_path: Path
) -> None:
    setup = channel_setup(tmp_path)
    state = ChannelState(revoked=True)
    env = {"TEMPORAL_ADDRESS": client.service_client.config.target_host}
    config = ["--config", str(setup.path)]
    async with create_worker(client, setup.config, controlled(setup, state)):
        await channels.ensure_channels(client, setup.config)
        await settled(client, setup, HealthStatus.DOWN)
        code, stdout, stderr = await run_cli(*config, "channels", "--json", cwd=tmp_path, env=env)
        assert code == 1, stderr
        [row] = json.loads(stdout)
        assert row["status"] == "down" and row["problems"][0]["code"] == "token_refused"
        code, table, _ = await run_cli(*config, "channels", cwd=tmp_path, env=env)
        assert code == 1 and "down" in table and "recheck" in table
        state.revoked = False
        code, stdout, stderr = await run_cli(
            *config, "channels", "recheck", setup.account, "--json", cwd=tmp_path, env=env
        )
        assert code == 0, stderr
        assert json.loads(stdout)["status"] == "healthy"
        code, _, _ = await run_cli(*config, "channels", cwd=tmp_path, env=env)
        assert code == 0
        code, _, stderr = await run_cli(
            *config, "channels", "recheck", "nobody", cwd=tmp_path, env=env
        )
    assert code == 2 and "no account 'nobody'" in stderr and setup.account in stderr


async def test_meta_page_token_190_then_expiry_then_subscription(
    client: Client, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Meta connector against its fake Graph API: each documented failure shape gives
    one alert, and recovery one more."""
    for name, value in meta_subject.SECRETS.items():
        monkeypatch.setenv(f"T_META_{name.upper()}", value)
    secrets = ", ".join(f'{n} = "env:T_META_{n.upper()}"' for n in meta_subject.SECRETS)
    setup = channel_setup(
        tmp_path,
        f'\n[[accounts]]\nconnector = "meta"\nplatform = "facebook"\naccount = "{PAGE_ID}"\n'
        f"secrets = {{ {secrets} }}\n",
    )
    fake = MetaFake()
    http = fake.client()
    runtime = build_runtime(setup.config)
    page = runtime.connectors[(Platform.FACEBOOK, PAGE_ID)]
    runtime.connectors[(Platform.FACEBOOK, PAGE_ID)] = type(page)(
        page.context.model_copy(update={"base_url": fake.base_url}), http=http
    )

    async def recheck() -> ChannelHealth:
        return await channels.recheck(client, setup.config, f"facebook/{PAGE_ID}", "ops:alex")

    def notices() -> list[dict[str, object]]:
        return [n for n in channel_notices(setup) if PAGE_ID in str(n["reason"])]

    try:
        async with create_worker(client, setup.config, runtime):
            await channels.ensure_channels(client, setup.config)
            assert (await recheck()).status is HealthStatus.HEALTHY
            fake.token_revoked = True
            down = await recheck()
            assert [p.code for p in down.problems] == ["token_refused"]
            assert "190" in down.problems[0].reason
            assert "access_token" in down.problems[0].fix  # which secret to renew
            assert (await recheck()).status is HealthStatus.DOWN
            assert len(notices()) == 1  # one alert, not one per check
            fake.token_revoked = False
            fake.token_expires_at = datetime.now(UTC) + timedelta(days=3)
            expiring = await recheck()
            assert [p.code for p in expiring.problems] == ["token_expiring"]
            fake.token_expires_at = None
            fake.subscription_active = False
            unsubscribed = await recheck()
            assert [p.code for p in unsubscribed.problems] == ["subscription_inactive"]
            fake.subscription_active = True
            healthy = await recheck()
    finally:
        await http.aclose()
    assert healthy.status is HealthStatus.HEALTHY
    assert [n["priority"] for n in notices()] == ["P1", "P2", "P1", "P3"]
    secret_values = [v for v in meta_subject.SECRETS.values()]
    assert not [v for v in secret_values if v in setup.notifications.read_text()]


async def test_a_check_that_cannot_reach_the_platform_is_not_a_recovery(
    client: Client, tmp_path: Path
) -> None:
    setup = channel_setup(tmp_path)
    state = ChannelState(revoked=True)
    async with create_worker(client, setup.config, controlled(setup, state)):
        await channels.ensure_channels(client, setup.config)
        await settled(client, setup, HealthStatus.DOWN)
        state.unreachable = True  # a 503 while the token is still revoked
        blip = await channels.recheck(client, setup.config, setup.account, "cli:test")
        state.unreachable = state.revoked = False
        fixed = await channels.recheck(client, setup.config, setup.account, "cli:test")
    assert blip.status is HealthStatus.DOWN
    assert [p.code for p in blip.problems] == ["token_refused"]  # what was known still holds
    assert blip.last_error is not None and "503" in blip.last_error
    assert fixed.status is HealthStatus.HEALTHY
    assert [n["priority"] for n in channel_notices(setup)] == ["P1", "P3"]  # no false recovery


async def test_a_template_parked_before_a_crisis_is_never_sent(
    client: Client, tmp_path: Path
) -> None:
    setup = channel_setup(tmp_path)
    state = ChannelState()
    async with create_worker(client, setup.config, controlled(setup, state)):
        await channels.ensure_channels(client, setup.config)
        await settled(client, setup, HealthStatus.HEALTHY)
        state.revoked = True
        await setup.deliver(client, setup.interaction("t1", PRAISE))
        await wait_status(client, setup.ref("t1"), lambda s: s.waiting_for_channel == 1)
        crisis = setup.interaction("t2", CRISIS, thread_id="t1", locale="fr-CA")
        await setup.deliver(client, crisis)
        await wait_status(
            client,
            setup.ref("t1"),
            lambda s: s.state is State.ESCALATED and s.waiting_for_channel >= 2,
        )
        state.revoked = False
        await channels.recheck(client, setup.config, setup.account, "cli:test")

        async def support_sent() -> bool:
            return len(setup.outbox_lines()) >= 1

        await eventually(support_sent, 20, "the crisis support message")
        status = await wait_status(client, setup.ref("t1"), lambda s: s.waiting_for_channel == 0)
        timeline = await operations.timeline(client, setup.ref("t1"))
    [sent] = setup.outbox_lines()
    assert sent["in_reply_to"] == "t2"  # the support message, to the person in crisis
    assert "parked_dropped" in [e.event for e in timeline.entries]
    assert status.state is State.ESCALATED and status.sla_deadline is not None


async def test_a_report_that_fails_is_tried_again_later(client: Client, tmp_path: Path) -> None:
    setup = channel_setup(tmp_path)
    state = ChannelState(revoked=True)
    runtime = controlled(setup, state)
    reports: list[str] = []

    async def unreachable(failure: ChannelFailure) -> None:
        reports.append(failure.workflow_id)
        raise ApplicationError("the frontend is throttling", non_retryable=True)

    runtime.report_failure = unreachable
    async with create_worker(client, setup.config, runtime):
        await setup.deliver(client, setup.interaction("f1", PRAISE))
        await wait_status(client, setup.ref("f1"), lambda s: s.waiting_for_channel == 1)

        async def noted() -> bool:
            entries = (await operations.timeline(client, setup.ref("f1"))).entries
            return "channel_report_failed" in [e.event for e in entries]

        await eventually(noted, 20, "the failed report to be noted")
        timeline = await operations.timeline(client, setup.ref("f1"))
    [entry] = [e for e in timeline.entries if e.event == "channel_report_failed"]
    assert "trying again in 15 min" in entry.summary
    assert reports == [workflow_id_for(Platform.JSONL, setup.account, "f1")]  # tried once
