"""``passerelle config check``: the schema, then what only the installed plugins can tell
(is the connector installed, are its options valid), each problem with its line."""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from connecteurs.base import options_for
from connecteurs.models import Route
from passerelle.config import Config, ConfigError, ConfigProblem, error_message, load, locate
from plugins.discovery import CLASSIFIERS, CONNECTORS, NOTIFIERS, discover
from workflows.policy import Match


def check_file(path: Path) -> tuple[Config | None, list[ConfigProblem]]:
    try:
        config = load(path)
    except ConfigError as err:
        return None, err.problems
    text = path.read_text(encoding="utf-8")
    name = str(path)
    return config, routing_problems(config, text, name) + plugin_problems(config, text, name)


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


def routing_problems(config: Config, text: str, name: str) -> list[ConfigProblem]:
    problems: list[ConfigProblem] = []
    for j, rule in enumerate(config.routing):
        for i, earlier in enumerate(config.routing[:j]):
            loc: tuple[int | str, ...] = ("routing", j, "when")
            if covers(earlier.when, rule.when):
                problems.append(
                    ConfigProblem(
                        name,
                        locate(text, ("routing", j, "id")),
                        ".".join(map(str, loc)),
                        f"rule {rule.id!r} can never match: rule {earlier.id!r} (routing.{i}) "
                        "comes first and matches everything it would",
                    )
                )
                break
            if overlaps(earlier.when, rule.when):
                problems.append(
                    ConfigProblem(
                        name,
                        locate(text, ("routing", j, "id")),
                        ".".join(map(str, loc)),
                        f"rule {rule.id!r} overlaps rule {earlier.id!r} (routing.{i}); "
                        f"when both match, {earlier.id!r} wins",
                        severity="warning",
                    )
                )
        template = rule.then.template
        if template is not None and template not in config.templates:
            problems.append(
                ConfigProblem(
                    name,
                    locate(text, ("routing", j, "then")),
                    f"routing.{j}.then.template",
                    f"unknown template {template!r} "
                    f"(defined: {', '.join(sorted(config.templates)) or 'none'})",
                )
            )
        if rule.then.route is Route.AUTO_ANSWER and template is None:
            problems.append(
                ConfigProblem(
                    name,
                    locate(text, ("routing", j, "then")),
                    f"routing.{j}.then",
                    "route auto_answer needs a template",
                )
            )
    return problems


def plugin_problems(config: Config, text: str, name: str) -> list[ConfigProblem]:
    problems: list[ConfigProblem] = []

    def problem(loc: tuple[int | str, ...], message: str) -> None:
        problems.append(ConfigProblem(name, locate(text, loc), ".".join(map(str, loc)), message))

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
    for group, names, key in (
        (
            CLASSIFIERS,
            {("classifiers", i): n for i, n in enumerate(config.classifiers)},
            "classifier",
        ),
        (
            NOTIFIERS,
            {("targets", t, "notifier"): target.notifier for t, target in config.targets.items()},
            "notifier",
        ),
    ):
        found = discover(group)
        for loc, plugin in names.items():
            if plugin not in found.plugins:
                installed = ", ".join(sorted(found.plugins)) or "none"
                problem(loc, f"{key} {plugin!r} is not installed (installed: {installed})")
    return problems
