"""The one config file (``passerelle.toml``, DESIGN §4), validated before anything starts.

Errors name the file, the line and the key, so a reviewer can fix a config without reading
a stack trace. Secrets are references (``env:NAME`` or ``file:PATH``), never literals.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Annotated, Any

import holidays
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from connecteurs.models import Platform
from workflows.policy import Duration, Policy

CONFIG_ENV = "PASSERELLE_CONFIG"
DEFAULT_CONFIG = Path("passerelle.toml")
BUILTIN_CONFIG = Path(__file__).with_name("default.toml")
SECRET_REFERENCE = re.compile(r"^(env|file):.+$")


def _references_only(secrets: dict[str, str]) -> dict[str, str]:
    literal = [k for k, v in secrets.items() if not SECRET_REFERENCE.match(v)]
    if literal:
        raise ValueError(
            f"secret(s) {', '.join(literal)} must be a reference 'env:NAME' or "
            "'file:PATH', never the secret itself"
        )
    return secrets


SecretReferences = Annotated[dict[str, str], AfterValidator(_references_only)]


class Account(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    connector: str = Field(min_length=1, description="Entry-point name of the connector.")
    platform: Platform
    account: str = Field(min_length=1)
    secrets: SecretReferences = Field(default_factory=dict)
    base_url: str | None = None
    options: dict[str, Any] = Field(default_factory=dict)
    poll_every: Duration = Field(
        default=timedelta(seconds=60),
        description="How often a connector without push is polled (ignored for webhooks).",
    )
    quiet_period: Duration | None = Field(
        default=None,
        description="No interaction for longer than this is reported as a silent channel "
        "(default: [channels] quiet_period).",
    )

    @field_validator("poll_every")
    @classmethod
    def _sane_interval(cls, value: timedelta) -> timedelta:
        if value < timedelta(seconds=5):
            raise ValueError("poll_every must be at least 5s (platform rate limits)")
        return value


class Target(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    notifier: str = Field(min_length=1, description="Entry-point name of the notifier.")
    options: dict[str, Any] = Field(default_factory=dict)
    secrets: SecretReferences = Field(
        default_factory=dict, description="e.g. a Slack webhook URL: env:NAME or file:PATH."
    )


DEFAULT_TIMEZONE = "America/Montreal"


def holiday_dates(calendar: Any, today: date | None = None) -> list[date]:
    """Public holidays of ``{country, subdivision?, years?}`` from the ``holidays`` package;
    by default last year to two years ahead, so a long-lived worker stays covered."""
    if not isinstance(calendar, dict) or not calendar.get("country"):
        raise ValueError(
            'business_hours.holiday_calendar: expected { country = "CA", subdivision = '
            '"QC" } (ISO codes)'
        )
    unknown = sorted(set(calendar) - {"country", "subdivision", "years"})
    if unknown:
        raise ValueError(f"business_hours.holiday_calendar: unknown key(s) {', '.join(unknown)}")
    year = (today or date.today()).year
    years = calendar.get("years") or [year - 1, year, year + 1, year + 2]
    try:
        found = holidays.country_holidays(
            str(calendar["country"]), subdiv=calendar.get("subdivision"), years=years
        )
    except NotImplementedError as err:
        raise ValueError(f"business_hours.holiday_calendar: {err}") from err
    return sorted(found)


def _default_targets() -> dict[str, Target]:
    return {name: Target(notifier="log") for name in ("on-call", "team-lead", "manager")}


class WorkerSettings(BaseModel):
    """How one worker process runs (the ``[worker]`` table)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    max_concurrent_activities: int = Field(
        default=100, ge=1, description="Activities (platform calls, records) at once."
    )
    max_concurrent_workflow_tasks: int = Field(default=100, ge=1)
    max_cached_workflows: int = Field(
        default=1000,
        ge=0,
        description="Interaction runs kept in memory between their steps (Temporal's "
        "default). A run pushed out is rebuilt from its history at its next step: a smaller "
        "cache trades worker memory for replay CPU.",
    )
    graceful_shutdown: Duration = Field(
        default=timedelta(seconds=30),
        description="On SIGTERM, how long running activities get to finish before they are "
        "cancelled (and retried by another worker).",
    )
    reload_workflow_modules: bool = Field(
        default=False,
        description="true: Temporal's default sandbox, which imports each workflow's module "
        "afresh for every run (isolating module state, and catching clock or random calls "
        "in it at run time). false: the workflow modules are imported once per worker and "
        "shared by every run; they hold no state and tests check statically that they call "
        "no clock, I/O or randomness. Saves about a fifth of the workflow code's CPU.",
    )


