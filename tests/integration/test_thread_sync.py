"""Thread sync on a real dev server: what happens on the platform itself (the team answers
from the app, the author edits or deletes, the platform hides) updates the open interaction
and never starts a new one."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from pathlib import Path

import httpx
from temporalio.client import Client

from connecteurs.base import WebhookRequest
from connecteurs.meta import conformite as meta_subject
from connecteurs.models import Author, Interaction, Platform, ThreadEvent, ThreadEventKind
from passerelle import operations
from passerelle.deliver import Delivery, Outcome, deliver, deliver_event
from passerelle.gateway import Directory, Gateway, build_app
from passerelle.worker import build_runtime, create_worker
from tests.helpers import Setup, eventually, make_setup, wait_status
from workflows.models import State

QUESTION = "Bonjour, est-ce que l'atelier de jeudi est gratuit ?"
ABUSE = "T'es vraiment un gros con, ferme ta gueule"
CRISIS = "Je n'en peux plus, j'ai envie d'en finir avec la vie."


def event(
    setup: Setup,
    kind: ThreadEventKind,
    subject: str,
    text: str = "",
    *,
    ref: str | None = None,
    at: datetime | None = None,
) -> ThreadEvent:
    own = kind is ThreadEventKind.ANSWERED
    return ThreadEvent(
        kind=kind,
        platform=Platform.JSONL,
        account=setup.account,
        subject_id=subject,
        ref=ref,
        author=Author(
            id=setup.account if own else "id-someone", handle="page" if own else "someone"
        ),
        text=text,
        at=at or datetime.now(UTC),
        detail=f"test {kind.value}",
    )


async def interactions_on(client: Client, setup: Setup) -> int:
    query = f"WorkflowType = 'InteractionWorkflow' AND TaskQueue = '{setup.config.task_queue}'"
    return (await client.count_workflows(query)).count


async def test_an_answer_from_the_platform_counts_and_nothing_is_breached(
    client: Client, tmp_path: Path
) -> None:
    setup = make_setup(tmp_path, sla={"P3": "3s"})
    async with create_worker(client, setup.config, build_runtime(setup.config)):
        await setup.deliver(client, setup.interaction("q1", QUESTION))
        await wait_status(client, setup.ref("q1"), lambda s: s.state is State.AWAITING_RESPONSE)
        answer = event(setup, ThreadEventKind.ANSWERED, "q1", "Oui, c'est gratuit !", ref="r-9")
        delivery = await deliver_event(client, answer)
        again = await deliver_event(client, answer)  # the platform delivers it twice
        answered = await wait_status(client, setup.ref("q1"), lambda s: s.state is State.ANSWERED)
        await asyncio.sleep(4)  # past the 3 s deadline the question had
        later = await operations.status(client, setup.ref("q1"))
        timeline = await operations.timeline(client, setup.ref("q1"))
        count = await interactions_on(client, setup)
    assert delivery.outcome is Outcome.EVENT and again.outcome is Outcome.EVENT
    assert answered.sla_deadline is None and not later.breached
    assert count == 1  # the page's own reply started nothing
    assert setup.outbox_lines() == []  # and Passerelle posted nothing itself
    entries = [e for e in timeline.entries if e.actor == "via platform"]
    assert [e.event for e in entries] == ["external_answer", "answered"]
    assert entries[0].data["platform_ref"] == "r-9"


async def test_an_edit_into_abuse_is_moderated_and_into_crisis_escalated(
    client: Client, tmp_path: Path
) -> None:
    setup = make_setup(tmp_path)
    async with create_worker(client, setup.config, build_runtime(setup.config)):
        await setup.deliver(client, setup.interaction("e1", QUESTION))
        await setup.deliver(client, setup.interaction("e2", QUESTION))
        for ref in ("e1", "e2"):
            await wait_status(client, setup.ref(ref), lambda s: s.state is State.AWAITING_RESPONSE)
        await deliver_event(client, event(setup, ThreadEventKind.EDITED, "e1", ABUSE))
        await deliver_event(client, event(setup, ThreadEventKind.EDITED, "e2", CRISIS))
        hidden = await wait_status(client, setup.ref("e1"), lambda s: s.state is State.CLOSED)
        crisis = await wait_status(
            client,
            setup.ref("e2"),
            lambda s: (
                s.state is State.ESCALATED
                and any(a.action in ("direct_message", "reply") for a in s.actions)
            ),
        )
    assert hidden.resolution == "moderated" and "abuse" in hidden.categories
    assert [a.action for a in hidden.actions] == ["hide"]
    assert "crisis" in crisis.categories and crisis.priority is not None
    assert crisis.priority.value == "P1"
    assert crisis.actions[0].action == "notify"
    assert "hide" not in [a.action for a in crisis.actions]


async def test_author_deletion_withdraws_unless_crisis(client: Client, tmp_path: Path) -> None:
    setup = make_setup(tmp_path)
    async with create_worker(client, setup.config, build_runtime(setup.config)):
        await setup.deliver(client, setup.interaction("d1", QUESTION))
        await setup.deliver(client, setup.interaction("d2", CRISIS, locale="fr-CA"))
        await wait_status(client, setup.ref("d1"), lambda s: s.state is State.AWAITING_RESPONSE)
        await wait_status(
            client,
            setup.ref("d2"),
            lambda s: s.state is State.ESCALATED and len(s.actions) >= 2,
        )
        for ref in ("d1", "d2"):
            await deliver_event(client, event(setup, ThreadEventKind.DELETED, ref))
        withdrawn = await wait_status(client, setup.ref("d1"), lambda s: s.state is State.CLOSED)

        async def refused() -> bool:
            entries = (await operations.timeline(client, setup.ref("d2"))).entries
            return "withdrawal_refused" in [e.event for e in entries]

        await eventually(refused, 20, "the crisis deletion to be recorded")
        crisis = await operations.status(client, setup.ref("d2"))
        timeline = await operations.timeline(client, setup.ref("d2"))
    assert withdrawn.resolution == "withdrawn"
    assert crisis.state is State.ESCALATED and crisis.resolution is None
    events = [e.event for e in timeline.entries]
    assert events.index("deleted_by_author") < events.index("withdrawal_refused")
    assert "closed" not in events


async def test_platform_moderation_is_recorded_and_unknown_events_ignored(
    client: Client, tmp_path: Path
) -> None:
    setup = make_setup(tmp_path)
    async with create_worker(client, setup.config, build_runtime(setup.config)):
        await setup.deliver(client, setup.interaction("m1", QUESTION))
        await wait_status(client, setup.ref("m1"), lambda s: s.state is State.AWAITING_RESPONSE)
        await deliver_event(client, event(setup, ThreadEventKind.HIDDEN, "m1"))
        unknown = await deliver_event(client, event(setup, ThreadEventKind.DELETED, "nobody"))

        async def recorded() -> bool:
            entries = (await operations.timeline(client, setup.ref("m1"))).entries
            return "moderated_on_platform" in [e.event for e in entries]

        await eventually(recorded, 20, "the platform's hide to be recorded")
        status = await operations.status(client, setup.ref("m1"))
        count = await interactions_on(client, setup)
    assert unknown.outcome is Outcome.IGNORED and count == 1
    assert status.state is State.AWAITING_RESPONSE  # still owed an answer


async def test_a_facebook_thread_answered_natively_shows_answered_in_list(
    client: Client, tmp_path: Path
) -> None:
    """The issue's "done when": Meta's documented feed webhooks through the gateway, the
    page's own reply from Facebook itself, then `passerelle list` (its operation)."""
    setup = make_setup(tmp_path, sla={"P2": "3s", "P3": "3s"})
    subject = meta_subject.subject()
    policy = setup.config.policy()

    async def hand_over(interaction: Interaction) -> Delivery:
        # The page's comment, delivered for this test's worker, config and task queue.
        return await deliver(client, interaction, policy, setup.config.task_queue)

    async def hand_event(thread_event: ThreadEvent) -> Delivery:
        return await deliver_event(client, thread_event)

    async def ready() -> bool:
        return True

    async with subject.open(subject.context()) as harness:
        directory = Directory()
        directory.by_name["meta"] = {subject.account: harness.connector}
        gateway = Gateway(
            directory=directory, deliver=hand_over, deliver_event=hand_event, ready=ready
        )
        runtime = build_runtime(setup.config)
        runtime.connectors[(Platform.FACEBOOK, subject.account)] = harness.connector
        transport = httpx.ASGITransport(app=build_app(gateway))
        async with (
            httpx.AsyncClient(transport=transport, base_url="http://gateway") as http,
            create_worker(client, setup.config, runtime),
        ):
            # The fixture's comment id, made unique: other tests on this server used it.
            run = uuid.uuid4().hex[:8]

            def documented(name: str) -> WebhookRequest:
                body = meta_subject.fixture(name)
                for comment_id in (b"901_1001", b"901_1006", b"901_1007"):
                    body = body.replace(comment_id, comment_id + run.encode())
                return meta_subject.signed(body)

            comment = documented("fb_feed_comment.json")
            first = await http.post("/webhooks/meta", content=comment.body, headers=comment.headers)
            assert first.json()["outcomes"] == ["started"]
            [root] = await harness.connector.parse(comment)
            await wait_status(
                client, root.workflow_id, lambda s: s.state is State.AWAITING_RESPONSE
            )
            reply = documented("fb_feed_page_reply.json")
            answered = await http.post("/webhooks/meta", content=reply.body, headers=reply.headers)
            status = await wait_status(
                client, root.workflow_id, lambda s: s.state is State.ANSWERED
            )
            await asyncio.sleep(4)  # past the deadline the comment had
            listed = await operations.list_interactions(client)
    document = answered.json()
    assert document["accepted"] == 0  # the page's own messages start nothing
    assert document["events"][0] == "event"  # the reply under Camille's comment
    ours = [row for row in listed if row.workflow_id.endswith(run)]
    assert [(row.workflow_id, row.state, row.breached) for row in ours] == [
        (root.workflow_id, "answered", False)
    ]  # and none for the page's own two messages
    assert status.sla_deadline is None


