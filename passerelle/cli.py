"""The ``passerelle`` command (DESIGN §5)."""

from __future__ import annotations

import asyncio
import getpass
import json
import logging
import os
import signal
import sys
from collections.abc import Coroutine
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from temporalio.client import Client, WorkflowUpdateFailedError
from temporalio.service import RPCError, RPCStatusCode

from connecteurs.errors import InvalidRequest
from connecteurs.models import Platform, workflow_id_from_reference
from passerelle import __version__, operations
from passerelle import config as config_module
from passerelle import logging as passerelle_logging
from passerelle.audit import file_name as audit_file_name
from passerelle.codec import CodecError, codec_from_environment, decode_history
from passerelle.config import Config, ConfigError
from passerelle.temporal import (
    DEV_FILE,
    STATE_DIR,
    DevStack,
    MissingSearchAttributes,
    NoTemporal,
    connect,
    require_search_attributes,
)
from passerelle.views import print_show
from passerelle.worker import WiringError
from workflows.models import State

T = TypeVar("T")

app = typer.Typer(
    name="passerelle",
    help=(
        "Passerelle answers, escalates and moderates what your audience writes, durably, "
        "on Temporal.\n\nStart with `passerelle demo`. Run `passerelle dev` for a local "
        "stack, then `passerelle ingest`, `list`, `show`, `answer`, `close` against it."
    ),
    no_args_is_help=True,
    rich_markup_mode="markdown",
)
plugins_app = typer.Typer(help="Installed connectors, classifiers and notifiers.")
config_app = typer.Typer(help="Check a configuration file before deploying it.")
bench_app = typer.Typer(help="Benchmarks: figures in JSON, never timed tests.")
app.add_typer(bench_app, name="bench")
audit_app = typer.Typer(
    help="Export interaction histories, read their timeline from the history alone, replay them."
)
app.add_typer(audit_app, name="audit")
app.add_typer(plugins_app, name="plugins")
app.add_typer(config_app, name="config")

# Piped output is read by people too (CI logs): give tables room instead of 80 columns.
out = Console(width=None if sys.stdout.isatty() else 160)
err = Console(stderr=True)

JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON document for scripts.")]
ActorOption = Annotated[
    str | None,
    typer.Option("--as", help="Who acts, as the audit trail shows it. Default: cli:$USER."),
]


class _State:
    config_path: Path | None = None


state = _State()


@app.callback()
def main(
    config: Annotated[
        Path | None,
        typer.Option(
            "--config",
            help="Config file (overrides PASSERELLE_CONFIG; default ./passerelle.toml or the "
            "built-in one).",
            envvar=config_module.CONFIG_ENV,
        ),
    ] = None,
    log_level: Annotated[str, typer.Option(help="DEBUG, INFO, WARNING or ERROR.")] = "WARNING",
    version: Annotated[bool, typer.Option("--version", help="Print the version.")] = False,
) -> None:
    if version:
        out.print(f"passerelle {__version__}")
        raise typer.Exit()
    passerelle_logging.configure(level=log_level.upper())
    passerelle_logging.route_temporal_core_logs()
    state.config_path = config


# What a user gets instead of a traceback: a label and an exit code (2: fix your input or
# setup, 1: the operation was refused or failed).
_EXPECTED: tuple[tuple[type[Exception], str, int], ...] = (
    (NoTemporal, "error", 2),
    (ConfigError, "config error", 2),
    (InvalidRequest, "invalid input", 2),
    (MissingSearchAttributes, "cannot start", 2),
    (WiringError, "cannot start", 2),
    (CodecError, "encryption", 2),
    (ValueError, "error", 2),
)


