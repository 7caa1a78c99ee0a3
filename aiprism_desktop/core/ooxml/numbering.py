"""List numbering text ("1.", "a)", "2.3.", "•") as Word renders it, where it can be computed.

Definitions come from the numbering part: ``w:num`` → ``w:abstractNum`` (following
``w:numStyleLink`` once), with ``w:lvlOverride`` (``w:startOverride`` or a whole ``w:lvl``).
Counters advance in document order; a level restarts when a shallower level is used unless
``w:lvlRestart`` says otherwise. Lists that share an abstract definition continue each other's
numbering unless their ``w:num`` overrides a start value (the usual "restart numbering" case).
Formats not worth spelling out (e.g. ``cardinalText``, Asian counting systems) fall back to
decimal; the text is then still truthful about the position, only not in the same script.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from lxml import etree

from aiprism_desktop.core.ooxml import names as n
from aiprism_desktop.core.ooxml.styles import StyleMap, int_val, on_off

_LEVELS = 9
_ROMAN = (
    (1000, "m"),
    (900, "cm"),
    (500, "d"),
    (400, "cd"),
    (100, "c"),
    (90, "xc"),
    (50, "l"),
    (40, "xl"),
    (10, "x"),
    (9, "ix"),
    (5, "v"),
    (4, "iv"),
    (1, "i"),
)
# Bullets drawn from Symbol/Wingdings live in the private use area; show a Unicode look-alike.
_BULLETS = {
    "\uf0b7": "•",
    "\uf0a7": "▪",
    "\uf076": "❖",
    "\uf0d8": "➢",
    "\uf0fc": "✓",
    "\uf0a8": "□",
    "\uf06e": "■",
    "\uf0e0": "➔",
    "\uf02d": "-",
}


@dataclass(frozen=True, slots=True)
class LevelDef:
    """One level of a list definition."""

    start: int = 1
    fmt: str = "decimal"
    text: str | None = None  # lvlText, e.g. "%1.%2."
    restart: int | None = None  # lvlRestart (1-based level; 0 = never), None = default
    legal: bool = False  # isLgl: show every level's number as decimal


def _parse_level(element: etree._Element) -> LevelDef:
    fmt_el = element.find(n.w("numFmt"))
    text_el = element.find(n.w("lvlText"))
    start = int_val(element.find(n.w("start")))
    return LevelDef(
        start=start if start is not None else 1,
        fmt=fmt_el.get(n.W_VAL, "decimal") if fmt_el is not None else "decimal",
        text=text_el.get(n.W_VAL) if text_el is not None else None,
        restart=int_val(element.find(n.w("lvlRestart"))),
        legal=bool(on_off(element.find(n.w("isLgl")))),
    )


def _levels_of(abstract: etree._Element) -> dict[int, LevelDef]:
    levels: dict[int, LevelDef] = {}
    for lvl in abstract.iter(n.w("lvl")):
        index = lvl.get(n.w("ilvl"))
        if index is not None and index.isdigit() and int(index) < _LEVELS:
            levels.setdefault(int(index), _parse_level(lvl))
    return levels


def _letters(value: int) -> str:
    # Word: a..z, then aa..zz, aaa..: the letter repeated.
    if value <= 0:
        return str(value)
    letter = chr(ord("a") + (value - 1) % 26)
    return letter * ((value - 1) // 26 + 1)


def _roman(value: int) -> str:
    if not 0 < value < 4000:
        return str(value)
    out = []
    for amount, digits in _ROMAN:
        while value >= amount:
            out.append(digits)
            value -= amount
    return "".join(out)


def _ordinal(value: int) -> str:
    suffix = "th" if 10 <= value % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(value % 10, "th")
    return f"{value}{suffix}"


def format_number(value: int, fmt: str) -> str:
    """One counter value in a ``w:numFmt`` format."""
    if fmt == "none":
        return ""
    if fmt == "decimalZero":
        return f"{value:02d}"
    if fmt == "lowerLetter":
        return _letters(value)
    if fmt == "upperLetter":
        return _letters(value).upper()
    if fmt == "lowerRoman":
        return _roman(value)
    if fmt == "upperRoman":
        return _roman(value).upper()
    if fmt == "ordinal":
        return _ordinal(value)
    if fmt == "decimalEnclosedCircle" and 1 <= value <= 20:
        return chr(0x2460 + value - 1)
    return str(value)


def bullet_text(text: str) -> str:
    """A bullet's lvlText with symbol-font characters mapped to Unicode look-alikes."""
    return "".join(
        _BULLETS.get(char, "•") if "\ue000" <= char <= "\uf8ff" else char for char in text
    )


@dataclass(frozen=True, slots=True)
class _NumInstance:
    abstract_id: str
    levels: dict[int, LevelDef]
    restarts: bool  # overrides a start value: counts on its own instead of sharing


