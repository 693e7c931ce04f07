"""Hand one incoming interaction to Temporal: start its workflow, or signal its thread.

This is the only way anything enters the system (gateway, ``ingest``, demo), so the
dedupe rules live here once: a root interaction's workflow id is derived from its platform
id, a redelivery is refused by the server whether that workflow still runs (conflict policy
FAIL) or has completed (REJECT_DUPLICATE), which is how a duplicate is told from a new
start in one call, and a follow-up is a signal to its thread's workflow while that one lives.
"""

from __future__ import annotations

from enum import StrEnum

import structlog
from pydantic import BaseModel
from temporalio.client import Client
from temporalio.common import (
    SearchAttributePair,
    TypedSearchAttributes,
    WorkflowIDConflictPolicy,
    WorkflowIDReusePolicy,
)
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from connecteurs.models import Interaction, ThreadEvent, ThreadEventKind, workflow_id_for
from workflows import search_attributes as sa
from workflows.interaction import InteractionWorkflow
from workflows.models import InteractionStart, State
from workflows.policy import Policy


class Outcome(StrEnum):
    STARTED = "started"  # a new workflow was started for it
    DUPLICATE = "duplicate"  # a redelivery: its workflow runs or ran already; nothing started
    FOLLOW_UP = "follow_up"  # signalled to the open workflow of its thread
    EVENT = "event"  # a thread event (own reply, edit, deletion…) signalled to its workflow
    IGNORED = "ignored"  # a thread event for no interaction Passerelle still tracks


class Delivery(BaseModel):
    interaction_id: str
    workflow_id: str
    run_id: str | None
    outcome: Outcome


async def deliver(
    client: Client, interaction: Interaction, policy: Policy, task_queue: str
) -> Delivery:
    if interaction.is_follow_up:
        root_id = workflow_id_for(
            interaction.platform, interaction.account, interaction.root_external_id
        )
        try:
            handle = client.get_workflow_handle(root_id)
            await handle.signal(InteractionWorkflow.follow_up, interaction)
            return Delivery(
                interaction_id=interaction.id,
                workflow_id=root_id,
                run_id=None,
                outcome=Outcome.FOLLOW_UP,
            )
        except RPCError as err:
            if err.status is not RPCStatusCode.NOT_FOUND:
                raise
            # The thread's workflow is gone (or never existed): this message starts its own.
    try:
        handle = await client.start_workflow(
            InteractionWorkflow.run,
            InteractionStart(interaction=interaction, policy=policy),
            id=interaction.workflow_id,
            task_queue=task_queue,
            id_conflict_policy=WorkflowIDConflictPolicy.FAIL,
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
            search_attributes=TypedSearchAttributes(
                [
                    SearchAttributePair(sa.STATE, State.RECEIVED.value),
                    SearchAttributePair(sa.PLATFORM, interaction.platform.value),
                ]
            ),
        )
    except WorkflowAlreadyStartedError as err:
        return Delivery(
            interaction_id=interaction.id,
            workflow_id=interaction.workflow_id,
            run_id=err.run_id,
            outcome=Outcome.DUPLICATE,
        )
    return Delivery(
        interaction_id=interaction.id,
        workflow_id=handle.id,
        run_id=handle.result_run_id,
        outcome=Outcome.STARTED,
    )


log = structlog.get_logger("passerelle.deliver")


async def deliver_event(
    client: Client,
    event: ThreadEvent,
    policy: Policy | None = None,
    task_queue: str | None = None,
) -> Delivery:
    """Signal a thread event to the workflow of its thread; never start one for the event.

    The thread's workflow is tried first, then the message's own (it may have opened its
    own interaction when its thread's had ended). An event for neither is logged and
    ignored (a reply by the account to a message Passerelle never saw is not news), unless
    it carries a ``fallback`` message: that one is delivered as a new interaction (with
    ``policy`` and ``task_queue``), since it may be news nobody has seen.
    """
    signal = (
        InteractionWorkflow.external_answer
        if event.kind is ThreadEventKind.ANSWERED
        else InteractionWorkflow.thread_event
    )
    candidates = dict.fromkeys(
        [event.workflow_id, workflow_id_for(event.platform, event.account, event.subject_id)]
    )
    for workflow_id in candidates:
        try:
            await client.get_workflow_handle(workflow_id).signal(signal, event)
        except RPCError as err:
            if err.status is not RPCStatusCode.NOT_FOUND:
                raise
            continue
        return Delivery(
            interaction_id=Interaction.make_id(event.platform, event.account, event.subject_id),
            workflow_id=workflow_id,
            run_id=None,
            outcome=Outcome.EVENT,
        )
    if event.fallback is not None and policy is not None and task_queue is not None:
        return await deliver(client, event.fallback, policy, task_queue)
    log.info(
        "thread event ignored: no open interaction",
        kind=event.kind.value,
        platform=event.platform.value,
        account=event.account,
        subject=event.subject_id,
    )
    return Delivery(
        interaction_id=Interaction.make_id(event.platform, event.account, event.subject_id),
        workflow_id=event.workflow_id,
        run_id=None,
        outcome=Outcome.IGNORED,
    )