def _run(coroutine: Coroutine[Any, Any, T]) -> T:
    try:
        return asyncio.run(coroutine)
    except WorkflowUpdateFailedError as problem:
        cause = problem.cause
        err.print(f"[red]refused:[/red] {getattr(cause, 'message', None) or problem}")
        raise typer.Exit(1) from None
    except RPCError as problem:
        label = {
            RPCStatusCode.NOT_FOUND: "not found",
            RPCStatusCode.UNAVAILABLE: "Temporal unreachable",
        }.get(problem.status, f"Temporal said ({problem.status.name})")
        err.print(f"[red]{label}:[/red] {problem.message}")
        raise typer.Exit(1) from None
    except Exception as problem:
        for kind, label, code in _EXPECTED:
            if isinstance(problem, kind):
                separator = "\n" if isinstance(problem, ConfigError) else " "
                err.print(f"[red]{label}:[/red]{separator}{problem}")
                raise typer.Exit(code) from None
        raise


def _config(*, checked: bool = False) -> Config:
    """The config; ``checked`` runs every check a worker needs (plugins, routing) first."""
    from passerelle.checks import load_checked

    try:
        if not checked:
            return config_module.load(state.config_path)
        config, warnings = load_checked(state.config_path)
    except ConfigError as problem:
        err.print(f"[red]config error:[/red]\n{problem}")
        raise typer.Exit(2) from None
    for warning in warnings:
        err.print(f"[yellow]![/yellow] {warning}")
    return config


def _actor(value: str | None) -> str:
    return value or os.environ.get("PASSERELLE_ACTOR") or f"cli:{getpass.getuser()}"


def _utc(value: datetime) -> str:
    aware = value if value.tzinfo else value.replace(tzinfo=UTC)
    return aware.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _print_json(value: Any) -> None:
    out.print_json(json.dumps(value, ensure_ascii=False, default=str))


# --------------------------------------------------------------------------- running


@app.command()
def demo(
    as_json: JsonOption = False,
    stay: Annotated[
        bool,
        typer.Option(
            "--stay",
            help="Keep the demo's server and worker running afterwards, so that "
            "`passerelle show ID` and `passerelle list` can explore it (Ctrl-C stops).",
        ),
    ] = False,
) -> None:
    """Run ~12 bundled FR/EN interactions end to end and show what happened to each.

    Starts the embedded Temporal dev server (or uses TEMPORAL_ADDRESS), a worker and the
    JSON Lines connector; a human answers one interaction, one breaches a short SLA, a crisis
    message is escalated at once. Exits 1 if any interaction ends in an unexpected state.
    """
    from passerelle.demo.runner import run_demo

    async def after(client: Client, server: str, result: dict[str, Any]) -> None:
        if as_json:
            _print_json(result)
        else:
            _print_demo(result)
            crisis = next(r["id"] for r in result["interactions"] if r["id"].endswith(":crisis"))
            status = await operations.status(client, crisis)
            timeline = await operations.timeline(client, crisis)
            out.print()
            print_show(out, status, timeline.entries, "America/Montreal")
            crisis_file = Path(result["summary"]["histories"]) / audit_file_name(status.workflow_id)
            out.print(
                f"\nEvery history was exported to {result['summary']['histories']}/; its story "
                f"needs no server: `passerelle audit timeline {crisis_file}`",
                soft_wrap=True,
            )
        if stay:
            await _serve_until_stopped(client, server)
        elif not as_json:
            out.print(
                "\nExplore it yourself: `passerelle demo --stay`, then in another terminal "
                "`passerelle list` and `passerelle show ID`."
            )

    result = _run(run_demo(err, after=after))
    if result["summary"]["as_expected"] != result["summary"]["interactions"]:
        raise typer.Exit(1)


def _print_demo(result: dict[str, Any]) -> None:
    out.print(_demo_table(result["interactions"]))
    summary = result["summary"]
    out.print(
        f"{summary['as_expected']}/{summary['interactions']} interactions as expected from "
        f"{summary['deliveries']} deliveries; {summary['breached']} SLA breach; "
        f"{summary['outbox_actions']} platform actions and {summary['notifications']} "
        f"notifications in {summary['run_dir']}; {summary['seconds']} s."
    )


