"""Escalation targets."""

from plugins.notifiers.base import Notification, Notifier, NotifierFactory
from plugins.notifiers.log import LogNotifier

__all__ = ["LogNotifier", "Notification", "Notifier", "NotifierFactory"]