class Numbering:
    """List definitions of one document plus the running counters of one story."""

    def __init__(self, root: etree._Element | None, styles: StyleMap) -> None:
        self._nums: dict[str, _NumInstance] = {}
        self._counters: dict[str, list[int | None]] = {}
        if root is None:
            return
        abstracts: dict[str, etree._Element] = {}
        for element in root.iter(n.w("abstractNum")):
            abstracts.setdefault(element.get(n.w("abstractNumId"), ""), element)
        num_elements = {element.get(n.w("numId"), ""): element for element in root.iter(n.w("num"))}
        for num_id, element in num_elements.items():
            instance = self._build(num_id, element, abstracts, num_elements, styles)
            if instance is not None:
                self._nums[num_id] = instance

    @staticmethod
    def _abstract_for(
        element: etree._Element,
        abstracts: dict[str, etree._Element],
        nums: dict[str, etree._Element],
        styles: StyleMap,
    ) -> tuple[str, etree._Element] | None:
        seen: set[str] = set()
        ref = element.find(n.w("abstractNumId"))
        abstract_id = ref.get(n.W_VAL, "") if ref is not None else ""
        while abstract_id in abstracts and abstract_id not in seen:
            seen.add(abstract_id)
            abstract = abstracts[abstract_id]
            link = abstract.find(n.w("numStyleLink"))
            if link is None:
                return abstract_id, abstract
            # The list is defined by a numbering style: follow its numId to the real one.
            linked_num_id, _ = styles.numbering(link.get(n.W_VAL, ""))
            linked = nums.get(linked_num_id or "")
            ref = linked.find(n.w("abstractNumId")) if linked is not None else None
            if ref is None:
                return abstract_id, abstract
            abstract_id = ref.get(n.W_VAL, "")
        return None

    def _build(
        self,
        num_id: str,
        element: etree._Element,
        abstracts: dict[str, etree._Element],
        nums: dict[str, etree._Element],
        styles: StyleMap,
    ) -> _NumInstance | None:
        found = self._abstract_for(element, abstracts, nums, styles)
        if found is None:
            return None
        abstract_id, abstract = found
        levels = _levels_of(abstract)
        restarts = False
        for override in element.iter(n.w("lvlOverride")):
            index = override.get(n.w("ilvl"), "")
            if not index.isdigit() or int(index) >= _LEVELS:
                continue
            level_el = override.find(n.w("lvl"))
            level = _parse_level(level_el) if level_el is not None else levels.get(int(index))
            level = level or LevelDef()
            start = int_val(override.find(n.w("startOverride")))
            if start is not None:
                level = replace(level, start=start)
                restarts = True
            if level_el is not None:
                restarts = True
            levels[int(index)] = level
        return _NumInstance(abstract_id, levels, restarts)

    def reset_counters(self) -> None:
        """Start counting afresh (a new story, e.g. the footnotes)."""
        self._counters.clear()

    def is_list(self, num_id: str | None) -> bool:
        """Whether this numId refers to a real list ("0" or unknown ids remove numbering)."""
        return bool(num_id) and num_id in self._nums

    def next_label(self, num_id: str, level: int) -> str:
        """Advance the counter for (numId, level) and return the text Word shows."""
        instance = self._nums[num_id]
        level = min(max(level, 0), _LEVELS - 1)
        key = f"num:{num_id}" if instance.restarts else f"abs:{instance.abstract_id}"
        counts = self._counters.setdefault(key, [None] * _LEVELS)
        definition = instance.levels.get(level, LevelDef())
        current = counts[level]
        counts[level] = definition.start if current is None else current + 1
        for deeper in range(level + 1, _LEVELS):
            restart = instance.levels.get(deeper, LevelDef()).restart
            if restart is None or (restart != 0 and level < restart):
                counts[deeper] = None
        return self._render(instance, level, counts)

    @staticmethod
    def _render(instance: _NumInstance, level: int, counts: list[int | None]) -> str:
        definition = instance.levels.get(level, LevelDef())
        if definition.fmt == "bullet":
            return bullet_text(definition.text or "•")
        template = definition.text if definition.text is not None else f"%{level + 1}."
        out: list[str] = []
        index = 0
        while index < len(template):
            char = template[index]
            follower = template[index + 1] if index + 1 < len(template) else ""
            if char == "%" and follower in "123456789" and follower:
                ref = int(follower) - 1
                ref_def = instance.levels.get(ref, LevelDef())
                value = counts[ref] if counts[ref] is not None else ref_def.start
                fmt = "decimal" if definition.legal else ref_def.fmt
                out.append(format_number(value or 0, fmt))
                index += 2
                continue
            out.append(char)
            index += 1
        return bullet_text("".join(out)).strip()
