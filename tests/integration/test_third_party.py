"""A third-party connector (tests/sample_connector) installed through its entry points is
discovered, listed and checked by the conformance kit without any change to Passerelle."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SAMPLE = Path(__file__).parent.parent / "sample_connector"
SCRIPTS = Path(sys.executable).parent


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample installed the way a user would (pip, from this machine's package index, as
    the project itself is installed), into a folder of its own."""
    target = tmp_path_factory.mktemp("site")
    # Built from a copy: an in-tree build would leave egg-info in tests/, which would make the
    # sample visible to every later test that puts its folder on sys.path.
    source = tmp_path_factory.mktemp("source") / "sample"
    shutil.copytree(SAMPLE, source, ignore=shutil.ignore_patterns("build", "*.egg-info"))
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--target",
            str(target),
            str(source),
        ],
        check=True,
        capture_output=True,
        cwd=tmp_path_factory.getbasetemp(),
    )
    return target


def passerelle(*args: str, path: list[Path]) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(str(p) for p in path)}
    env.pop("PASSERELLE_DISABLE_PLUGIN_AUTOLOAD", None)
    return subprocess.run(
        [str(SCRIPTS / "passerelle"), *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=path[0].parent,
        timeout=120,
    )


def test_installed_connector_is_listed_with_its_capabilities(site: Path) -> None:
    result = passerelle("plugins", "list", "--json", path=[site])
    assert result.returncode == 0, result.stderr
    connectors = {c["name"]: c for c in json.loads(result.stdout)["connectors"]}
    assert connectors["forum"]["capabilities"] == ["poll", "reply"]
    assert "meta" in connectors  # built-ins are found the same way


def test_installed_connector_passes_the_kit(site: Path) -> None:
    result = passerelle("connecteurs", "check", "forum", "--json", path=[site])
    report = json.loads(result.stdout)
    failed = [c for c in report["checks"] if c["outcome"] == "failed"]
    assert result.returncode == 0 and report["ok"], failed
    names = {c["check"] for c in report["checks"] if c["outcome"] == "passed"}
    assert {
        "test_poll_advances_without_repeats",
        "test_retried_reply_posts_once",
        "test_platform_failure_is_typed[rate_limited]",
        "test_no_secret_in_errors_or_logs",
    } <= names


def test_the_kit_fails_a_connector_that_breaks_the_contract(site: Path, tmp_path: Path) -> None:
    """A broken copy (rate limits read as success, token in error text) must not pass."""
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "forum_broken.py").write_text(
        "from connecteurs.errors import TransientError\n"
        "from connecteurs.conformite import ConformanceSubject, http_opener\n"
        "from passerelle_forum import ForumConnecteur\n"
        "from passerelle_forum.conformite import subject as good\n"
        "from passerelle_forum.fake import seeded\n"
        "class Broken(ForumConnecteur):\n"
        "    def error_for(self, response):\n"
        "        if response.is_success:\n"
        "            return None\n"
        "        token = self.context.secret('token')\n"
        "        return TransientError(f'{response.status_code} with token {token}')\n"
        "def subject():\n"
        "    s = good()\n"
        "    s.connecteur = Broken\n"
        "    s.open = http_opener(Broken, seeded)\n"
        "    return s\n"
    )
    dist = broken / "forum_broken-0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: forum-broken\nVersion: 0.1\n")
    (dist / "entry_points.txt").write_text(
        "[passerelle.conformite]\nforum-broken = forum_broken:subject\n"
    )
    result = passerelle("connecteurs", "check", "forum-broken", "--json", path=[broken, site])
    report = json.loads(result.stdout)
    failed = {c["check"] for c in report["checks"] if c["outcome"] == "failed"}
    assert result.returncode == 1 and not report["ok"]
    assert "test_platform_failure_is_typed[rate_limited]" in failed
    assert "test_platform_failure_is_typed[expired_token]" in failed
    assert "test_no_secret_in_errors_or_logs" in failed
