"""The built-in check kinds (rule and fact checks), by the name rule packs use in ``kind:``."""

from __future__ import annotations

from typing import Any

from aiprism_desktop.providers.offline.facts.checks_count import (
    QUANTITIES_AGREE,
    REFERENCED_SECTIONS_EXIST,
    TOTALS_ADD_UP,
)
from aiprism_desktop.providers.offline.facts.checks_events import EVENT_DATES_AGREE
from aiprism_desktop.providers.offline.facts.checks_time import (
    DURATIONS_MATCH,
    TIMELINE_IN_ORDER,
    WEEKDAYS_MATCH,
)
from aiprism_desktop.providers.offline.rules.checks_acronyms import UNDEFINED_ACRONYMS
from aiprism_desktop.providers.offline.rules.checks_consistency import DATES_AGREE, FIGURES_AGREE
from aiprism_desktop.providers.offline.rules.checks_language import LONG_SENTENCE, PASSIVE, PHRASES
from aiprism_desktop.providers.offline.rules.checks_structure import (
    ENTRIES_REQUIRE,
    MISSING_SECTIONS,
    SENTENCES_REQUIRE,
)
from aiprism_desktop.providers.offline.rules.context import CheckKind

BUILTIN_KINDS: dict[str, CheckKind[Any]] = {
    kind.name: kind
    for kind in (
        PHRASES,
        PASSIVE,
        LONG_SENTENCE,
        UNDEFINED_ACRONYMS,
        MISSING_SECTIONS,
        ENTRIES_REQUIRE,
        SENTENCES_REQUIRE,
        FIGURES_AGREE,
        DATES_AGREE,
        EVENT_DATES_AGREE,
        QUANTITIES_AGREE,
        DURATIONS_MATCH,
        TOTALS_ADD_UP,
        TIMELINE_IN_ORDER,
        WEEKDAYS_MATCH,
        REFERENCED_SECTIONS_EXIST,
    )
}
