"""``passerelle channels``: which channels work, at a glance, and ``recheck`` after a fix."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer
from rich.markup import escape

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
    utc_text,
)
from passerelle.temporal import connect
from workflows.models import ChannelHealth, HealthStatus

channels_app = typer.Typer(
    help=(
        "Channel health: expiring tokens, missing permissions, disabled webhook "
        "subscriptions, parked pollers and silent accounts. `passerelle channels` lists "
        "every account and exits 1 if any is down, 3 if one is not watched (for "
        "monitoring); `passerelle channels recheck ACCOUNT` checks one now, after you "
        "fixed it."
    ),
    invoke_without_command=True,
)
app.add_typer(channels_app, name="channels")

EXIT_DOWN = 1
EXIT_UNKNOWN = 3
COLOUR = {
    HealthStatus.HEALTHY: "green",
    HealthStatus.DEGRADED: "yellow",
    HealthStatus.DOWN: "red",
    HealthStatus.UNKNOWN: "dim",
}


@channels_app.callback()
def channels(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """Every configured account: state, reason, token expiry, last event, last error.

    Exit 1 when any channel is down, 3 when one cannot be asked (no worker runs its health
    check), so a monitoring probe can run it as is.
    """
    if ctx.invoked_subcommand is not None:
        return
    from passerelle import channels as channel_ops

    config = load_config()

    async def go() -> list[ChannelHealth]:
        return await channel_ops.health(await connect(), config)

    rows = run_async(go())
    if as_json:
        print_json([row.model_dump(mode="json") for row in rows])
    elif not rows:
        out.print("No account configured: add [[accounts]] to the config.")
    else:
        print_table(rows)
    if any(row.status is HealthStatus.DOWN for row in rows):
        raise typer.Exit(EXIT_DOWN)
    if any(row.status is HealthStatus.UNKNOWN and row.problems for row in rows):
        raise typer.Exit(EXIT_UNKNOWN)  # no worker answers: a probe must not stay green


@channels_app.command()
def recheck(
    account: Annotated[str, typer.Argument(help="ACCOUNT or PLATFORM/ACCOUNT, as in the config.")],
    actor: ActorOption = None,
    as_json: JsonOption = False,
) -> None:
    """Check one channel now, after renewing its token or re-subscribing its webhooks.

    Forgets refusals that only actions saw (a missing permission for replies, say): if the
    problem is still there, the next refused action reports it again. When the channel is
    no longer down, interactions parked on it resume, and a polled account polls at once.
    Exit 1 when it is still down.
    """
    from passerelle import channels as channel_ops

    config = load_config()
    try:
        channel_ops.find_account(config, account)
    except LookupError as problem:
        err.print(f"[red]error:[/red] {escape(str(problem))}")
        raise typer.Exit(2) from None

    async def go() -> ChannelHealth:
        return await channel_ops.recheck(await connect(), config, account, acting_as(actor))

    row = run_async(go())
    if as_json:
        print_json(row.model_dump(mode="json"))
    else:
        print_table([row])
    if row.status is HealthStatus.DOWN:
        raise typer.Exit(EXIT_DOWN)


def print_table(rows: list[ChannelHealth]) -> None:
    from rich.table import Table

    table = Table()
    for column in ("channel", "state", "reason", "token expires", "last event", "last error"):
        table.add_column(column, overflow="fold")
    for row in rows:
        colour = COLOUR[row.status]
        reasons = "\n".join(f"{p.reason}" for p in row.problems) or "-"
        if row.waiting_interactions:
            reasons += f"\n{row.waiting_interactions} interaction(s) parked until it works"
        table.add_row(
            f"{row.platform.value}/{row.account}",
            f"[{colour}]{row.status.value}[/{colour}]",
            escape(reasons),
            _when(row.token_expires_at),
            _when(row.last_event_at),
            escape(f"{row.last_error} ({_when(row.last_error_at)})") if row.last_error else "-",
        )
    out.print(table)
    fixes = [(row, p) for row in rows for p in row.problems if p.fix]
    for row, problem in fixes:
        out.print(
            f"[bold]{row.platform.value}/{row.account}[/bold] {problem.code}: {escape(problem.fix)}"
        )


def _when(value: datetime | None) -> str:
    return utc_text(value.astimezone(UTC)) if value else "-"
