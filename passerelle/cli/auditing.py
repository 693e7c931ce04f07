"""Audit commands: export histories, tell their story, replay them."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from connecteurs.models import Platform, workflow_id_from_reference
from passerelle.cli.app import (
    JsonOption,
    audit_app,
    err,
    out,
    print_json,
    run_async,
    utc_text,
)
from passerelle.codec import codec_from_environment, decode_history
from passerelle.temporal import (
    connect,
)
from workflows.models import State

# --------------------------------------------------------------------------- audit


@audit_app.command("export")
def audit_export(
    reference: Annotated[
        str | None, typer.Argument(metavar="[ID]", help="One interaction or workflow id.")
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "-o",
            "--output",
            help="File or directory (one ID; default ./<workflow id>.json), directory (several).",
        ),
    ] = None,
    query: Annotated[
        str | None,
        typer.Option(
            help="Temporal visibility query, e.g. \"PasserelleState = 'closed' AND "
            "StartTime > '2026-11-01T00:00:00Z'\" (interactions only)."
        ),
    ] = None,
    state_: Annotated[
        State | None, typer.Option("--state", help="Only interactions in this state.")
    ] = None,
    platform: Annotated[Platform | None, typer.Option(help="Only this platform.")] = None,
    since: Annotated[
        datetime | None, typer.Option(help="Started at or after (ISO date/time, UTC).")
    ] = None,
    until: Annotated[datetime | None, typer.Option(help="Started before (ISO, UTC).")] = None,
    limit: Annotated[int, typer.Option(help="Several histories: at most this many.")] = 1000,
    as_json: JsonOption = False,
) -> None:
    """Export histories as JSON with a manifest (version, classifiers, config hash, SHA-256).

    One interaction by ID (-o FILE.json or a directory), or several selected through
    visibility with --query and/or --state, --platform, --since, --until (-o DIRECTORY).
    """
    from passerelle import audit
    from passerelle.operations import visibility_query

    clauses = [f"({query})"] if query else []
    if state_ is not None:
        clauses.append(f"PasserelleState = '{state_.value}'")
    if platform is not None:
        clauses.append(f"PasserellePlatform = '{platform.value}'")
    if since is not None:
        clauses.append(f"StartTime >= '{utc_text(since)}'")
    if until is not None:
        clauses.append(f"StartTime < '{utc_text(until)}'")
    if reference is not None and output is None:
        output = Path(audit.file_name(workflow_id_from_reference(reference)))
    if (reference is None) == (not clauses) or output is None:
        err.print(
            "[red]error:[/red] give an ID or a selection (--query, --state, --platform, "
            "--since, --until), and -o (file or directory)"
        )
        raise typer.Exit(2)
    selection = " AND ".join(clauses)

    (output.parent if output.suffix == ".json" else output).mkdir(parents=True, exist_ok=True)

    async def go() -> audit.Manifest:
        client = await connect()
        if reference is not None:
            workflow_id = workflow_id_from_reference(reference)
            if output.suffix != ".json":
                return await audit.export(client, [workflow_id], output, None)
            # One file: its manifest beside it, named after it (never another export's).
            manifest = await audit.export(
                client,
                [workflow_id],
                output.parent,
                None,
                manifest_name=f"{output.stem}.{audit.MANIFEST}",
            )
            (output.parent / manifest.files[0].file).replace(output)
            manifest.files[0].file = output.name
            (output.parent / f"{output.stem}.{audit.MANIFEST}").write_text(
                json.dumps(manifest.to_json(), indent=2), encoding="utf-8"
            )
            return manifest
        full = f"{visibility_query()} AND {selection}"
        ids = [w.id async for w in client.list_workflows(full, limit=limit + 1)]
        truncated = len(ids) > limit
        if truncated:
            err.print(f"[yellow]![/yellow] more than {limit} match: exporting the first {limit}")
        err.print(f"exporting {min(len(ids), limit)} histories…")
        return await audit.export(client, ids[:limit], output, selection, truncated=truncated)

    manifest = run_async(go())
    if as_json:
        print_json(manifest.to_json())
        return
    for exported in manifest.files:
        out.print(f"{exported.file}  {exported.events} events  sha256 {exported.sha256[:16]}…")
    err.print(f"{len(manifest.files)} history(ies) exported with {audit.MANIFEST}")


@audit_app.command("timeline")
def audit_timeline(
    source: Annotated[
        str, typer.Argument(metavar="ID|FILE", help="An interaction id, or an exported file.")
    ],
    as_json: JsonOption = False,
    as_markdown: Annotated[bool, typer.Option("--markdown", help="A Markdown table.")] = False,
    redact_authors: Annotated[
        bool, typer.Option("--redact", help="Replace author handles with pseudonyms.")
    ] = False,
) -> None:
    """The interaction's story from its history alone: no worker needed, works on exports."""
    from temporalio.client import WorkflowHistory

    from passerelle import audit

    path = Path(source)
    local = path.is_file()

    async def go() -> tuple[WorkflowHistory, Any, list[Any], bool]:
        if local:
            history = audit.load_history(path)
        else:
            client = await connect()
            workflow_id = workflow_id_from_reference(source)
            history = await client.get_workflow_handle(workflow_id).fetch_history()
        await decode_history(history, codec_from_environment())
        entries, recorded = audit.timeline_of(history)
        if redact_authors:
            entries = audit.redact(entries, audit.authors_in(history))
        return history, audit.start_of(history), entries, recorded

    history, start, entries, recorded = run_async(go())
    timezone = start.policy.timezone
    if as_json:
        print_json(
            {
                "workflow_id": history.workflow_id,
                "interaction_id": start.interaction.id,
                "timezone": timezone,
                "source": "decision records" if recorded else "raw events",
                "entries": [e.model_dump(mode="json") for e in entries],
            }
        )
    elif as_markdown:
        out.print(audit.markdown(history.workflow_id, entries, timezone), markup=False)
    else:
        from zoneinfo import ZoneInfo

        from rich.table import Table

        zone = ZoneInfo(timezone)
        table = Table(title=f"{history.workflow_id} ({timezone})")
        for column in ("time", "event", "actor", "summary"):
            table.add_column(column, overflow="fold")
        for entry in entries:
            when = entry.at.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S")
            table.add_row(when, entry.event, entry.actor, entry.summary)
        out.print(table)
        if not recorded:
            err.print("(a history from before decision records: rebuilt from raw events)")


@audit_app.command("replay")
def audit_replay(
    paths: Annotated[list[Path], typer.Argument(help="Exported history files or directories.")],
    as_json: JsonOption = False,
) -> None:
    """Replay histories against the installed code; exit 1 on any divergence."""
    from passerelle import audit

    outcomes = run_async(audit.replay(paths))
    if not outcomes:
        err.print("[red]error:[/red] no history files found")
        raise typer.Exit(2)
    if as_json:
        print_json([o.__dict__ for o in outcomes])
    else:
        for o in outcomes:
            mark = "[green]OK[/green]" if o.ok else "[red]DIVERGED[/red]"
            out.print(f"{mark}  {o.file}")
            if o.divergence:
                out.print(f"      {o.divergence}", markup=False)
        failed = sum(1 for o in outcomes if not o.ok)
        err.print(f"{len(outcomes) - failed}/{len(outcomes)} replayed without divergence")
    if any(o.needs_key for o in outcomes):
        raise typer.Exit(2)
    if any(not o.ok for o in outcomes):
        raise typer.Exit(1)
