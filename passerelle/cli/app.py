"""The ``passerelle`` application object, its options, and what every command shares."""

from __future__ import annotations

import asyncio
import getpass
import json
import os
import sys
from collections.abc import Awaitable, Callable, Coroutine
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from temporalio.client import WorkflowUpdateFailedError
from temporalio.service import RPCError, RPCStatusCode

from connecteurs.errors import InvalidRequest
from passerelle import __version__
from passerelle import config as config_module
from passerelle import logging as passerelle_logging
from passerelle.codec import CodecError
from passerelle.config import Config, ConfigError
from passerelle.temporal import (
    MissingSearchAttributes,
    NoTemporal,
    connect,
)
from passerelle.worker import WiringError

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


class CliState:
    config_path: Path | None = None


state = CliState()


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
EXPECTED_ERRORS: tuple[tuple[type[Exception], str, int], ...] = (
    (NoTemporal, "error", 2),
    (ConfigError, "config error", 2),
    (InvalidRequest, "invalid input", 2),
    (MissingSearchAttributes, "cannot start", 2),
    (WiringError, "cannot start", 2),
    (CodecError, "encryption", 2),
    (ValueError, "error", 2),
    (OSError, "cannot start", 2),  # a port already taken, a certificate file missing
)


def run_async(coroutine: Coroutine[Any, Any, T]) -> T:
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
        for kind, label, code in EXPECTED_ERRORS:
            if isinstance(problem, kind):
                separator = "\n" if isinstance(problem, ConfigError) else " "
                err.print(f"[red]{label}:[/red]{separator}{problem}")
                raise typer.Exit(code) from None
        raise


def load_config(*, checked: bool = False) -> Config:
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


def acting_as(value: str | None) -> str:
    return value or os.environ.get("PASSERELLE_ACTOR") or f"cli:{getpass.getuser()}"


def utc_text(value: datetime) -> str:
    aware = value if value.tzinfo else value.replace(tzinfo=UTC)
    return aware.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def print_json(value: Any) -> None:
    out.print_json(json.dumps(value, ensure_ascii=False, default=str))


async def with_client(operation: Callable[..., Awaitable[T]], *args: Any, **kwargs: Any) -> T:
    """One of ``passerelle.operations`` against the Temporal this directory points at."""
    return await operation(await connect(), *args, **kwargs)
