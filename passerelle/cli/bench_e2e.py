"""``passerelle bench e2e``: see passerelle/bench/e2e.py."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from passerelle.cli.app import JsonOption, bench_app, err, out, run_async


def _worker_options(values: list[str]) -> dict[str, Any]:
    """``KEY=INT`` pairs for temporalio's ``Worker`` (e.g. ``max_cached_workflows=2000``)."""
    options: dict[str, Any] = {}
    for value in values:
        key, sep, number = value.partition("=")
        if not sep or not key.strip():
            raise typer.BadParameter(f"expected KEY=INT, got {value!r}", param_hint="--worker")
        try:
            options[key.strip()] = int(number)
        except ValueError:
            raise typer.BadParameter(
                f"{key.strip()} needs an integer, got {number!r}", param_hint="--worker"
            ) from None
    return options


@bench_app.command("e2e")
def bench_e2e(
    n: Annotated[int, typer.Option("--n", min=1, help="Interactions (and bare workflows).")] = 1000,
    accounts: Annotated[
        int,
        typer.Option(
            min=1, help="jsonl accounts (one outbox file each) the interactions are spread on."
        ),
    ] = 10,
    concurrency: Annotated[int, typer.Option(min=1, help="Start calls in flight at once.")] = 50,
    close_after: Annotated[
        str, typer.Option(help="close_answered_after: the answered → closed timer.")
    ] = "1s",
    reopen_window: Annotated[
        str, typer.Option(help="reopen_window: how long a closed interaction still listens.")
    ] = "1s",
    worker: Annotated[
        list[str] | None,
        typer.Option(
            "--worker",
            help="KEY=INT worker setting for both phases, e.g. max_cached_workflows=2000, "
            "max_concurrent_workflow_task_polls=10 (repeatable).",
        ),
    ] = None,
    timeout: Annotated[
        float | None, typer.Option(help="Seconds each segment may take (default 120 + N/5).")
    ] = None,
    classify_locally: Annotated[
        bool,
        typer.Option(
            help="The policy's classify_locally: classification as a local activity (the "
            "default) or as an ordinary one, to measure what running it locally gains.",
        ),
    ] = True,
    reload_workflow_modules: Annotated[
        bool,
        typer.Option(
            help="[worker] reload_workflow_modules for both sides: Temporal's default sandbox, "
            "which imports each workflow's module afresh for every run, to measure what "
            "sharing them gains.",
        ),
    ] = False,
    rounds: Annotated[
        int,
        typer.Option(
            min=1,
            help="Rounds of one segment per side, the order swapped each round (A B, B A…); "
            "the default 2 cancels a steady drift of the machine's speed.",
        ),
    ] = 2,
    as_json: JsonOption = False,
) -> None:
    """N interactions through their whole lifecycle (classify, decide, reply to the jsonl
    fake platform, close, record) against N bare workflows with the same activities and
    timers (no-op bodies), same worker settings, same dev server, same run.

    Starts its own in-memory Temporal dev server; nothing else is needed. Exits 1 if an
    interaction was lost (not replied, closed and completed) or replied to twice. About
    five minutes with the defaults on 2 cores (4 segments of 1,000 workflows).
    """
    from passerelle.bench import e2e as bench

    options = _worker_options(worker or [])
    result = run_async(
        bench.bench(
            n,
            accounts=accounts,
            concurrency=concurrency,
            close_after=close_after,
            reopen_window=reopen_window,
            worker_options=options,
            timeout=timeout,
            classify_locally=classify_locally,
            reload_modules=reload_workflow_modules,
            rounds=rounds,
            progress=lambda line: err.print(f"[dim]{line}[/dim]"),
        )
    )
    if as_json:
        print(result.to_json())
    else:
        for label, value in bench.summary(result):
            out.print(f"{label:<24} {value}", markup=False, highlight=False)
    if not result.ok:
        err.print(
            f"[red]{result.lost} lost, {result.duplicate_replies} duplicate replies, "
            f"{result.baseline_completed}/{result.baseline.workflows} bare workflows "
            "completed[/red]"
        )
        raise typer.Exit(1)
