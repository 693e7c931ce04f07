"""``passerelle connecteurs check NAME``: the conformance kit against one installed connector."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from passerelle.cli.app import JsonOption, app, err, out, print_json

connecteurs_app = typer.Typer(
    help="Connector tools: run the conformance kit against an installed connector."
)
app.add_typer(connecteurs_app, name="connecteurs")


@dataclass
class Outcome:
    check: str
    outcome: str  # passed, failed, skipped
    detail: str = ""


@dataclass
class Collector:
    """A pytest plugin object that keeps each check's outcome for the report."""

    outcomes: list[Outcome] = field(default_factory=list)

    def pytest_runtest_logreport(self, report: Any) -> None:
        name = str(report.nodeid).split("::")[-1]
        # A failing setup or teardown fails the check as much as its body does.
        if (
            report.when == "call"
            or report.outcome == "failed"
            or (report.when == "setup" and report.skipped)
        ):
            detail = ""
            if report.skipped and isinstance(report.longrepr, tuple):
                detail = str(report.longrepr[2]).removeprefix("Skipped: ")
            elif report.failed:
                detail = _failure_line(str(report.longreprtext))
            self.outcomes.append(Outcome(name, report.outcome, detail))


def _failure_line(text: str) -> str:
    """The ``E   …`` lines of a pytest failure: the message, without the traceback."""
    lines = [line[1:].strip() for line in text.splitlines() if line.startswith("E ")]
    return " ".join(lines)[:600] or text.strip().splitlines()[-1][:600]


@connecteurs_app.command("check")
def check(
    name: Annotated[str, typer.Argument(help="Entry-point name of the connector (e.g. meta).")],
    lenient: Annotated[
        bool,
        typer.Option(
            "--lenient",
            help="Skip, instead of fail, checks the connector's subject cannot run "
            "(strict is the default: only exemptions with a reason may skip).",
        ),
    ] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Show pytest's output.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Run the conformance kit against connector NAME.

    The connector's package registers a conformance subject under the
    ``passerelle.conformite`` entry-point group: its fake platform, documented deliveries
    and an interaction the fake knows. Each check of the kit (manifest, capabilities,
    signatures, handshake, parsing, polling, failures, idempotent replies, secret leaks)
    becomes one line of the report. Exit status: 0 when nothing failed, 1 otherwise,
    2 when NAME has no subject.

    Example: passerelle connecteurs check meta
    """
    try:
        import pytest
    except ImportError:
        err.print("[red]the conformance kit needs pytest:[/red] pip install 'passerelle[dev]'")
        raise typer.Exit(2) from None
    from connecteurs.conformite.loader import SubjectNotFound, load_subject

    try:
        load_subject(name)
    except (SubjectNotFound, TypeError) as error:
        err.print(f"[red]{error}[/red]")
        raise typer.Exit(2) from None

    collector = Collector()
    with tempfile.TemporaryDirectory(prefix="passerelle-kit-") as folder:
        ini = Path(folder) / "pytest.ini"
        # An ini of its own, so the kit runs the same whatever project it is called from.
        ini.write_text("[pytest]\nasyncio_default_fixture_loop_scope = function\n")
        args = [
            "--pyargs",
            "connecteurs.conformite.check",
            "--conformite",
            name,
            "-c",
            str(ini),
            "--rootdir",
            folder,
            "--noconftest",
            "-p",
            "no:cacheprovider",
        ]
        if not lenient:
            args.append("--conformite-strict")
        # The report below replaces pytest's own output unless asked for.
        args += ["-q"] if verbose else ["-p", "no:terminal"]
        code = pytest.main(args, plugins=[collector])
    counts = {
        k: sum(o.outcome == k for o in collector.outcomes) for k in ("passed", "failed", "skipped")
    }
    if as_json:
        print_json(
            {
                "connector": name,
                "strict": not lenient,
                "ok": code == 0,
                **counts,
                "checks": [o.__dict__ for o in collector.outcomes],
            }
        )
    else:
        colours = {"passed": "green", "failed": "red", "skipped": "yellow"}
        for o in collector.outcomes:
            detail = f"  [dim]{escape(o.detail)}[/dim]" if o.detail else ""
            out.print(f"[{colours[o.outcome]}]{o.outcome:<7}[/] {escape(o.check)}{detail}")
        verdict = "[green]conformant[/green]" if code == 0 else "[red]not conformant[/red]"
        out.print(
            f"{name}: {verdict} — {counts['passed']} passed, {counts['failed']} failed, "
            f"{counts['skipped']} skipped"
        )
    if code != 0:
        if not collector.outcomes:
            err.print(f"[red]the kit did not run (pytest exit {code}); retry with --verbose[/red]")
        raise typer.Exit(1)
