"""Commands that run things: the demo, the local stack, a worker, ingestion."""

from __future__ import annotations

import asyncio
import os
import signal
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from temporalio.client import Client

from connecteurs.models import Platform
from passerelle import operations
from passerelle.audit import file_name as audit_file_name
from passerelle.cli.app import (
    JsonOption,
    app,
    err,
    load_config,
    out,
    print_json,
    run_async,
)
from passerelle.config import Config
from passerelle.temporal import (
    DEV_FILE,
    STATE_DIR,
    DevStack,
    connect,
    require_search_attributes,
)
from passerelle.views import print_show

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
            print_json(result)
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

    result = run_async(run_demo(err, after=after))
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
    port: Annotated[
        int, typer.Option(help="The webhook gateway's port on 127.0.0.1; a free one if taken.")
    ] = 8080,
) -> None:
    """Run the local stack: Temporal dev server (SQLite in .passerelle/), a worker, the
    pollers of polled accounts and the webhook gateway on 127.0.0.1.

    Writes .passerelle/dev.json so other commands in this directory find it. Ctrl-C stops
    everything; open interactions survive a restart.
    """
    run_async(_dev(load_config(checked=True), temporal_port, ui, port))


async def _dev(config: Config, port: int, ui: bool, gateway_port: int) -> None:
    from passerelle import devserver
    from passerelle.channels import ensure_channels
    from passerelle.gateway.serve import gateway_for, uvicorn_server
    from passerelle.worker import build_runtime, create_worker, ensure_pollers

    STATE_DIR.mkdir(exist_ok=True)
    runtime = build_runtime(config)
    err.print("Starting Temporal dev server…")
    ui_port = devserver.free_port(8233) if ui else None
    env = await devserver.start(
        STATE_DIR / "temporal.db", port=port, ui_port=ui_port, log_file=STATE_DIR / "temporal.log"
    )
    address = env.client.service_client.config.target_host
    # Bound here and handed to uvicorn: checking a port and binding it later races with
    # whatever else starts meanwhile (and uvicorn exits the process when a bind fails).
    listener = devserver.listening_socket(gateway_port)
    gateway_port = int(listener.getsockname()[1])
    stack = DevStack(
        temporal_address=address,
        namespace=env.client.namespace,
        gateway_url=f"http://127.0.0.1:{gateway_port}",
        ui_url=f"http://127.0.0.1:{ui_port}" if ui_port else None,
        pid=os.getpid(),
    )
    server = uvicorn_server(
        gateway_for(config, env.client), "127.0.0.1", gateway_port, embedded=True
    )
    DEV_FILE.write_text(stack.model_dump_json(indent=2), encoding="utf-8")
    try:
        async with create_worker(env.client, config, runtime):
            pollers = await ensure_pollers(env.client, config, runtime)
            channels = await ensure_channels(env.client, config)
            serving = asyncio.create_task(server.serve(sockets=[listener]))
            out.print(f"Temporal   {address} (namespace {stack.namespace})")
            routes = f"{stack.gateway_url}/webhooks/{{connector}}[/{{account}}]"
            out.print(f"Gateway    {routes}", markup=False)
            if pollers:
                out.print(f"Pollers    {', '.join(pollers)}")
            if channels:
                out.print(f"Channels   {len(channels)} watched (`passerelle channels`)")
            if stack.ui_url:
                out.print(f"Web UI     {stack.ui_url}")
            out.print(f"Task queue {config.task_queue}")
            out.print(f"State      {DEV_FILE}  (Ctrl-C to stop)")
            await _until_signal()
            err.print("Stopping…")
            server.should_exit = True
            await serving
    finally:
        DEV_FILE.unlink(missing_ok=True)
        await env.shutdown()


@app.command()
def worker(
    health_port: Annotated[
        int,
        typer.Option(
            envvar="PASSERELLE_HEALTH_PORT",
            help="Port of /healthz and /readyz for container probes (0: none).",
        ),
    ] = 8081,
    metrics_port: Annotated[
        int,
        typer.Option(
            envvar="PASSERELLE_METRICS_PORT",
            help="Port of the Prometheus endpoint: Temporal's worker metrics and Passerelle's "
            "own (transitions, breaches, classification latency, action errors); 0: none.",
        ),
    ] = 9464,
) -> None:
    """Run one worker on the configured task queue (a cluster deployment's worker role).

    Run as many as you like against one task queue: Temporal shares the work. Starts the
    pollers of polled accounts and every account's health check if they are not running.
    SIGTERM (or Ctrl-C) stops taking new work and gives running activities [worker]
    graceful_shutdown (default 30s) to finish; what is left is retried by another worker,
    never lost.
    """
    run_async(_worker(load_config(checked=True), health_port, metrics_port))


