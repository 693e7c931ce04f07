"""Worker wiring: plugins from the config, activities around them, one task queue."""

from __future__ import annotations

import sys
import zoneinfo
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from temporalio.client import Client
from temporalio.common import WorkflowIDConflictPolicy
from temporalio.worker import Worker, WorkflowRunner
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

from activites import ChannelActivities, InteractionActivities, PollingActivities, Runtime
from connecteurs.base import AccountContext, Capability, Connecteur, options_for
from connecteurs.models import Interaction, Platform, ThreadEvent
from passerelle.bytecode import ensure_bytecode
from passerelle.channels import activity_reader, failure_reporter
from passerelle.config import Config, WorkerSettings, resolve_secret
from passerelle.deliver import deliver, deliver_event
from plugins.classifiers.base import Classifier
from plugins.discovery import CLASSIFIERS, CONNECTORS, NOTIFIERS, discover
from plugins.notifiers.base import Notifier
from workflows.channel import ChannelHealthWorkflow
from workflows.interaction import InteractionWorkflow
from workflows.models import PollerStart
from workflows.poller import PollerWorkflow, poller_id

WORKFLOWS = (InteractionWorkflow, PollerWorkflow, ChannelHealthWorkflow)


class WiringError(Exception):
    """The config names a plugin or secret that is not there; the worker must not start."""


def _load(group: str, wanted: Sequence[str], what: str) -> dict[str, Any]:
    found = discover(group)
    broken = {b.name: b.error for b in found.broken}
    loaded: dict[str, Any] = {}
    for name in wanted:
        if name in found.plugins:
            loaded[name] = found.plugins[name]
        elif name in broken:
            raise WiringError(f"{what} {name!r} failed to load: {broken[name]}")
        else:
            known = ", ".join(sorted(found.plugins)) or "none"
            raise WiringError(f"unknown {what} {name!r} (installed: {known})")
    return loaded


def build_connectors(
    config: Config, *, base_dir: Path | None = None
) -> dict[tuple[Platform, str], Connecteur]:
    """One connector instance per configured account, secrets resolved (workers and
    gateways both need them; a missing secret stops the process here, by name)."""
    connector_classes = _load(CONNECTORS, [a.connector for a in config.accounts], "connector")
    connectors: dict[tuple[Platform, str], Connecteur] = {}
    for account in config.accounts:
        cls = connector_classes[account.connector]
        try:
            secrets = {k: resolve_secret(v, base=base_dir) for k, v in account.secrets.items()}
            options = options_for(cls.manifest, account.options)
        except (KeyError, ValueError) as err:
            raise WiringError(f"account {account.platform.value}/{account.account}: {err}") from err
        connectors[(account.platform, account.account)] = cls(
            AccountContext(
                account=account.account,
                platform=account.platform,
                secrets=secrets,
                options=options,
                base_url=account.base_url,
            )
        )
    return connectors


def build_runtime(config: Config, *, base_dir: Path | None = None) -> Runtime:
    connectors = build_connectors(config, base_dir=base_dir)
    classifier_classes = _load(CLASSIFIERS, config.classifiers, "classifier")
    classifiers: list[Classifier] = [classifier_classes[name]() for name in config.classifiers]
    notifier_classes = _load(NOTIFIERS, [t.notifier for t in config.targets.values()], "notifier")
    notifiers: dict[str, Notifier] = {}
    for name, target in config.targets.items():
        try:
            secrets = {k: resolve_secret(v, base=base_dir) for k, v in target.secrets.items()}
            notifiers[name] = notifier_classes[target.notifier](name, target.options, secrets)
        except (KeyError, ValueError) as err:
            raise WiringError(f"target {name}: {err}") from err
    return Runtime(
        connectors=connectors,
        classifiers=classifiers,
        notifiers=notifiers,
        record_path=config.records,
    )


def pin_timezone_data() -> None:
    """Deadlines are computed inside workflows from timezone rules: every worker must read
    the same rules, those of the pinned ``tzdata`` package, not whatever the host has (a
    host update would otherwise change replayed deadlines)."""
    zoneinfo.reset_tzpath(to=())


