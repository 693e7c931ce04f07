"""What a person or a script does to interactions, over a Temporal client."""

from __future__ import annotations

from pydantic import BaseModel
from temporalio.client import Client, WorkflowHandle

from connecteurs.models import ActionResult, workflow_id_from_reference
from workflows import search_attributes as sa
from workflows.interaction import InteractionWorkflow
from workflows.models import (
    AcknowledgeRequest,
    AnswerRequest,
    ApproveRequest,
    AssignRequest,
    CloseRequest,
    EscalateRequest,
    InteractionStatus,
    State,
    Timeline,
)


class Listed(BaseModel):
    """One row of ``passerelle list --json`` (keys fixed by DESIGN §5)."""

    id: str
    workflow_id: str
    state: str | None
    platform: str | None
    priority: str | None
    breached: bool
    running: bool


def handle(
    client: Client, reference: str
) -> WorkflowHandle[InteractionWorkflow, InteractionStatus]:
    return client.get_workflow_handle_for(
        InteractionWorkflow.run, workflow_id_from_reference(reference)
    )


def interaction_id(workflow_id: str) -> str:
    parts = workflow_id.split("/", 3)
    return ":".join(parts[1:]) if len(parts) == 4 else workflow_id


def visibility_query(state: State | None = None, breached: bool | None = None) -> str:
    clauses = ["WorkflowType = 'InteractionWorkflow'"]
    if state is not None:
        clauses.append(f"PasserelleState = '{state.value}'")
    if breached is not None:
        clauses.append(f"PasserelleBreached = {'true' if breached else 'false'}")
    return " AND ".join(clauses)


async def list_interactions(
    client: Client, *, state: State | None = None, breached: bool | None = None, limit: int = 100
) -> list[Listed]:
    rows: list[Listed] = []
    async for execution in client.list_workflows(visibility_query(state, breached), limit=limit):
        attrs = execution.typed_search_attributes
        rows.append(
            Listed(
                id=interaction_id(execution.id),
                workflow_id=execution.id,
                state=attrs.get(sa.STATE),
                platform=attrs.get(sa.PLATFORM),
                priority=attrs.get(sa.PRIORITY),
                breached=bool(attrs.get(sa.BREACHED)),
                running=execution.status is not None and execution.status.name == "RUNNING",
            )
        )
    return rows


async def status(client: Client, reference: str) -> InteractionStatus:
    return await handle(client, reference).query(InteractionWorkflow.state)


async def timeline(client: Client, reference: str) -> Timeline:
    return await handle(client, reference).query(InteractionWorkflow.timeline)


async def answer(
    client: Client, reference: str, text: str, actor: str, *, direct: bool = False
) -> ActionResult:
    request = AnswerRequest(text=text, actor=actor, direct_message=direct)
    return await handle(client, reference).execute_update(InteractionWorkflow.answer, request)


async def escalate(
    client: Client, reference: str, target: str, reason: str, actor: str
) -> ActionResult:
    request = EscalateRequest(target=target, reason=reason, actor=actor)
    return await handle(client, reference).execute_update(InteractionWorkflow.escalate, request)


async def assign(client: Client, reference: str, assignee: str, actor: str) -> InteractionStatus:
    request = AssignRequest(assignee=assignee, actor=actor)
    return await handle(client, reference).execute_update(InteractionWorkflow.assign, request)


async def close(client: Client, reference: str, resolution: str, actor: str) -> InteractionStatus:
    request = CloseRequest(resolution=resolution, actor=actor)
    return await handle(client, reference).execute_update(InteractionWorkflow.close, request)


async def approve(
    client: Client, reference: str, draft_id: str, actor: str, text: str | None = None
) -> ActionResult:
    request = ApproveRequest(draft_id=draft_id, actor=actor, text=text)
    return await handle(client, reference).execute_update(InteractionWorkflow.approve, request)


async def acknowledge(client: Client, reference: str, actor: str, note: str) -> InteractionStatus:
    request = AcknowledgeRequest(actor=actor, note=note)
    return await handle(client, reference).execute_update(InteractionWorkflow.acknowledge, request)
