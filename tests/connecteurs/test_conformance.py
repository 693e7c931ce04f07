"""Every built-in connector through the conformance kit, at the strict level (a check may
only be skipped by an exemption that gives its reason)."""

from __future__ import annotations

import pytest

from connecteurs.conformite.loader import load_subject
from connecteurs.conformite.subject import ConformanceSubject
from connecteurs.conformite.suite import ConformanceSuite

BUILT_IN = [
    "jsonl",
    "meta",
    "x",
    "youtube",
    "mastodon",
    "bluesky",
    "linkedin",
    "tiktok",
    "email",
    "webhook",
]


class TestBuiltInConnectors(ConformanceSuite):
    @pytest.fixture(params=BUILT_IN)
    def subject(self, request: pytest.FixtureRequest) -> ConformanceSubject:
        return load_subject(str(request.param))

    @pytest.fixture
    def strict(self) -> bool:
        return True
