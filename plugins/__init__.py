"""Plugins: discovery through entry points, classifiers, escalation targets."""

from plugins.discovery import CLASSIFIERS, CONNECTORS, NOTIFIERS, BrokenPlugin, discover

__all__ = ["CLASSIFIERS", "CONNECTORS", "NOTIFIERS", "BrokenPlugin", "discover"]
