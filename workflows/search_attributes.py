"""The custom search attributes Passerelle upserts (names fixed by DESIGN §1)."""

from __future__ import annotations

from typing import Any

from temporalio.common import SearchAttributeKey

STATE = SearchAttributeKey.for_keyword("PasserelleState")
PLATFORM = SearchAttributeKey.for_keyword("PasserellePlatform")
PRIORITY = SearchAttributeKey.for_keyword("PasserellePriority")
CATEGORIES = SearchAttributeKey.for_keyword_list("PasserelleCategories")
SLA_DEADLINE = SearchAttributeKey.for_datetime("PasserelleSlaDeadline")
BREACHED = SearchAttributeKey.for_bool("PasserelleBreached")
ASSIGNEE = SearchAttributeKey.for_keyword("PasserelleAssignee")

ALL: tuple[SearchAttributeKey[Any], ...] = (
    STATE,
    PLATFORM,
    PRIORITY,
    CATEGORIES,
    SLA_DEADLINE,
    BREACHED,
    ASSIGNEE,
)