async def _serve_until_stopped(client: Client, server: str) -> None:
    STATE_DIR.mkdir(exist_ok=True)
    DEV_FILE.write_text(
        DevStack(
            temporal_address=server, namespace=client.namespace, pid=os.getpid()
        ).model_dump_json(indent=2),
        encoding="utf-8",
    )
    err.print(f"\nThe demo stack stays up at {server} (Ctrl-C to stop). Try `passerelle list`.")
    try:
        await _until_signal()
    finally:
        DEV_FILE.unlink(missing_ok=True)


async def _until_signal() -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    await stop.wait()


def _demo_table(rows: list[dict[str, Any]]) -> Any:
    from rich.table import Table

    table = Table(title="Passerelle demo")
    for column in ("id", "state", "categories", "route", "actions", "breached", "note"):
        table.add_column(column, overflow="fold")
    for row in rows:
        mark = "" if row["as_expected"] else f" [red](expected {row['expected_state']})[/red]"
        table.add_row(
            row["id"].rsplit(":", 1)[-1],
            row["state"] + mark,
            ", ".join(row["categories"]),
            row["route"] or "",
            ", ".join(row["actions"]),
            "yes" if row["breached"] else "no",
            row["note"],
        )
    return table


@app.command()
def dev(
    temporal_port: Annotated[
        int, typer.Option(help="Temporal's port; a free one if it is taken.")
    ] = 7233,
    ui: Annotated[
        bool, typer.Option(help="Also serve Temporal's web UI (on a free port near 8233).")
    ] = False,
) -> None:
    """Run the local stack: Temporal dev server (SQLite in .passerelle/), and a worker.

    Writes .passerelle/dev.json so other commands in this directory find it. Ctrl-C stops
    everything; open interactions survive a restart.
    """
    _run(_dev(_config(checked=True), temporal_port, ui))


async def _dev(config: Config, port: int, ui: bool) -> None:
    from passerelle import devserver
    from passerelle.worker import build_runtime, create_worker

    STATE_DIR.mkdir(exist_ok=True)
    runtime = build_runtime(config)
    err.print("Starting Temporal dev server…")
    ui_port = devserver.free_port(8233) if ui else None
    env = await devserver.start(
        STATE_DIR / "temporal.db", port=port, ui_port=ui_port, log_file=STATE_DIR / "temporal.log"
    )
    address = env.client.service_client.config.target_host
    stack = DevStack(
        temporal_address=address,
        namespace=env.client.namespace,
        ui_url=f"http://127.0.0.1:{ui_port}" if ui_port else None,
        pid=os.getpid(),
    )
    DEV_FILE.write_text(stack.model_dump_json(indent=2), encoding="utf-8")
    try:
        async with create_worker(env.client, config, runtime):
            out.print(f"Temporal   {address} (namespace {stack.namespace})")
            if stack.ui_url:
                out.print(f"Web UI     {stack.ui_url}")
            out.print(f"Task queue {config.task_queue}")
            out.print(f"State      {DEV_FILE}  (Ctrl-C to stop)")
            await _until_signal()
            err.print("Stopping…")
    finally:
        DEV_FILE.unlink(missing_ok=True)
        await env.shutdown()


@app.command()
def worker() -> None:
    """Run one worker on the configured task queue (a cluster deployment's worker role)."""
    _run(_worker(_config(checked=True)))


async def _worker(config: Config) -> None:
    from passerelle.worker import build_runtime, create_worker

    runtime = build_runtime(config)
    client = await connect()
    await require_search_attributes(client)
    worker = create_worker(client, config, runtime)
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, lambda: asyncio.ensure_future(worker.shutdown()))
    err.print(
        f"Worker on task queue {config.task_queue!r} at {client.service_client.config.target_host}"
    )
    await worker.run()


