"""The regular expressions that find facts in a block's text (compiled once per process).

Month and weekday names are matched case-sensitively ("May" the month, not "may" the verb).
Every pattern is anchored on a digit or a capitalised name and bounded in length, so a scan is
linear in the text.
"""

from __future__ import annotations

import re
from typing import Final

_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_DAY = r"(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:19|20)\d{2}"
WEEKDAY: Final = r"(?:Mon|Tues?|Wed(?:nes)?|Thu(?:rs)?|Fri|Sat(?:ur)?|Sun)(?:day)?"

DATE: Final = re.compile(
    rf"(?<![\w/.-])(?:(?P<wd1>{WEEKDAY}),?\s+(?:the\s+)?)?"
    rf"(?:(?P<iso>{_YEAR}-(?:1[0-2]|0?[1-9])-(?:3[01]|[12]\d|0?[1-9]))(?=T\d|(?![\w/-]))"
    rf"|(?P<dmy>{_DAY}\s+(?:of\s+)?{_MONTH}(?:,?\s+(?P<y1>{_YEAR}))?)(?![\w])"
    rf"|(?P<mdy>{_MONTH}\s+{_DAY}(?:,?\s+(?P<y2>{_YEAR}))?)(?![\w])"
    rf"|(?P<num>(?P<n1>\d{{1,2}})[-/](?P<n2>\d{{1,2}})[-/](?P<y3>{_YEAR}))(?![\w/-]))"
    rf"(?:\s*\((?P<wd2>{WEEKDAY})\))?"
)
# Where a date can start: a digit, or the capital of a month or weekday name, at the start of
# a token (what ``DATE``'s lookbehind requires; checked after the character, so the scan for
# the character class runs in C). The full pattern is then tried only there.
DATE_START: Final = re.compile(r"[\dJFMASONDTW](?<![\w/.-].)")
_NAMES: Final = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec Mon Tue Wed Thu Fri Sat Sun"
DATE_NAMES: Final = frozenset(_NAMES.split())

# "(2019-04-05) was a Friday", "2019-04-05 was Friday": a weekday stated after the date.
WEEKDAY_AFTER: Final = re.compile(rf"\)?\s*(?:was|is|fell\s+on)\s+(?:a\s+)?(?P<wd>{WEEKDAY})\b")
# "[03-26 23:04]": month-day stamps, only trusted at the start of a timeline entry.
MONTH_DAY_STAMP: Final = re.compile(r"\[?(?P<m>1[0-2]|0[1-9])-(?P<d>3[01]|[12]\d|0[1-9])\s+(?=\d)")

# Starts with a digit (a character class the engine scans for in C); the character before is
# checked by the extractor (a lookbehind first made the engine try the pattern everywhere).
TIME: Final = re.compile(
    r"\d{1,2}(?::[0-5]\d(?::[0-5]\d)?(?:\s?[AaPp]\.?[Mm]\.?(?!\w))?|\s?[AaPp]\.?[Mm]\.?(?!\w))"
    r"(?![\w:])"
)
NOT_BEFORE_TIME: Final = frozenset(":.")

_COUNT_WORDS = (
    r"half\s+an?|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen"
    r"|twenty|thirty|forty|fifty|sixty|ninety"
)
# Durations are found from their unit backwards: units are rare, and trying the qualifier and
# number alternatives at every character made this the slowest pattern of the scan.
DURATION_UNIT: Final = re.compile(
    r"(?:\b(?:minutes?|mins?|hours?|hrs?|hr|days?|weeks?|months?|seconds?|secs?)"
    r"|(?<=\d)(?:hrs?|hr|mins?|h|m))(?![\w])",
    re.IGNORECASE,
)
DURATION_HEAD: Final = re.compile(
    r"(?<![\w.:])(?P<qual>(?:just\s+|a\s+little\s+)?(?:over|under|about|around|roughly|nearly"
    r"|almost|approximately|approx\.|at\s+least|at\s+most|more\s+than|less\s+than|up\s+to"
    r"|within)\s+|~\s?)?"
    rf"(?P<num>\d+(?:\.\d+)?(?:\s?[-–]\s?\d+(?:\.\d+)?)?|{_COUNT_WORDS})"
    r"(?:\s+|-|(?<=\d))$",
    re.IGNORECASE,
)
DURATION_REACH: Final = 60
DIGIT_UNIT: Final = re.compile(r"\d(?:h|m|hr)\b")
DIGIT: Final = re.compile(r"\d")
AM_PM: Final = re.compile(r"\d\s?[AaPp]\.?[Mm]\b")

