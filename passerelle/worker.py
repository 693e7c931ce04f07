"""Worker wiring: plugins from the config, activities around them, one task queue."""

from __future__ import annotations

import zoneinfo
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from temporalio.client import Client
from temporalio.worker import Worker

from activites import InteractionActivities, Runtime
from connecteurs.base import AccountContext, Connecteur, options_for
from connecteurs.models import Platform
from passerelle.config import Config, resolve_secret
from plugins.classifiers.base import Classifier
from plugins.discovery import CLASSIFIERS, CONNECTORS, NOTIFIERS, discover
from plugins.notifiers.base import Notifier
from workflows.interaction import InteractionWorkflow


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


def build_runtime(config: Config, *, base_dir: Path | None = None) -> Runtime:
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
                secrets=secrets,
                options=options,
                base_url=account.base_url,
            )
        )
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


def create_worker(client: Client, config: Config, runtime: Runtime, **options: Any) -> Worker:
    pin_timezone_data()
    activities = InteractionActivities(runtime)
    return Worker(
        client,
        task_queue=config.task_queue,
        workflows=[InteractionWorkflow],
        activities=activities.all(),
        **options,
    )
