"""The module ``passerelle connecteurs check NAME`` hands to pytest: the whole suite, for the
subject named by ``--conformite``."""

from __future__ import annotations

import pytest

from connecteurs.conformite.loader import load_subject
from connecteurs.conformite.subject import ConformanceSubject
from connecteurs.conformite.suite import ConformanceSuite


class TestConnecteur(ConformanceSuite):
    @pytest.fixture
    def subject(self, request: pytest.FixtureRequest) -> ConformanceSubject:
        name = str(request.config.getoption("--conformite") or "")
        if not name:
            pytest.fail("give the connector to check with --conformite NAME")
        return load_subject(name)
