"""What every notifier says, as plain text: a short title and labelled facts.

Pure functions of a :class:`Notification`, which carries no secret by design; the channel
modules only arrange these pieces in their own format (e-mail body, Slack blocks, Teams card).
Also turns a target's invalid options or secrets into a ``ValueError`` that names the keys
but never echoes a value, since the value may be a secret (a webhook URL).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from plugins.notifiers.base import Notification

M = TypeVar("M", bound=BaseModel)

EXCERPT_LIMIT = 500
ELLIPSIS = "…"


def title(notification: Notification) -> str:
    """``P1 escalation: sla_breach (level 2)``, or ``P1 channel alert: …`` for a channel."""
    kind = "channel alert" if notification.subject == "channel" else "escalation"
    text = f"{notification.priority.value} {kind}"
    reason = _one_line(notification.reason)
    if reason:
        text += f": {reason}"
    if notification.level is not None:
        text += f" (level {notification.level})"
    return text


def facts(notification: Notification) -> list[tuple[str, str]]:
    """Labelled values, without the excerpt (free text that channels lay out apart)."""
    pairs = [("Priority", notification.priority.value)]
    reason = _one_line(notification.reason)
    if reason:
        pairs.append(("Reason", reason))
    if notification.categories:
        pairs.append(("Categories", ", ".join(c.value for c in notification.categories)))
    label = "Channel" if notification.subject == "channel" else "Interaction"
    pairs.append((label, notification.interaction_id))
    if notification.level is not None:
        pairs.append(("Level", str(notification.level)))
    if notification.deadline is not None:
        pairs.append(("Deadline", notification.deadline.isoformat(timespec="seconds")))
    return pairs


def excerpt(notification: Notification, limit: int = EXCERPT_LIMIT) -> str:
    """The excerpt on one line, cut at ``limit`` characters."""
    return truncate(_one_line(notification.excerpt), limit)


def lines(notification: Notification) -> list[str]:
    """``Label: value`` lines, the excerpt last."""
    rendered = [f"{label}: {value}" for label, value in facts(notification)]
    quoted = excerpt(notification)
    if quoted:
        rendered.append(f"Excerpt: {quoted}")
    return rendered


def text(notification: Notification) -> str:
    """Title, blank line, then the lines: a plain-text body."""
    return "\n".join([title(notification), "", *lines(notification)])


def truncate(value: str, limit: int) -> str:
    if len(value) <= limit:
        return value
    return value[: max(limit - len(ELLIPSIS), 0)].rstrip() + ELLIPSIS


def load(model: type[M], data: Mapping[str, Any], *, target: str, notifier: str, kind: str) -> M:
    """Validate a target's options or secrets; ``ValueError`` names each bad key, no value."""
    try:
        return model.model_validate(dict(data))
    except ValidationError as err:
        # from None: the pydantic error (its input included) must not ride along as a cause.
        raise ValueError(validation_error(target, notifier, kind, err)) from None


def validation_error(target: str, notifier: str, kind: str, err: ValidationError) -> str:
    """``target on-call (slack): secret url: Field required``."""
    problems = [
        _problem(kind, e["loc"], e["msg"], e["type"]) for e in err.errors(include_input=False)
    ]
    return f"target {target} ({notifier}): " + "; ".join(problems)


def _problem(kind: str, loc: Iterable[int | str], msg: str, error_type: str) -> str:
    where = ".".join(str(part) for part in loc)
    if error_type == "extra_forbidden":
        msg = "unknown key"
    return f"{kind} {where}: {msg}" if where else f"{kind}s: {msg}"


def _one_line(value: str) -> str:
    # Newlines in user text would break header-like lines and chat layouts.
    return " ".join(value.split())
