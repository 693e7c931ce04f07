"""``passerelle config check``: the schema, then what only the installed plugins can tell
(is the connector installed, are its options valid), each problem with its line."""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from connecteurs.base import options_for
from passerelle.config import Config, ConfigError, ConfigProblem, error_message, load, locate
from plugins.discovery import CLASSIFIERS, CONNECTORS, NOTIFIERS, discover


def check_file(path: Path) -> tuple[Config | None, list[ConfigProblem]]:
    try:
        config = load(path)
    except ConfigError as err:
        return None, err.problems
    text = path.read_text(encoding="utf-8")
    return config, plugin_problems(config, text, str(path))


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
