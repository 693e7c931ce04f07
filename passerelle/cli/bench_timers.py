"""``passerelle bench timers``: see passerelle/bench/timers.py."""

from __future__ import annotations

from typing import Annotated

import typer

from passerelle.cli.app import JsonOption, bench_app, err, out, run_async


@bench_app.command("timers")
def bench_timers(
    n: Annotated[int, typer.Option("--n", help="Interactions parked on SLA timers.")] = 20_000,
    breaches: Annotated[
        int, typer.Option(help="How many of them breach during the run (the rest wait 1 day).")
    ] = 1_000,
    rate: Annotated[float, typer.Option(help="Breaches per second (they fall due evenly).")] = 20.0,
    idle_seconds: Annotated[
        float, typer.Option(help="How long worker CPU is sampled once all are parked.")
    ] = 10.0,
    window: Annotated[
        int, typer.Option(help="At most this many started but not yet parked while parking.")
    ] = 500,
    as_json: JsonOption = False,
) -> None:
    """N interactions waiting on their first-response SLA timer: the worker's CPU and RSS
    while they wait, and how late breach notifications are (deadline to notification,
    p50/p99/max), next to a bare Temporal workflow sleeping until its deadline.

    Each side gets its own dev server (a SQLite file in a temporary folder, deleted after)
    and its worker process (`passerelle worker`, and a bare SDK worker), one after the
    other. Parking is bounded by the worker: on a 2-core machine the default 20,000 takes 14
    minutes in all (57 interactions/s, bare timers 79/s), `--n 100000` an hour; `--n 4000`
    fits in 5 minutes.
    Exit 1 if a breach was not notified, notified twice, or notified before it was due.
    """
    from passerelle.bench import timers as bench

    result = run_async(
        bench.bench(
            n=n,
            breaches=min(breaches, n),
            rate=rate,
            idle_seconds=idle_seconds,
            window=window,
            progress=lambda line: err.print(f"[dim]{line}[/dim]"),
        )
    )
    if as_json:
        print(result.to_json())
    else:
        for label, value in bench.summary(result):
            out.print(f"{label:<28} {value}")
    if result.failed:
        err.print("[red]breaches lost, notified twice or notified early[/red]")
        raise typer.Exit(1)