@app.command()
def ingest(
    file: Annotated[Path, typer.Argument(help="JSON Lines file, one event a line.", exists=True)],
    account: Annotated[str, typer.Option(help="Account the events belong to.")] = "local",
    as_json: JsonOption = False,
) -> None:
    """Start interactions from a JSON Lines file (the `jsonl` connector's event format)."""
    config = _config()
    deliveries = _run(_ingest(config, file, account))
    # The server does not say whether USE_EXISTING found a run; within one file, the same
    # run id twice is a redelivery that started nothing.
    runs: dict[str, str | None] = {}
    rows = []
    for d in deliveries:
        duplicate = d.run_id is not None and runs.get(d.workflow_id) == d.run_id
        runs.setdefault(d.workflow_id, d.run_id)
        rows.append((d, duplicate))
    if as_json:
        _print_json([d.model_dump(mode="json") | {"duplicate": dup} for d, dup in rows])
        return
    for d, dup in rows:
        label = "duplicate" if dup else d.outcome.value
        out.print(f"{d.interaction_id:<40} {label:<13} {d.workflow_id}")
    err.print(f"{len(rows)} event(s) delivered")


async def _ingest(config: Config, file: Path, account: str) -> list[Any]:
    from connecteurs.jsonl import parse_lines
    from passerelle.deliver import deliver

    interactions = parse_lines(await asyncio.to_thread(file.read_bytes), account)
    configured = {(a.platform, a.account) for a in config.accounts}
    if (Platform.JSONL, account) not in configured:
        raise ValueError(f"account jsonl/{account} is not in the config's [[accounts]]")
    client = await connect()
    policy = config.policy()
    deliveries = []
    for interaction in interactions:
        deliveries.append(await deliver(client, interaction, policy, config.task_queue))
    return deliveries


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

    async def go() -> list[operations.Listed]:
        client = await connect()
        return await operations.list_interactions(
            client, state=state_, breached=True if breached else None, limit=limit
        )

    rows = _run(go())
    if as_json:
        _print_json([r.model_dump(exclude={"running"}) for r in rows])
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

    status, timeline = _run(go())
    if as_json:
        _print_json(
            {"status": status.model_dump(mode="json"), "timeline": timeline.model_dump(mode="json")}
        )
        return
    print_show(out, status, timeline.entries, _config().timezone)


# --------------------------------------------------------------------------- acting


async def _client() -> Client:
    return await connect()


@app.command()
def answer(
    reference: Annotated[str, typer.Argument(metavar="ID", help="Interaction or workflow id.")],
    text: Annotated[str, typer.Argument(help="The answer, posted on the platform.")],
    actor: ActorOption = None,
    dm: Annotated[bool, typer.Option("--dm", help="Answer by direct message.")] = False,
) -> None:
    """Answer an interaction as a human (posts the reply, stops the SLA clock)."""

    async def go() -> Any:
        return await operations.answer(await _client(), reference, text, _actor(actor), direct=dm)

    result = _run(go())
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

    async def go() -> Any:
        return await operations.approve(await _client(), reference, draft_id, _actor(actor), text)

    result = _run(go())
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

    async def go() -> Any:
        return await operations.acknowledge(await _client(), reference, _actor(actor), note)

    status = _run(go())
    out.print(f"{status.id}: acknowledged, {status.state.value}")


@app.command()
def escalate(
    reference: Annotated[str, typer.Argument(metavar="ID")],
    to: Annotated[str, typer.Option("--to", help="Target name from the config's [targets].")],
    reason: Annotated[str, typer.Option(help="Why, for the target and the audit.")] = "",
    actor: ActorOption = None,
) -> None:
    """Escalate an interaction to a target now."""

    async def go() -> Any:
        return await operations.escalate(await _client(), reference, to, reason, _actor(actor))

    result = _run(go())
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

    async def go() -> Any:
        return await operations.assign(await _client(), reference, who, _actor(actor))

    _run(go())
    out.print(f"assigned to {who}")


