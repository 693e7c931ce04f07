"""Config validation: every problem names its line and key."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from connecteurs.models import Priority
from passerelle.checks import check_file
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


def test_deploy_example_is_valid() -> None:
    example = Path(__file__).parents[2] / "deploy" / "passerelle.example.toml"
    config, found = check_file(example)
    assert found == [] and config is not None
    assert {r.id for r in config.routing} >= {"crisis", "medical", "press"}


def test_uninstalled_plugins_and_bad_options_name_their_line(tmp_path: Path) -> None:
    text = GOOD.replace('connector = "jsonl"', 'connector = "jsonl"\noptions = { outbx = "o" }')
    text = text.replace('connector = "meta"', 'connector = "myspace"')
    text += '\n[targets.on-call]\nnotifier = "pager"\n'
    text += '\n[targets.team-lead]\nnotifier = "log"\n\n[targets.manager]\nnotifier = "log"\n'
    path = tmp_path / "c.toml"
    path.write_text(text)
    _, found = check_file(path)
    by_key = {p.key: p for p in found}
    assert by_key["accounts.0.options.outbx"].message == "unknown key"
    assert "'myspace' is not installed" in by_key["accounts.1.connector"].message
    assert "'pager' is not installed" in by_key["targets.on-call.notifier"].message
    lines = text.splitlines()
    assert lines[by_key["accounts.1.connector"].line - 1] == 'connector = "myspace"'  # type: ignore[operator]
    assert lines[by_key["targets.on-call.notifier"].line - 1] == 'notifier = "pager"'  # type: ignore[operator]


ROUTING = """
[[routing]]
id = "questions"
when = { categories = ["question", "request"] }
then = { route = "human", priority = "P3" }

[[routing]]
id = "questions-on-x"
when = { categories = ["question"], platforms = ["x"] }
then = { route = "human", priority = "P2" }

[[routing]]
id = "requests-fr"
when = { categories = ["request", "complaint"], languages = ["fr"] }
then = { route = "human", priority = "P2" }

[[routing]]
id = "praise"
when = { categories = ["praise"] }
then = { route = "auto_answer", template = "merci" }

[[routing]]
id = "vip"
when = { authors = ["dr.martin"] }
then = { route = "auto_answer" }
"""


def test_routing_rules_that_never_match_or_overlap_are_reported(tmp_path: Path) -> None:
    path = tmp_path / "r.toml"
    path.write_text(ROUTING)
    _, found = check_file(path)
    lines = ROUTING.splitlines()
    by_rule = {(p.key, p.severity): p for p in found}
    dead = by_rule[("routing.1.when", "error")]
    assert "'questions-on-x' can never match" in dead.message and "'questions'" in dead.message
    assert lines[dead.line - 1] == 'id = "questions-on-x"'  # type: ignore[operator]
    overlap = by_rule[("routing.2.when", "warning")]
    assert "'questions' wins" in overlap.message
    assert "unknown template 'merci'" in by_rule[("routing.3.then.template", "error")].message
    assert "needs a template" in by_rule[("routing.4.then", "error")].message
    assert ("routing.3.when", "warning") not in by_rule  # different categories: ordering is normal


HOURS = """
timezone = "America/Montreal"

[business_hours]
monday = ["09:00-17:00"]
tuesday = ["09:00-17:00"]
wednesday = ["09:00-17:00"]
thursday = ["09:00-17:00"]
friday = ["09:00-17:00"]
holidays = [2026-12-24]
holiday_calendar = { country = "CA", subdivision = "QC", years = [2026] }
"""


def test_business_hours_take_the_timezone_and_a_holiday_calendar() -> None:
    policy = parse(HOURS).policy()
    hours = policy.business_hours
    assert hours is not None and hours.timezone == "America/Montreal"
    assert {date(2026, 12, 24), date(2026, 12, 25), date(2026, 6, 24)} <= hours.holidays
    friday = datetime(2026, 11, 27, 16, 0, tzinfo=ZoneInfo("America/Montreal"))
    due = policy.due(Priority.P3, friday, timedelta(hours=2))
    assert due.astimezone(ZoneInfo("America/Montreal")) == datetime(
        2026, 11, 30, 10, 0, tzinfo=ZoneInfo("America/Montreal")
    )
    assert policy.due(Priority.P1, friday, timedelta(hours=2)) == friday + timedelta(hours=2)
    christmas_eve = datetime(2026, 12, 23, 16, 0, tzinfo=ZoneInfo("America/Montreal"))
    after = policy.due(Priority.P2, christmas_eve, timedelta(hours=2))
    assert after.astimezone(ZoneInfo("America/Montreal")).date() == date(2026, 12, 28)


def test_unknown_holiday_country_is_reported() -> None:
    with pytest.raises(ConfigError, match="holiday_calendar"):
        parse(HOURS.replace('country = "CA"', 'country = "XX"'))


def test_account_platform_and_secret_names_are_checked_against_the_manifest(
    tmp_path: Path,
) -> None:
    text = GOOD.replace('platform = "facebook"', 'platform = "youtube"').replace(
        "app_secret =", "app_secrte ="
    )
    path = tmp_path / "m.toml"
    path.write_text(text)
    _, found = check_file(path)
    by_key = {p.key: p for p in found}
    platform = by_key["accounts.1.platform"]
    assert "serves facebook, instagram, not youtube" in platform.message
    assert platform.severity == "error" and platform.line == 11
    secrets = by_key["accounts.1.secrets"]
    assert "does not read secret(s) app_secrte" in secrets.message
    assert secrets.severity == "warning"


def test_notifier_options_and_secret_keys_are_checked_without_resolving_them(
    tmp_path: Path,
) -> None:
    text = GOOD.replace('connector = "meta"', 'connector = "jsonl"') + (
        '\n[targets.on-call]\nnotifier = "slack"\n'
        '\n[targets.team-lead]\nnotifier = "slack"\nsecrets = { url = "env:UNSET_IN_TESTS" }\n'
        '\n[targets.manager]\nnotifier = "smtp"\noptions = { host = "h", sender = "s" }\n'
    )
    path = tmp_path / "n.toml"
    path.write_text(text)
    _, found = check_file(path)
    by_key = {p.key: p.message for p in found}
    assert "secret url" in by_key["targets.on-call.options"]
    assert "targets.team-lead.options" not in by_key  # a reference is enough here
    assert "option to" in by_key["targets.manager.options"]
