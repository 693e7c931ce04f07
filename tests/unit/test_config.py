"""Config validation: every problem names its line and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from passerelle.config import BUILTIN_CONFIG, ConfigError, load, parse, resolve_secret

GOOD = """
timezone = "America/Montreal"

[[accounts]]
connector = "jsonl"
platform = "jsonl"
account = "a"

[[accounts]]
connector = "meta"
platform = "facebook"
account = "104729384756"
secrets = { app_secret = "env:META_APP_SECRET" }

[sla.P1]
first_response = "15m"
resolution = "4h"
"""


def problems(text: str) -> list[tuple[int | None, str, str]]:
    with pytest.raises(ConfigError) as caught:
        parse(text, "p.toml")
    return [(p.line, p.key, p.message) for p in caught.value.problems]


def test_good_config_and_builtin_default_load() -> None:
    config = parse(GOOD)
    assert [a.account for a in config.accounts] == ["a", "104729384756"]
    assert config.policy().sla  # the policy part is extracted for the workflow
    assert load(BUILTIN_CONFIG).accounts[0].account == "local"


def test_unknown_key_names_its_line() -> None:
    text = GOOD.replace('account = "104729384756"', 'account = "104729384756"\nacount = "x"')
    [(line, key, message)] = problems(text)
    assert key == "accounts.1.acount" and message == "unknown key"
    assert text.splitlines()[line - 1] == 'acount = "x"'  # type: ignore[operator]


def test_bad_duration_names_its_line() -> None:
    text = GOOD.replace('first_response = "15m"', 'first_response = "fifteen minutes"')
    [(line, key, _)] = problems(text)
    assert key == "sla.P1.first_response"
    assert text.splitlines()[line - 1].startswith("first_response")  # type: ignore[operator]


def test_literal_secret_is_refused() -> None:
    text = GOOD.replace('"env:META_APP_SECRET"', '"abcd1234"')
    [(line, key, message)] = problems(text)
    assert key == "accounts.1.secrets"
    assert "reference" in message
    assert "secrets" in text.splitlines()[line - 1]  # type: ignore[operator]


def test_unknown_target_is_refused() -> None:
    text = GOOD + '\n[[escalation]]\ntarget = "nobody"\nafter = "1h"\n'
    [(_, _, message)] = problems(text)
    assert "nobody" in message


def test_toml_syntax_error_names_its_line() -> None:
    [(line, _, message)] = problems('timezone = "x"\n[sla.P1\n')
    assert line == 2 and "TOML" in message


def test_secret_references(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PASSERELLE_TEST_TOKEN", "t0k")
    (tmp_path / "s.txt").write_text("from-file\n")
    assert resolve_secret("env:PASSERELLE_TEST_TOKEN") == "t0k"
    assert resolve_secret("file:s.txt", base=tmp_path) == "from-file"
    with pytest.raises(KeyError, match="NOT_SET_ANYWHERE"):
        resolve_secret("env:NOT_SET_ANYWHERE")
