"""Commands that read interactions or act on them as a human (Updates)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from passerelle import operations
from passerelle.cli.app import (
    ActorOption,
    JsonOption,
    acting_as,
    app,
    err,
    load_config,
    out,
    print_json,
    run_async,
    with_client,
)
from passerelle.temporal import (
    connect,
)
from passerelle.views import print_show
from workflows.models import State

# --------------------------------------------------------------------------- reading


@app.command("list")
def list_(
    state_: Annotated[
        State | None, typer.Option("--state", help="Only interactions in this state.")
    ] = None,
    breached: Annotated[
        bool, typer.Option("--breached", help="Only those whose SLA was breached.")
    ] = False,
    limit: Annotated[int, typer.Option(help="At most this many.")] = 100,
    as_json: JsonOption = False,
) -> None:
    """List interactions from Temporal visibility (newest first)."""

    rows = run_async(
        with_client(
            operations.list_interactions,
            state=state_,
            breached=True if breached else None,
            limit=limit,
        )
    )
    if as_json:
        print_json([r.model_dump(exclude={"running"}) for r in rows])
        return
    from rich.table import Table

    table = Table()
    for column in ("id", "state", "platform", "priority", "breached"):
        table.add_column(column)
    for r in rows:
        table.add_row(
            r.id, r.state or "", r.platform or "", r.priority or "", "yes" if r.breached else "no"
        )
    out.print(table)
    err.print(f"{len(rows)} interaction(s)")


@app.command()
def show(
    reference: Annotated[str, typer.Argument(metavar="ID", help="Interaction or workflow id.")],
    as_json: JsonOption = False,
) -> None:
    """Show an interaction's state and its timeline (who decided what, when, why)."""

    async def go() -> tuple[Any, Any]:
        client = await connect()
        return (
            await operations.status(client, reference),
            await operations.timeline(client, reference),
        )

    status, timeline = run_async(go())
    if as_json:
        print_json(
            {"status": status.model_dump(mode="json"), "timeline": timeline.model_dump(mode="json")}
        )
        return
    print_show(out, status, timeline.entries, load_config().timezone)


# --------------------------------------------------------------------------- acting


@app.command()
def answer(
    reference: Annotated[str, typer.Argument(metavar="ID", help="Interaction or workflow id.")],
    text: Annotated[str, typer.Argument(help="The answer, posted on the platform.")],
    actor: ActorOption = None,
    dm: Annotated[bool, typer.Option("--dm", help="Answer by direct message.")] = False,
) -> None:
    """Answer an interaction as a human (posts the reply, stops the SLA clock)."""

    result = run_async(with_client(operations.answer, reference, text, acting_as(actor), direct=dm))
    if not result.ok:
        err.print(f"[red]the platform refused the reply:[/red] {result.error} (parked)")
        raise typer.Exit(1)
    out.print(f"answered ({result.platform_ref})")


@app.command()
def approve(
    reference: Annotated[str, typer.Argument(metavar="ID", help="Interaction or workflow id.")],
    draft_id: Annotated[str, typer.Argument(help="The draft, as `passerelle show ID` lists it.")],
    text: Annotated[
        str | None, typer.Option(help="Send this edited text instead of the draft.")
    ] = None,
    actor: ActorOption = None,
) -> None:
    """Approve a drafted reply (an unapproved template, or a crisis support message) and send it."""

    result = run_async(with_client(operations.approve, reference, draft_id, acting_as(actor), text))
    if not result.ok:
        err.print(f"[red]the platform refused it:[/red] {result.error} (the draft is kept)")
        raise typer.Exit(1)
    out.print(f"sent ({result.platform_ref})")


@app.command()
def acknowledge(
    reference: Annotated[str, typer.Argument(metavar="ID", help="Interaction or workflow id.")],
    note: Annotated[str, typer.Option(help="What you are doing about it.")] = "",
    actor: ActorOption = None,
) -> None:
    """Take an interaction in hand: its escalation chain stops paging (it still needs an answer)."""

    status = run_async(with_client(operations.acknowledge, reference, acting_as(actor), note))
    out.print(f"{status.id}: acknowledged, {status.state.value}")


@app.command()
def escalate(
    reference: Annotated[str, typer.Argument(metavar="ID")],
    to: Annotated[str, typer.Option("--to", help="Target name from the config's [targets].")],
    reason: Annotated[str, typer.Option(help="Why, for the target and the audit.")] = "",
    actor: ActorOption = None,
) -> None:
    """Escalate an interaction to a target now."""

    result = run_async(with_client(operations.escalate, reference, to, reason, acting_as(actor)))
    if not result.ok:
        err.print(f"[red]notification failed:[/red] {result.error}")
        raise typer.Exit(1)
    out.print(f"escalated to {to}")


@app.command()
def assign(
    reference: Annotated[str, typer.Argument(metavar="ID")],
    who: Annotated[str, typer.Argument(help="Person or team.")],
    actor: ActorOption = None,
) -> None:
    """Assign an interaction to a person or team."""

    run_async(with_client(operations.assign, reference, who, acting_as(actor)))
    out.print(f"assigned to {who}")


@app.command()
def close(
    reference: Annotated[str, typer.Argument(metavar="ID")],
    resolution: Annotated[str, typer.Option(help="Why it is closed.")] = "resolved",
    actor: ActorOption = None,
) -> None:
    """Close an interaction (a later follow-up reopens it)."""

    status = run_async(with_client(operations.close, reference, resolution, acting_as(actor)))
    out.print(f"{status.id}: {status.state.value}")
