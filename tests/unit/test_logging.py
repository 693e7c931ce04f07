"""No secret reaches a log line."""

from __future__ import annotations

from passerelle.logging import REDACTED, redact


def test_secret_keys_and_bearer_tokens_are_redacted() -> None:
    event = {
        "event": "calling Graph with Bearer EAAfakeTESTtoken1 for page",
        "access_token": "EAAfakeTESTtoken1",
        "app_secret": "s3cr3t",
        "Authorization": "Bearer abc.def",
        "page_id": "104729384756",
    }
    cleaned = redact(None, "info", dict(event))
    assert cleaned["access_token"] == cleaned["app_secret"] == cleaned["Authorization"] == REDACTED
    assert "EAAfakeTESTtoken1" not in cleaned["event"]
    assert cleaned["event"] == f"calling Graph with Bearer {REDACTED} for page"
    assert cleaned["page_id"] == "104729384756"


def test_lines_logged_in_an_activity_name_its_workflow_and_run() -> None:
    from temporalio.testing import ActivityEnvironment

    from passerelle.logging import add_temporal_ids

    def inside() -> dict[str, object]:
        return dict(add_temporal_ids(None, "info", {"event": "replied"}))

    event = ActivityEnvironment().run(inside)
    assert event["workflow_id"] and event["run_id"] and event["activity"]
    assert add_temporal_ids(None, "info", {"event": "outside"}) == {"event": "outside"}