@app.command()
def close(
    reference: Annotated[str, typer.Argument(metavar="ID")],
    resolution: Annotated[str, typer.Option(help="Why it is closed.")] = "resolved",
    actor: ActorOption = None,
) -> None:
    """Close an interaction (a later follow-up reopens it)."""

    async def go() -> Any:
        return await operations.close(await _client(), reference, resolution, _actor(actor))

    status = _run(go())
    out.print(f"{status.id}: {status.state.value}")


# --------------------------------------------------------------------------- plugins, config


@plugins_app.command("list")
def plugins_list(as_json: JsonOption = False) -> None:
    """List installed plugins by entry-point group, and any that failed to load."""
    from plugins.discovery import CLASSIFIERS, CONNECTORS, NOTIFIERS, discover

    connectors = discover(CONNECTORS)
    classifiers = discover(CLASSIFIERS)
    notifiers = discover(NOTIFIERS)
    document = {
        "connectors": [
            {
                "name": name,
                "platform": cls.manifest.platform.value,
                "version": cls.manifest.version,
                "capabilities": sorted(c.value for c in cls.manifest.capabilities),
            }
            for name, cls in sorted(connectors.plugins.items())
        ],
        "classifiers": [
            {"name": name, "version": getattr(cls, "version", "?")}
            for name, cls in sorted(classifiers.plugins.items())
        ],
        "notifiers": [{"name": name} for name in sorted(notifiers.plugins)],
        "broken": [
            {"group": b.group, "name": b.name, "error": b.error}
            for found in (connectors, classifiers, notifiers)
            for b in found.broken
        ],
    }
    if as_json:
        _print_json(document)
        return
    for group in ("connectors", "classifiers", "notifiers"):
        out.print(f"[bold]{group}[/bold]")
        for item in document[group]:
            details = ", ".join(item.get("capabilities", [])) or item.get("version", "")
            out.print(f"  {item['name']:<12} {details}")
    for broken in document["broken"]:
        out.print(f"[red]broken[/red] {broken['group']}:{broken['name']}: {broken['error']}")


@config_app.command("check")
def config_check(
    file: Annotated[Path, typer.Argument(help="The config file to validate.")],
    as_json: JsonOption = False,
) -> None:
    """Validate a config file; every problem is reported with its line and key.

    Checks the schema (unknown keys, bad durations, literal secrets, unknown targets) and the
    installed plugins (connector, classifier and notifier names; connector options).
    Exits 1 when anything is wrong.
    """
    from passerelle.checks import check_file

    loaded, problems = check_file(file)
    errors = [p for p in problems if p.severity == "error"]
    if as_json:
        _print_json(
            {
                "ok": not errors,
                "problems": [p.__dict__ for p in problems],
                "accounts": len(loaded.accounts) if loaded else None,
            }
        )
    else:
        for p in problems:
            mark = "[red]✗[/red]" if p.severity == "error" else "[yellow]![/yellow]"
            err.print(f"{mark} {p}")
        if loaded is not None and not errors:
            out.print(
                f"[green]✓[/green] {file}: {len(loaded.accounts)} account(s), "
                f"{len(loaded.routing)} routing rule(s), {len(loaded.targets)} target(s)"
                + (f", {len(problems)} warning(s)" if problems else "")
            )
    if errors:
        raise typer.Exit(1)


# --------------------------------------------------------------------------- classify


def _classifier() -> Any:
    """The configured classifiers, composed, as one classifier."""
    from plugins.classifiers.compose import compose
    from plugins.discovery import CLASSIFIERS, discover

    names = _config().classifiers
    found = discover(CLASSIFIERS).plugins
    missing = [n for n in names if n not in found]
    if missing:
        err.print(f"[red]error:[/red] classifier(s) not installed: {', '.join(missing)}")
        raise typer.Exit(2)
    members = [found[n]() for n in names]

    class Composed:
        name = "+".join(m.name for m in members)
        version = "+".join(m.version for m in members)

        def classify(self, interaction: Any) -> Any:
            return compose([m.classify(interaction) for m in members])

    return members[0] if len(members) == 1 else Composed()


