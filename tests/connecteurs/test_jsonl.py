"""The jsonl connector's channel health and re-authorization guidance (its parsing, outbox
and idempotency are exercised by the integration tests through tests/helpers.py)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from connecteurs.base import AccountContext
from connecteurs.jsonl import JsonlConnecteur, JsonlOptions, read_outbox
from connecteurs.jsonl.conformite import ACCOUNT, SECRET, subject
from connecteurs.models import Interaction


def connector(outbox: Path) -> JsonlConnecteur:
    context = AccountContext(
        account=ACCOUNT,
        secrets={"signing_secret": SECRET},
        options=JsonlOptions(outbox=outbox),
    )
    return JsonlConnecteur(context)


def target() -> Interaction:
    """The conformance subject's target (``c-100``)."""
    found = subject().target
    assert found is not None
    return found


async def test_health_of_a_writable_outbox_writes_no_entry(tmp_path: Path) -> None:
    outbox = tmp_path / "new" / "outbox.jsonl"
    check = await connector(outbox).check_health()
    assert check.scopes_missing == ()
    # No token, nothing to subscribe to: not known, never guessed.
    assert (check.token_valid, check.token_expires_at, check.subscription_active) == (
        None,
        None,
        None,
    )
    assert check.detail == f"the outbox {outbox} can be written"
    # The folder and lock file an append makes first exist; the outbox holds no entry.
    assert outbox.parent.is_dir() and not outbox.exists()
    await connector(outbox).reply(target(), "Oui", idempotency_key="k")
    assert len(read_outbox(outbox)) == 1
    assert (await connector(outbox).check_health()).scopes_missing == ()
    assert len(read_outbox(outbox)) == 1


async def test_health_of_an_outbox_under_a_file_names_the_missing_permission(
    tmp_path: Path,
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    outbox = blocker / "outbox.jsonl"
    check = await connector(outbox).check_health()
    assert check.scopes_missing == (f"write:{blocker}",)
    assert "cannot be written" in check.detail and "Error" in check.detail
    # And the action it warns about does fail.
    with pytest.raises(OSError):
        await connector(outbox).reply(target(), "Oui", idempotency_key="k")


async def test_health_of_an_outbox_that_is_a_folder(tmp_path: Path) -> None:
    outbox = tmp_path / "outbox.jsonl"
    outbox.mkdir()
    check = await connector(outbox).check_health()
    assert check.scopes_missing == (f"write:{tmp_path}",)
    assert "IsADirectoryError" in check.detail


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes through permission bits")
async def test_health_of_a_read_only_folder(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        check = await connector(folder / "outbox.jsonl").check_health()
    finally:
        folder.chmod(0o700)
    assert check.scopes_missing == (f"write:{folder}",)
    assert "PermissionError" in check.detail


def test_reauthorize_names_the_secret_and_the_outbox_permission() -> None:
    guidance = JsonlConnecteur.manifest.reauthorize
    assert "signing_secret" in guidance and "write permission" in guidance
    assert SECRET not in guidance