class ChannelsSettings(BaseModel):
    """How channels are watched (the ``[channels]`` table); see ``passerelle channels``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    check_every: Duration = Field(
        default=timedelta(minutes=15),
        description="How often each account's token, permissions and subscription are checked.",
    )
    warn_before_expiry: Duration = Field(
        default=timedelta(days=7), description="A token expiring sooner than this warns."
    )
    quiet_period: Duration | None = Field(
        default=timedelta(days=7),
        description="No interaction for longer than this is reported as silent; per-account "
        'quiet_period overrides it; "0s" turns silence detection off.',
    )
    notify: list[str] | None = Field(
        default=None,
        description="Targets told when a channel breaks or recovers (default: the crisis "
        "protocol's target, usually on-call).",
    )

    @field_validator("check_every")
    @classmethod
    def _sane_cadence(cls, value: timedelta) -> timedelta:
        if value < timedelta(seconds=5):
            raise ValueError("check_every must be at least 5s (platform rate limits)")
        return value


class Config(Policy):
    """The policy plus what only the worker needs: accounts, targets, plugins."""

    task_queue: str = "passerelle"
    worker: WorkerSettings = Field(default_factory=WorkerSettings)
    channels: ChannelsSettings = Field(default_factory=ChannelsSettings)
    classifiers: list[str] = Field(
        default_factory=lambda: ["mots-cles", "modele"],
        min_length=1,
        description="Classifier entry-point names; all run and their verdicts are merged "
        "(categories united, highest risk; sentiment from the first, language from the first "
        "that determines one).",
    )
    accounts: list[Account] = Field(default_factory=list)
    targets: dict[str, Target] = Field(default_factory=_default_targets)
    records: Path | None = Field(
        default=None, description="JSON Lines file each closed interaction is summarised to."
    )

    @model_validator(mode="before")
    @classmethod
    def _expand_business_hours(cls, data: Any) -> Any:
        """Business hours default to the config's timezone, and a named holiday calendar
        becomes explicit dates here, so the policy each interaction carries is plain data."""
        if not isinstance(data, dict) or not isinstance(data.get("business_hours"), dict):
            return data
        hours = dict(data["business_hours"])
        hours.setdefault("timezone", data.get("timezone", DEFAULT_TIMEZONE))
        calendar = hours.pop("holiday_calendar", None)
        if calendar is not None:
            hours["holidays"] = [*hours.get("holidays", []), *holiday_dates(calendar)]
        return {**data, "business_hours": hours}

    @model_validator(mode="after")
    def _targets_exist(self) -> Config:
        referenced = {level.target for level in self.escalation}
        referenced |= {r.then.target for r in self.routing if r.then.target}
        referenced.add(self.crisis.target)
        referenced |= set(self.channels.notify or ())
        unknown = sorted(referenced - set(self.targets))
        if unknown:
            raise ValueError(
                f"unknown target(s) {', '.join(unknown)}: define them under [targets.NAME] "
                f"(defined: {', '.join(sorted(self.targets)) or 'none'})"
            )
        keys = [(a.platform, a.account) for a in self.accounts]
        twice = sorted({f"{p.value}/{a}" for p, a in keys if keys.count((p, a)) > 1})
        if twice:
            raise ValueError(f"account(s) configured twice: {', '.join(twice)}")
        return self

    def channel_targets(self) -> tuple[str, ...]:
        notify = self.channels.notify
        return tuple(notify) if notify is not None else (self.crisis.target,)

    def policy(self) -> Policy:
        return Policy.model_validate(self.model_dump(include=set(Policy.model_fields)))


@dataclass(frozen=True)
class ConfigProblem:
    file: str
    line: int | None
    key: str
    message: str
    severity: str = "error"  # or "warning": reported, but the config is usable

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        text = f"{where}: {self.key}: {self.message}" if self.key else f"{where}: {self.message}"
        return f"{text} (warning)" if self.severity == "warning" else text


class ConfigError(Exception):
    def __init__(self, problems: list[ConfigProblem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


def load(path: Path | None = None) -> Config:
    """Load and validate the config; with no file anywhere, ``default.toml`` beside this module."""
    path = path or config_path()
    if path is None:
        return parse(BUILTIN_CONFIG.read_text(encoding="utf-8"), "<built-in default.toml>")
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise ConfigError([ConfigProblem(str(path), None, "", f"cannot read: {err}")]) from err
    return parse(text, str(path))


def parse(text: str, name: str = "<config>") -> Config:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        line = _toml_error_line(str(err))
        raise ConfigError([ConfigProblem(name, line, "", f"not valid TOML: {err}")]) from err
    try:
        return Config.model_validate(data)
    except ValidationError as err:
        problems = [
            ConfigProblem(
                name,
                locate(text, error["loc"]),
                ".".join(str(p) for p in error["loc"]),
                error_message(error),
            )
            for error in err.errors()
        ]
        raise ConfigError(problems) from err


def error_message(error: Mapping[str, Any]) -> str:
    if error["type"] == "extra_forbidden":
        return "unknown key"
    message = str(error["msg"])
    return message.removeprefix("Value error, ")


def config_path() -> Path | None:
    """``PASSERELLE_CONFIG``, else ``./passerelle.toml`` if present, else None (built-in)."""
    env = os.environ.get(CONFIG_ENV)
    if env:
        return Path(env)
    return DEFAULT_CONFIG if DEFAULT_CONFIG.exists() else None


def _toml_error_line(message: str) -> int | None:
    match = re.search(r"line (\d+)", message)
    return int(match.group(1)) if match else None


_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"^\s*([A-Za-z0-9_\-\"']+)\s*=")


def locate(text: str, loc: tuple[int | str, ...]) -> int | None:
    """Best-effort line of the TOML value at a pydantic error location.

    Walks the table headers (``[a.b]``, ``[[a]]`` counted per index) and the keys inside
    them; falls back to the nearest enclosing table when the exact key is missing (a
    missing required key is reported on its table's header).
    """
    lines = text.splitlines()
    path = [str(p) for p in loc]
    best: int | None = None
    table: list[str] = []
    array_counts: dict[str, int] = {}
    for number, raw in enumerate(lines, start=1):
        header = _HEADER.match(raw)
        if header:
            table = [part.strip().strip('"') for part in header.group(2).split(".")]
            if header.group(1) == "[[":
                dotted = ".".join(table)
                index = array_counts.get(dotted, -1) + 1
                array_counts[dotted] = index
                table = [*table, str(index)]
            if _is_prefix(table, path):
                best = number
            continue
        key = _KEY.match(raw)
        if key:
            full = [*table, key.group(1).strip("\"'")]
            if _is_prefix(full, path):
                best = number
                if full == path[: len(full)] and len(full) >= len(path) - 1:
                    # inline tables and arrays: the line holding the key is the right one
                    return number
    return best


def _is_prefix(candidate: list[str], path: list[str]) -> bool:
    return len(candidate) <= len(path) and path[: len(candidate)] == candidate


def resolve_secret(reference: str, *, base: Path | None = None) -> str:
    """The value behind ``env:NAME`` or ``file:PATH``.

    Raises ``KeyError`` naming what is missing (never the value).
    """
    scheme, _, where = reference.partition(":")
    if scheme == "env":
        try:
            return os.environ[where]
        except KeyError:
            raise KeyError(f"environment variable {where} is not set") from None
    if scheme == "file":
        path = Path(where)
        if base is not None and not path.is_absolute():
            path = base / path
        try:
            return path.read_text(encoding="utf-8").strip()
        except OSError as err:
            raise KeyError(f"secret file {path}: {err.strerror}") from None
    raise KeyError(f"{scheme!r} is not a secret reference (env:NAME or file:PATH)")