@app.command()
def classify(
    texts: Annotated[list[str] | None, typer.Argument(help="Texts to classify.")] = None,
    file: Annotated[
        Path | None,
        typer.Option(
            "--file", help="JSON Lines, one object a line with `text` (other keys ignored)."
        ),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="One Classification a line, in input order.")
    ] = False,
) -> None:
    """Run the configured classifiers on texts, offline (no Temporal needed)."""
    from passerelle.bench.classify import to_interaction

    inputs = list(texts or [])
    if file is not None:
        for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                inputs.append(str(json.loads(line)["text"]))
            except (ValueError, KeyError, TypeError):
                err.print(f"[red]error:[/red] {file}:{number}: expected a JSON object with text")
                raise typer.Exit(2) from None
    if not inputs:
        err.print("[red]error:[/red] give texts or --file")
        raise typer.Exit(2)
    classifier = _classifier()
    for index, text in enumerate(inputs):
        result = classifier.classify(to_interaction(text, index))
        if as_json:
            print(result.model_dump_json())
        else:
            categories = ", ".join(sorted(c.value for c in result.categories))
            out.print(
                f"{categories:<24} risk {result.risk.value:<8} {result.language:<3} "
                f"{result.sentiment.label.value:<8} {text}",
                markup=False,
            )


@bench_app.command("classify")
def bench_classify(
    data: Annotated[
        Path,
        typer.Option(help="Labeled JSON Lines: text, language, categories (DESIGN §2 names)."),
    ] = Path("tests/data/classify_heldout.jsonl"),
    as_json: JsonOption = False,
    mistakes: Annotated[int, typer.Option(help="List this many misclassified texts.")] = 0,
) -> None:
    """Precision, recall and F1 per class, a confusion matrix, crisis recall, language
    accuracy and texts/s on one core, for the configured classifiers."""
    from passerelle.bench import classify as bench

    if not data.is_file():
        err.print(f"[red]error:[/red] no data file {data} (run from a checkout, or give --data)")
        raise typer.Exit(2)
    try:
        items = bench.load_dataset(data)
    except ValueError as problem:
        err.print(f"[red]error:[/red] {problem}")
        raise typer.Exit(2) from None
    err.print(f"classifying {len(items)} texts, then timing…")
    report = bench.evaluate(_classifier(), items)
    if as_json:
        print(report.to_json())
    else:
        out.print(bench.render_text(report, mistakes=mistakes), markup=False, highlight=False)


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
        clauses.append(f"StartTime >= '{_utc(since)}'")
    if until is not None:
        clauses.append(f"StartTime < '{_utc(until)}'")
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

    manifest = _run(go())
    if as_json:
        _print_json(manifest.to_json())
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

    history, start, entries, recorded = _run(go())
    timezone = start.policy.timezone
    if as_json:
        _print_json(
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

    outcomes = _run(audit.replay(paths))
    if not outcomes:
        err.print("[red]error:[/red] no history files found")
        raise typer.Exit(2)
    if as_json:
        _print_json([o.__dict__ for o in outcomes])
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


def run() -> None:
    """Console-script entry point.

    Temporal's Rust core keeps threads that can abort CPython's finalization ("Fatal Python
    error: PyGILState_Release", temporalio/sdk-python issue 300), turning a successful
    command into exit -6 now and then. Once the command has finished and its output is
    flushed there is nothing left to clean up, so the process leaves without finalizing.
    """
    code: int = 0
    try:
        app()
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
    finally:
        logging.shutdown()
        sys.stdout.flush()
        sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":  # pragma: no cover
    run()
