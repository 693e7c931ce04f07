"""Interaction and workflow ids, including platforms whose ids hold colons."""

from __future__ import annotations

import pytest

from connecteurs.models import Interaction, workflow_id_for, workflow_id_from_reference


@pytest.mark.parametrize(
    ("platform", "account", "external_id"),
    [
        ("facebook", "104729384756", "104729384756_1234"),
        ("jsonl", "local", "c:1"),
        ("bluesky", "did:plc:z72i7hdynmk6r22z27h6tvur", "at://did:plc:abc/app.bsky.feed.post/3k4"),
        ("email", "bonjour@example.org", "CAF=abc@mail.example"),
    ],
)
def test_an_interaction_id_leads_back_to_its_workflow(
    platform: str, account: str, external_id: str
) -> None:
    reference = Interaction.make_id(platform, account, external_id)
    assert workflow_id_from_reference(reference) == workflow_id_for(platform, account, external_id)


def test_a_workflow_id_is_accepted_as_is() -> None:
    assert workflow_id_from_reference("interaction/x/1/2") == "interaction/x/1/2"


@pytest.mark.parametrize("reference", ["facebook", "facebook:1", "facebook::2", ":a:b"])
def test_a_malformed_reference_is_refused(reference: str) -> None:
    with pytest.raises(ValueError, match="neither a workflow id"):
        workflow_id_from_reference(reference)