async def _worker(config: Config, health_port: int, metrics_port: int) -> None:
    from passerelle import devserver
    from passerelle.channels import ensure_channels
    from passerelle.gateway.serve import asgi_server
    from passerelle.health import worker_health_app
    from passerelle.logging import temporal_runtime
    from passerelle.worker import build_runtime, create_worker, ensure_pollers

    runtime = build_runtime(config)
    telemetry = None
    if metrics_port:
        telemetry = temporal_runtime(metrics_address=f"0.0.0.0:{metrics_port}")
    client = await connect(runtime=telemetry)
    await require_search_attributes(client)
    worker = create_worker(client, config, runtime)
    pollers = await ensure_pollers(client, config, runtime)
    channels = await ensure_channels(client, config)
    health = None
    if health_port:
        listener = devserver.listening_socket(health_port, host="0.0.0.0", fallback=False)
        health = asgi_server(worker_health_app(worker, client), "0.0.0.0", 0, embedded=True)
        serving = asyncio.create_task(health.serve(sockets=[listener]))
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, lambda: asyncio.ensure_future(worker.shutdown()))
    err.print(
        f"Worker on task queue {config.task_queue!r} at {client.service_client.config.target_host}"
    )
    for poller in pollers:
        err.print(f"  poller {poller}")
    if channels:
        err.print(f"  {len(channels)} channel(s) watched (`passerelle channels`)")
    if health_port:
        err.print(f"  health on :{health_port} (/healthz, /readyz)")
    if metrics_port:
        err.print(f"  metrics on :{metrics_port}/metrics")
    try:
        await worker.run()
    finally:
        if health is not None:
            health.should_exit = True
            await serving


@app.command()
def setup(
    check_only: Annotated[
        bool, typer.Option("--check-only", help="Check, register nothing.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Check the connection to the Temporal cluster and register Passerelle's search
    attributes on its namespace (safe to run again: it registers only what is missing).

    Reads TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS_CERT and
    TEMPORAL_TLS_KEY. Each step says what failed and what to do: address unreachable, TLS,
    credentials, missing namespace, attributes that exist with another type. Exit 1 when
    a step fails. Run it once per namespace before the first worker (the compose file and
    the Kubernetes Job do).
    """
    from passerelle.setup import run_setup

    report = run_async(run_setup(register=not check_only))
    if as_json:
        print_json(
            {
                "ok": report.ok,
                "address": report.address,
                "namespace": report.namespace,
                "registered": report.registered,
                "steps": [s.__dict__ for s in report.steps],
            }
        )
    else:
        for step in report.steps:
            mark = "[green]✓[/green]" if step.ok else "[red]✗[/red]"
            out.print(f"{mark} {step.name:<18} {escape(step.detail)}")
    if not report.ok:
        raise typer.Exit(1)


@app.command()
def gateway(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "0.0.0.0",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8080,
    max_body: Annotated[
        int, typer.Option(help="Largest accepted delivery, in bytes (413 above).")
    ] = 1024 * 1024,
) -> None:
    """Serve the webhook gateway (a cluster deployment's ingress role; stateless, scale it
    out freely).

    Routes: POST|GET /webhooks/{connector}[/{account}] (deliveries and verification
    handshakes), GET /healthz, GET /readyz (Temporal reachable), GET /metrics (Prometheus).
    A delivery is answered 200 only once each of its interactions has a workflow; 503 while
    Temporal is unreachable, so the platform delivers it again. SIGTERM drains in-flight
    requests and stops.
    """
    run_async(_gateway(load_config(checked=True), host, port, max_body))


async def _gateway(config: Config, host: str, port: int, max_body: int) -> None:
    from passerelle.gateway.serve import GATEWAY_RETRY, gateway_for, uvicorn_server

    client = await connect(lazy=True, retry_config=GATEWAY_RETRY)
    server = uvicorn_server(gateway_for(config, client, max_body=max_body), host, port)
    err.print(f"Gateway on http://{host}:{port} for {len(config.accounts)} account(s)")
    await server.serve()


@app.command()
def ingest(
    file: Annotated[Path, typer.Argument(help="JSON Lines file, one event a line.", exists=True)],
    account: Annotated[str, typer.Option(help="Account the events belong to.")] = "local",
    as_json: JsonOption = False,
) -> None:
    """Start interactions from a JSON Lines file (the `jsonl` connector's event format).

    Lines with a `thread_event` key (answered, edited, deleted…) are signalled to the open
    interaction of their thread after the interactions, and never start one."""
    config = load_config()
    deliveries = run_async(_ingest(config, file, account))
    if as_json:
        print_json(
            [
                d.model_dump(mode="json") | {"duplicate": d.outcome == "duplicate"}
                for d in deliveries
            ]
        )
        return
    for d in deliveries:
        out.print(f"{d.interaction_id:<40} {d.outcome.value:<13} {d.workflow_id}")
    err.print(f"{len(deliveries)} event(s) delivered")


async def _ingest(config: Config, file: Path, account: str) -> list[Any]:
    from connecteurs.jsonl import read_lines
    from passerelle.deliver import deliver, deliver_event

    interactions, events = read_lines(await asyncio.to_thread(file.read_bytes), account)
    configured = {(a.platform, a.account) for a in config.accounts}
    if (Platform.JSONL, account) not in configured:
        raise ValueError(f"account jsonl/{account} is not in the config's [[accounts]]")
    client = await connect()
    policy = config.policy()
    deliveries = []
    for interaction in interactions:
        deliveries.append(await deliver(client, interaction, policy, config.task_queue))
    for event in events:  # after the interactions: a thread starts before its news
        deliveries.append(await deliver_event(client, event))
    return deliveries