async def test_the_echo_of_passerelles_own_reply_is_not_a_human_answer(
    client: Client, tmp_path: Path
) -> None:
    setup = make_setup(tmp_path)
    async with create_worker(client, setup.config, build_runtime(setup.config)):
        await setup.deliver(client, setup.interaction("c1", CRISIS, locale="fr-CA"))
        crisis = await wait_status(
            client,
            setup.ref("c1"),
            lambda s: (
                s.state is State.ESCALATED
                and any(a.action in ("direct_message", "reply") and a.ok for a in s.actions)
            ),
        )
        [support] = [a for a in crisis.actions if a.action in ("direct_message", "reply")]
        echo = event(setup, ThreadEventKind.ANSWERED, "c1", "…", ref=support.platform_ref)
        assert (await deliver_event(client, echo)).outcome is Outcome.EVENT
        human = event(setup, ThreadEventKind.ANSWERED, "c1", "On vous appelle.", ref="human-1")
        await deliver_event(client, human)

        async def answered_once() -> bool:
            entries = (await operations.timeline(client, setup.ref("c1"))).entries
            return [e.event for e in entries].count("external_answer") == 1

        await eventually(answered_once, 20, "the human's answer to be recorded")
        timeline = await operations.timeline(client, setup.ref("c1"))
        status = await operations.status(client, setup.ref("c1"))
    [recorded] = [e for e in timeline.entries if e.event == "external_answer"]
    assert recorded.data["platform_ref"] == "human-1"  # the echo was not taken for it
    assert status.state is State.ESCALATED  # a crisis stays with the humans
    assert status.sla_deadline is not None  # and its chain keeps paging until acknowledged
    assert "crisis_clock_kept" in [e.event for e in timeline.entries]


async def test_an_edit_of_a_message_never_seen_starts_its_fallback(
    client: Client, tmp_path: Path
) -> None:
    """X: a Post edited to add the mention arrives as an edit of a Post that never reached
    us. Nothing tracks it, so the edited Post itself is delivered: it may be news."""
    setup = make_setup(tmp_path)
    edited = setup.interaction("v2", QUESTION)
    orphan = event(setup, ThreadEventKind.EDITED, "v1", QUESTION).model_copy(
        update={"fallback": edited}
    )
    policy, queue = setup.config.policy(), setup.config.task_queue
    async with create_worker(client, setup.config, build_runtime(setup.config)):
        first = await deliver_event(client, orphan, policy, queue)
        again = await deliver_event(client, orphan, policy, queue)
        started = await wait_status(
            client, setup.ref("v2"), lambda s: s.state is State.AWAITING_RESPONSE
        )
    assert first.outcome is Outcome.STARTED and again.outcome is Outcome.DUPLICATE
    assert started.messages == 1
