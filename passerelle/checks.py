"""``passerelle config check``: the schema, then what only the installed plugins can tell
(is the connector installed, are its options valid), each problem with its line."""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from connecteurs.base import options_for
from connecteurs.models import Route
from passerelle.config import (
    Config,
    ConfigError,
    ConfigProblem,
    config_path,
    error_message,
    load,
    locate,
)
from plugins.discovery import CLASSIFIERS, CONNECTORS, NOTIFIERS, discover
from workflows.policy import Match


def load_checked(path: Path | None) -> tuple[Config, list[ConfigProblem]]:
    """The config a worker runs with: every check passed, or ``ConfigError`` with all the
    errors (never half-loaded). Returns the warnings for the caller to show."""
    resolved = path or config_path()
    if resolved is None:
        return load(None), []
    config, problems = check_file(resolved)
    errors = [p for p in problems if p.severity == "error"]
    if config is None or errors:
        raise ConfigError(errors)
    return config, problems


def check_file(path: Path) -> tuple[Config | None, list[ConfigProblem]]:
    try:
        config = load(path)
    except ConfigError as err:
        return None, err.problems
    text = path.read_text(encoding="utf-8")
    name = str(path)
    return config, routing_problems(config, text, name) + plugin_problems(config, text, name)


SECRET_STAND_IN = "https://secret.invalid/checked-by-passerelle-config-check"
_SINGLE_VALUED = ("risk", "platforms", "kinds", "languages", "sentiments", "authors")


def covers(earlier: Match, later: Match) -> bool:
    """Every message ``later`` matches, ``earlier`` matches too: ``later`` is dead."""
    for field in ("categories", *_SINGLE_VALUED):
        mine, theirs = getattr(earlier, field), getattr(later, field)
        if mine and not (theirs and theirs <= mine):
            return False
    if earlier.keywords:
        wanted = [k.casefold() for k in earlier.keywords]
        if not later.keywords or not all(
            any(w in k.casefold() for w in wanted) for k in later.keywords
        ):
            return False
    return True


def overlaps(earlier: Match, later: Match) -> bool:
    """Some message plausibly matches both on the same grounds (a shared category, or no
    category at all): the order decides, which deserves a second look. Rules on different
    categories are not reported: a message being both a question and a complaint is the
    normal case ordering exists for."""
    for field in _SINGLE_VALUED:
        mine, theirs = getattr(earlier, field), getattr(later, field)
        if mine and theirs and not (mine & theirs):
            return False
    if earlier.categories and later.categories:
        return bool(earlier.categories & later.categories)
    return not earlier.categories and not later.categories


def problem_at(
    name: str,
    text: str,
    loc: tuple[int | str, ...],
    message: str,
    *,
    line_of: tuple[int | str, ...] | None = None,
    severity: str = "error",
) -> ConfigProblem:
    """A problem keyed by ``loc``, on the line of ``line_of`` (default: ``loc``'s line)."""
    line = locate(text, line_of or loc)
    return ConfigProblem(name, line, ".".join(map(str, loc)), message, severity)


def routing_problems(config: Config, text: str, name: str) -> list[ConfigProblem]:
    problems: list[ConfigProblem] = []
    for j, rule in enumerate(config.routing):
        when, rule_line = ("routing", j, "when"), ("routing", j, "id")
        for i, earlier in enumerate(config.routing[:j]):
            if covers(earlier.when, rule.when):
                message = (
                    f"rule {rule.id!r} can never match: rule {earlier.id!r} (routing.{i}) "
                    "comes first and matches everything it would"
                )
                problems.append(problem_at(name, text, when, message, line_of=rule_line))
                break
            if overlaps(earlier.when, rule.when):
                message = (
                    f"rule {rule.id!r} overlaps rule {earlier.id!r} (routing.{i}); "
                    f"when both match, {earlier.id!r} wins"
                )
                problems.append(
                    problem_at(name, text, when, message, line_of=rule_line, severity="warning")
                )
        then = ("routing", j, "then")
        template = rule.then.template
        if template is not None and template not in config.templates:
            defined = ", ".join(sorted(config.templates)) or "none"
            message = f"unknown template {template!r} (defined: {defined})"
            problems.append(problem_at(name, text, (*then, "template"), message, line_of=then))
        if rule.then.route is Route.AUTO_ANSWER and template is None:
            problems.append(problem_at(name, text, then, "route auto_answer needs a template"))
    return problems


def plugin_problems(config: Config, text: str, name: str) -> list[ConfigProblem]:
    problems: list[ConfigProblem] = []

    def problem(loc: tuple[int | str, ...], message: str, severity: str = "error") -> None:
        problems.append(problem_at(name, text, loc, message, severity=severity))

    connectors = discover(CONNECTORS)
    for index, account in enumerate(config.accounts):
        cls = connectors.plugins.get(account.connector)
        if cls is None:
            installed = ", ".join(sorted(connectors.plugins)) or "none"
            problem(
                ("accounts", index, "connector"),
                f"connector {account.connector!r} is not installed (installed: {installed})",
            )
            continue
        try:
            options_for(cls.manifest, account.options)
        except ValidationError as err:
            for error in err.errors():
                loc = ("accounts", index, "options", *error["loc"])
                problem(loc, error_message(error))
        manifest = cls.manifest
        if account.platform not in manifest.platforms:
            served = ", ".join(sorted(p.value for p in manifest.platforms))
            problem(
                ("accounts", index, "platform"),
                f"connector {account.connector!r} serves {served}, not {account.platform.value}",
            )
        unknown = sorted(set(account.secrets) - set(manifest.secrets))
        if unknown and manifest.secrets:
            problem(
                ("accounts", index, "secrets"),
                f"connector {account.connector!r} does not read secret(s) {', '.join(unknown)} "
                f"(it reads: {', '.join(manifest.secrets)})",
                severity="warning",
            )
    classifiers = discover(CLASSIFIERS)
    for index, classifier in enumerate(config.classifiers):
        if classifier not in classifiers.plugins:
            installed = ", ".join(sorted(classifiers.plugins)) or "none"
            problem(
                ("classifiers", index),
                f"classifier {classifier!r} is not installed (installed: {installed})",
            )
    notifiers = discover(NOTIFIERS)
    for target_name, target in config.targets.items():
        cls = notifiers.plugins.get(target.notifier)
        if cls is None:
            installed = ", ".join(sorted(notifiers.plugins)) or "none"
            problem(
                ("targets", target_name, "notifier"),
                f"notifier {target.notifier!r} is not installed (installed: {installed})",
            )
            continue
        # Secrets are not resolved here (this may run far from production's environment):
        # stand-ins show whether the options and the set of secret keys are right.
        stand_ins = {key: SECRET_STAND_IN for key in target.secrets}
        try:
            cls(target_name, target.options, stand_ins)
        except ValueError as err:
            problem(("targets", target_name, "options"), str(err))
    return problems
