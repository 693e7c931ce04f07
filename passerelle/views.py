"""How interactions look on a terminal: tables and timelines, shared by the commands."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from zoneinfo import ZoneInfo

from rich.console import Console
from rich.table import Table

from workflows.models import InteractionStatus, TimelineEntry


def _local(value: datetime | None, tz: ZoneInfo) -> str:
    return value.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S") if value else ""


def actions_summary(status: InteractionStatus) -> list[str]:
    return [a.action if a.ok else f"{a.action} (parked)" for a in status.actions]


def print_show(
    console: Console, status: InteractionStatus, entries: Iterable[TimelineEntry], timezone: str
) -> None:
    tz = ZoneInfo(timezone)
    console.print(f"[bold]{status.id}[/bold]  ({status.workflow_id})")
    facts = [
        ("state", status.state.value),
        ("priority", status.priority.value if status.priority else "-"),
        ("categories", ", ".join(c.value for c in status.categories) or "-"),
        ("route", f"{status.route.value if status.route else '-'} (rule {status.rule_id or '-'})"),
        ("classifier", status.classifier or "-"),
        ("assignee", status.assignee or "-"),
        ("SLA deadline", _local(status.sla_deadline, tz) or "-"),
        ("resolution by", _local(status.resolution_deadline, tz) or "-"),
        ("breached", "yes" if status.breached else "no"),
        ("acknowledged", "yes" if status.acknowledged else "no"),
        ("resolution", status.resolution or "-"),
    ]
    for name, value in facts:
        console.print(f"  {name:<13} {value}")
    for parked in status.parked:
        console.print(f"  [red]parked[/red]        {parked}")
    for draft in status.drafts:
        console.print(
            f"  [yellow]draft[/yellow]         {draft.draft_id} ({draft.kind}, waits for "
            f"`passerelle approve {status.id} {draft.draft_id}`): {draft.text}"
        )
    table = Table(title=f"timeline ({timezone})")
    for column in ("time", "event", "actor", "summary"):
        table.add_column(column, overflow="fold")
    for entry in entries:
        table.add_row(_local(entry.at, tz), entry.event, entry.actor, entry.summary)
    console.print(table)
