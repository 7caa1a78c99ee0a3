"""The built-in check kinds, by the name rule packs use in ``kind:``."""

from __future__ import annotations

from typing import Any

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
    )
}
