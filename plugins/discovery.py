"""Entry-point discovery for connectors, classifiers and notifiers.

A broken third-party plugin must never take the worker down: each load is wrapped, and a
failure is kept as a :class:`BrokenPlugin` with its reason so ``passerelle plugins list``
can show it. ``PASSERELLE_DISABLE_PLUGIN_AUTOLOAD=1`` keeps only Passerelle's own plugins.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from importlib.metadata import EntryPoint, entry_points
from typing import Any

import structlog

CONNECTORS = "passerelle.connecteurs"
CLASSIFIERS = "passerelle.classifiers"
NOTIFIERS = "passerelle.notifiers"
GROUPS = (CONNECTORS, CLASSIFIERS, NOTIFIERS)
OWN_DISTRIBUTION = "passerelle"
DISABLE_AUTOLOAD = "PASSERELLE_DISABLE_PLUGIN_AUTOLOAD"

log = structlog.get_logger("passerelle.plugins")


@dataclass(frozen=True)
class BrokenPlugin:
    group: str
    name: str
    value: str
    error: str


@dataclass
class Discovered:
    plugins: dict[str, Any] = field(default_factory=dict)
    broken: list[BrokenPlugin] = field(default_factory=list)


def _is_own(ep: EntryPoint) -> bool:
    dist = ep.dist
    return dist is not None and dist.name == OWN_DISTRIBUTION


def discover(group: str) -> Discovered:
    """Load every entry point of ``group``; a failing one is recorded, not raised."""
    found = Discovered()
    autoload = os.environ.get(DISABLE_AUTOLOAD, "") in ("", "0")
    for ep in entry_points(group=group):
        if not autoload and not _is_own(ep):
            continue
        if ep.name in found.plugins:
            found.broken.append(
                BrokenPlugin(group, ep.name, ep.value, "name already taken by another plugin")
            )
            continue
        try:
            found.plugins[ep.name] = ep.load()
        except Exception as err:  # a third party's bug must not stop the worker
            log.error("plugin disabled", group=group, name=ep.name, error=repr(err))
            found.broken.append(BrokenPlugin(group, ep.name, ep.value, repr(err)))
    return found
