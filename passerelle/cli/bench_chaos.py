"""``passerelle bench chaos``: see passerelle/bench/chaos.py."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from passerelle.cli.app import JsonOption, bench_app, err, out, run_async


@bench_app.command("chaos")
def bench_chaos(
    n: Annotated[int, typer.Option("--n", help="Interactions to feed.")] = 500,
    workers: Annotated[int, typer.Option(help="`passerelle worker` processes.")] = 2,
    rate: Annotated[float, typer.Option(help="Deliveries per second.")] = 20.0,
    kills: Annotated[int, typer.Option(help="Workers SIGKILLed (and replaced) mid-run.")] = 5,
    server_restarts: Annotated[
        int, typer.Option(help="Times the dev server is stopped and started again.")
    ] = 2,
    redeliver: Annotated[float, typer.Option(help="Share of events delivered twice.")] = 0.2,
    fault_rate: Annotated[
        float, typer.Option(help="Share of platform calls answered 429, 500 or a timeout.")
    ] = 0.1,
    seed: Annotated[int, typer.Option(help="Seed of every random choice (reproducible).")] = 1,
    latency: Annotated[
        float, typer.Option(help="Seconds each platform call takes (calls in flight at a kill).")
    ] = 0.2,
    baseline: Annotated[
        bool, typer.Option(help="First run the same pipeline without faults, for the ratio.")
    ] = True,
    keep: Annotated[
        Path | None,
        typer.Option(help="Folder for the server file, logs and outboxes (default: a temp one)."),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Feed interactions to worker processes while killing workers, restarting the dev
    server, redelivering events and failing platform calls; then check every interaction
    ended as expected with nothing lost and no reply or notification doubled.

    Starts its own dev server (SQLite) and workers on 127.0.0.1; nothing else is needed.
    A SIGKILLed worker's activities wait out their 60 s timeout, so a run takes a few
    minutes. Exits 1 when anything was lost or doubled.
    """
    from passerelle.bench import chaos as bench

    if n < 1 or workers < 1 or rate <= 0 or not 0 <= redeliver <= 1 or not 0 <= fault_rate <= 1:
        err.print("[red]error:[/red] --n, --workers, --rate must be positive; shares in 0..1")
        raise typer.Exit(2)
    if keep is not None:
        keep.mkdir(parents=True, exist_ok=True)
    result = run_async(
        bench.bench(
            n,
            workers=workers,
            rate=rate,
            kills=kills,
            server_restarts=server_restarts,
            redeliver_share=redeliver,
            fault_rate=fault_rate,
            seed=seed,
            latency=latency,
            baseline=baseline,
            folder=keep.resolve() if keep is not None else None,
            progress=lambda line: err.print(f"[dim]{line}[/dim]", highlight=False),
        )
    )
    if as_json:
        print(result.to_json())
    else:
        for label, value in bench.summary(result):
            out.print(f"{label:<28} {value}", highlight=False)
    if not result.ok:
        err.print("[red]interactions lost, doubled or in the wrong end state[/red]")
        raise typer.Exit(1)
