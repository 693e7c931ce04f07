"""Offline tools: plugins, config check, classification and its benchmark."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from passerelle.cli.app import (
    JsonOption,
    app,
    bench_app,
    config_app,
    err,
    load_config,
    out,
    plugins_app,
    print_json,
    run_async,
)

# --------------------------------------------------------------------------- plugins, config


def _summary(cls: Any) -> str:
    """The first sentence of a plugin's docstring, else of its module's."""
    import sys

    module = sys.modules.get(getattr(cls, "__module__", ""))
    text = cls.__doc__ or (module.__doc__ if module else "") or ""
    paragraph = " ".join(text.strip().split("\n\n")[0].split())
    return paragraph.split(". ")[0].removesuffix(".")


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
                "platforms": sorted(p.value for p in cls.manifest.platforms),
                "version": cls.manifest.version,
                "capabilities": sorted(c.value for c in cls.manifest.capabilities),
                "reply_lookup": cls.manifest.reply_lookup,
                "reply_lookup_note": cls.manifest.reply_lookup_note,
                "secrets": list(cls.manifest.secrets),
            }
            for name, cls in sorted(connectors.plugins.items())
        ],
        "classifiers": [
            {
                "name": name,
                "version": getattr(cls, "version", "?"),
                "description": _summary(cls),
                "capabilities": ["classify"],
            }
            for name, cls in sorted(classifiers.plugins.items())
        ],
        "notifiers": [
            {"name": name, "description": _summary(cls), "capabilities": ["notify"]}
            for name, cls in sorted(notifiers.plugins.items())
        ],
        "broken": [
            {"group": b.group, "name": b.name, "error": b.error}
            for found in (connectors, classifiers, notifiers)
            for b in found.broken
        ],
    }
    if as_json:
        print_json(document)
        return
    out.print("[bold]connectors[/bold]  (name, platforms, capabilities)")
    for item in document["connectors"]:
        platforms = "+".join(item["platforms"])
        out.print(f"  {item['name']:<10} {platforms:<19} {', '.join(item['capabilities'])}")
    for group in ("classifiers", "notifiers"):
        out.print(f"[bold]{group}[/bold]")
        for item in document[group]:
            version = f" {item['version']}" if "version" in item else ""
            out.print(f"  {item['name']:<10}{version}  {item['description']}")
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
        print_json(
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
    from activites.interaction import classify_with_all
    from plugins.discovery import CLASSIFIERS, discover

    names = load_config().classifiers
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
            return classify_with_all(members, interaction)

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
    gate: Annotated[
        bool,
        typer.Option(
            help="Let the keyword rules' native gate skip lexicons that cannot match "
            "(--no-gate: run them all; same predictions, to compare the speed)."
        ),
    ] = True,
) -> None:
    """Precision, recall and F1 per class, a confusion matrix, crisis recall, language
    accuracy and texts/s on one core, for the configured classifiers.

    The gate's database is built first (seconds, once: later runs load it from the cache
    directory) so that the speed is that of a running worker."""
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
    report = bench.evaluate(_classifier(), items, gate=gate)
    if as_json:
        print(report.to_json())
    else:
        out.print(bench.render_text(report, mistakes=mistakes), markup=False, highlight=False)


@bench_app.command("gateway")
def bench_gateway(
    deliveries: Annotated[int, typer.Option(help="Deliveries in the throughput run.")] = 1000,
    duplicates: Annotated[
        float, typer.Option(help="Share of deliveries that repeat an earlier event.")
    ] = 0.1,
    concurrency: Annotated[int, typer.Option(help="Deliveries in flight at once.")] = 16,
    rates: Annotated[
        str, typer.Option(help="Comma-separated fixed rates (deliveries/s) for latency runs.")
    ] = "50,100,200",
    seconds: Annotated[float, typer.Option(help="Duration of each fixed-rate run.")] = 5.0,
    as_json: JsonOption = False,
) -> None:
    """Signed deliveries through a gateway process into a dev server, next to a bare
    start_workflow loop on the same server: throughput ratio, accept latency p50/p99 at
    fixed rates, and workflows started against unique events (they must be equal).

    Starts its own in-memory Temporal dev server and `passerelle gateway` process on
    127.0.0.1; nothing else is needed. About a minute with the defaults.
    """
    from passerelle.bench import gateway as bench

    try:
        targets = tuple(float(r) for r in rates.split(",") if r.strip())
    except ValueError:
        err.print(f"[red]error:[/red] --rates must be numbers, got {rates!r}")
        raise typer.Exit(2) from None
    result = run_async(
        bench.bench(
            deliveries=deliveries,
            duplicate_share=duplicates,
            concurrency=concurrency,
            rates=targets,
            seconds_per_rate=seconds,
            progress=lambda line: err.print(f"[dim]{line}[/dim]"),
        )
    )
    if as_json:
        print(result.to_json())
    else:
        for label, value in bench.summary(result):
            out.print(f"{label:<24} {value}")
    if result.workflows_started != result.unique_events or result.errors:
        err.print("[red]workflows started differ from unique events, or deliveries failed[/red]")
        raise typer.Exit(1)