QUANTITY: Final = re.compile(
    r"(?P<num>\d[\d,]*(?:\.\d+)?)"
    r"(?:\s?(?P<unit>%|GB|MB|KB|TB|GiB|MiB|TiB|ms|k)(?![\w]))?"
    r"\s+(?P<mods>(?:[a-z][a-z-]*\s+){0,2}?)(?P<noun>[A-Za-z][A-Za-z-]*s)\b"
)
NOT_BEFORE_QUANTITY: Final = frozenset(".#$€£/:-")
GROUPED_NUMBER: Final = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?")

TOTAL_MARKER: Final = re.compile(
    r"\b(?:a\s+total\s+of|in\s+total|totall?(?:ing|ed)?|altogether|in\s+all|overall"
    r"|combined|all\s+told)\b",
    re.IGNORECASE,
)
NUMBER: Final = re.compile(r"(?<![\w.#$€£/:-])(?:\d{1,3}(?:,\d{3})+|\d+)(?![\w.:/-]|\.\d)")

RANGE_OPENER: Final = re.compile(r"\b(?:from|between)\s*$", re.IGNORECASE)
RANGE_JOINER: Final = re.compile(
    r"\s*(?:-|–|—|to|and|until|till|through)\s*(?:the\s+)?$", re.IGNORECASE
)
BACK_REFERENCE: Final = re.compile(
    r"\b(?:those|these|that|this|the\s+(?:outage|incident|downtime)|lasted|for)\s+$",
    re.IGNORECASE,
)

IDENTIFIER: Final = re.compile(
    r"(?<![\w.-])(?:v?\d+\.\d+(?:\.\d+)+|v\d+\.\d+|CVE-\d{4}-\d{4,}|#\d{3,})(?![\w.-]|\.\d)"
)
SECTION_REFERENCE: Final = re.compile(
    r"\b(?i:see|in|under|described\s+in|detailed\s+in|listed\s+in|covered\s+in|explained\s+in)"
    r"\s+(?:the\s+)?[\"“']?(?P<name>[A-Z][\w&-]*(?:\s+(?:[A-Z][\w&-]*|and|of|&)){0,5})"
    r"[\"”']?\s+(?i:section)\b"
    r"|\bsection\s+(?:titled\s+|called\s+)?[\"“'](?P<quoted>[^\"”'\n]{3,60})[\"”']"
    r"|\b(?i:see|in)\s+(?P<appendix>Appendix\s+[A-Z0-9]{1,3})\b"
)
OUTAGE_WORDS: Final = re.compile(
    r"\b(?:outage|incident|downtime|unavailable|inaccessible|down|failed|broken|degraded"
    r"|unable|stuck)\b",
    re.IGNORECASE,
)
_STOPWORD_TEXT: Final = """
a an the of to in on at by for from with and or but is was were be been are as it its this that
these those which who we our they their there then than so not no all any some into onto over
under after before during while about also had has have do did does can could would should will
may might must just only very more most less other such each per when where what how why if
because
"""
STOPWORDS: Final = frozenset(_STOPWORD_TEXT.split())
WORD: Final = re.compile(r"[A-Za-z][A-Za-z'-]+")
APPROXIMATE_BEFORE: Final = re.compile(
    r"(?:about|around|roughly|nearly|almost|approximately|approx\.|over|under|more\s+than"
    r"|less\s+than|fewer\s+than|at\s+least|at\s+most|up\s+to|~|>|<|hundreds\s+of"
    r"|thousands\s+of)\s*$",
    re.IGNORECASE,
)