def workflow_runner(settings: WorkerSettings, workflows: Iterable[type]) -> WorkflowRunner:
    """Temporal's sandbox, with the modules that define ``workflows`` imported once and shared
    by every run unless ``reload_workflow_modules`` asks for Temporal's default.

    The sandbox re-imports a workflow's module for each run so that module state cannot leak
    from one run to the next, and so that a clock or random call in it fails at run time.
    Re-importing ``workflows/interaction.py`` re-builds its class and re-checks every handler
    of it: about 4 ms of the 19 ms of CPU that replaying an auto-answered comment costs
    (README, performance). Our workflow modules hold only constants and classes, and
    ``tests/unit/test_layers.py`` reads them for clock, I/O and random calls; the replay tests
    still run the golden histories in the default sandbox. Built-in restrictions (``open``
    and the like) apply either way.
    """
    if settings.reload_workflow_modules:
        return SandboxedWorkflowRunner()
    modules = sorted({cls.__module__ for cls in workflows})
    restrictions = SandboxRestrictions.default.with_passthrough_modules(*modules)
    return SandboxedWorkflowRunner(restrictions=restrictions)


def worker_settings(config: Config, workflows: Iterable[type] = WORKFLOWS) -> dict[str, Any]:
    """The ``[worker]`` table as temporalio ``Worker`` keyword arguments, for a worker that
    runs ``workflows``."""
    return {
        "max_concurrent_activities": config.worker.max_concurrent_activities,
        "max_concurrent_workflow_tasks": config.worker.max_concurrent_workflow_tasks,
        "max_cached_workflows": config.worker.max_cached_workflows,
        "graceful_shutdown_timeout": config.worker.graceful_shutdown,
        "workflow_runner": workflow_runner(config.worker, workflows),
    }


def create_worker(client: Client, config: Config, runtime: Runtime, **options: Any) -> Worker:
    pin_timezone_data()
    ensure_bytecode(sys.modules[w.__module__] for w in WORKFLOWS)
    if runtime.deliver is None:
        policy = config.policy()

        async def deliver_polled(interaction: Interaction) -> object:
            return await deliver(client, interaction, policy, config.task_queue)

        runtime.deliver = deliver_polled
    if runtime.deliver_event is None:

        async def deliver_polled_event(event: ThreadEvent) -> object:
            return await deliver_event(client, event, config.policy(), config.task_queue)

        runtime.deliver_event = deliver_polled_event
    if runtime.report_failure is None:
        runtime.report_failure = failure_reporter(client, config)
    if runtime.channel_activity is None:
        runtime.channel_activity = activity_reader(client, config)
    return Worker(
        client,
        task_queue=config.task_queue,
        workflows=list(WORKFLOWS),
        activities=[
            *InteractionActivities(runtime).all(),
            *PollingActivities(runtime).all(),
            *ChannelActivities(runtime).all(),
        ],
        **(worker_settings(config) | options),
    )


def polled_accounts(config: Config, runtime: Runtime) -> list[PollerStart]:
    """The accounts whose connector polls (declares ``poll``), with their interval."""
    starts = []
    for account in config.accounts:
        connector = runtime.connectors.get((account.platform, account.account))
        if connector is not None and connector.supports(Capability.POLL):
            starts.append(
                PollerStart(
                    platform=account.platform, account=account.account, every=account.poll_every
                )
            )
    return starts


async def ensure_pollers(client: Client, config: Config, runtime: Runtime) -> list[str]:
    """Start the poller of every polled account that has none running (any worker may call
    this at start-up: a running poller is kept, with its cursor)."""
    started = []
    for start in polled_accounts(config, runtime):
        handle = await client.start_workflow(
            PollerWorkflow.run,
            start,
            id=poller_id(start.platform.value, start.account),
            task_queue=config.task_queue,
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
        )
        started.append(handle.id)
    return started
