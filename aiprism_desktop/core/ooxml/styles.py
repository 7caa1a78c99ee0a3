"""The style map: resolved once per document, then asked per paragraph in O(1).

Heading detection does not rely on English style names alone. For a style, walking its
``w:basedOn`` chain (cycle-safe), the first decisive fact wins:

* ``w:pPr/w:outlineLvl`` on the style: 0-8 → heading level 1-9, 9 → "body text" (not a heading);
* the style name: ``heading N`` (Word stores built-in names in English whatever the UI
  language; a few localized spellings are accepted for other producers), or ``Title``.

So a custom or localized style based on "heading 2" is a level-2 heading, and a paragraph-level
``w:outlineLvl`` overrides its style (``paragraph_heading_level`` in the reader). ``Title`` counts
as a level-1 heading (``TITLE_LEVEL``): it opens the section that holds the front matter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from aiprism_desktop.core.ooxml import names as n

TITLE_LEVEL = 1
_MAX_CHAIN = 32  # basedOn chains deeper than this are treated as broken (and cyclic ones stop)
_BODY_TEXT_OUTLINE = 9

_HEADING_NAME = re.compile(
    r"^(?:heading|überschrift|titre|título|titulo|titolo|kop|nagłówek|rubrik|overskrift"
    r"|otsikko|nadpis|заголовок|başlık|cabeçalho|encabezado|címsor)\s*([1-9])$",
    re.IGNORECASE,
)
_HEADING_ID = re.compile(r"^heading([1-9])$", re.IGNORECASE)
_TITLE_NAMES = frozenset({"title", "titel", "titre", "título", "titolo", "заголовок"})
_FALSE_VALUES = frozenset({"0", "false", "off", "none"})

# Word stores built-in style names in lower case ("heading 1"); show them as the UI does.
_UI_WORDS = {"toc": "TOC"}


def on_off(element: etree._Element | None) -> bool | None:
    """Value of an OOXML on/off property element (``<w:b/>`` = on), None when absent."""
    if element is None:
        return None
    return element.get(n.W_VAL, "true").lower() not in _FALSE_VALUES


def int_val(element: etree._Element | None) -> int | None:
    if element is None:
        return None
    try:
        return int(element.get(n.W_VAL, ""))
    except ValueError:
        return None


def ui_style_name(name: str) -> str:
    """'heading 1' → 'Heading 1', 'toc 2' → 'TOC 2'; other names unchanged."""
    if not name or name != name.lower():
        return name
    return " ".join(_UI_WORDS.get(word, word.capitalize()) for word in name.split(" "))


@dataclass(frozen=True, slots=True)
class StyleInfo:
    """The facts about one style that reading needs."""

    style_id: str
    name: str
    kind: str  # paragraph | character | table | numbering
    based_on: str | None = None
    outline_level: int | None = None
    num_id: str | None = None
    num_level: int | None = None
    bold: bool | None = None


def _parse_style(element: etree._Element) -> StyleInfo:
    ppr = element.find(n.W_PPR)
    rpr = element.find(n.W_RPR)
    num_id: str | None = None
    num_level: int | None = None
    outline: int | None = None
    if ppr is not None:
        outline = int_val(ppr.find(n.w("outlineLvl")))
        numpr = ppr.find(n.w("numPr"))
        if numpr is not None:
            num_el = numpr.find(n.w("numId"))
            num_id = num_el.get(n.W_VAL) if num_el is not None else None
            num_level = int_val(numpr.find(n.w("ilvl")))
    name_el = element.find(n.w("name"))
    based_el = element.find(n.w("basedOn"))
    return StyleInfo(
        style_id=element.get(n.w("styleId"), ""),
        name=name_el.get(n.W_VAL, "") if name_el is not None else "",
        kind=element.get(n.w("type"), "paragraph"),
        based_on=based_el.get(n.W_VAL) if based_el is not None else None,
        outline_level=outline,
        num_id=num_id,
        num_level=num_level,
        bold=on_off(rpr.find(n.w("b"))) if rpr is not None else None,
    )


def _level_from_name(name: str) -> int | None:
    match = _HEADING_NAME.match(name.strip())
    if match:
        return int(match.group(1))
    if name.strip().lower() in _TITLE_NAMES:
        return TITLE_LEVEL
    return None


class StyleMap:
    """Styles of one document with their basedOn chains resolved lazily and cached."""

    def __init__(self, root: etree._Element | None) -> None:
        # Styles are parsed on first use: a document uses a handful of the hundreds it defines.
        self._elements: dict[str, etree._Element] = {}
        self._styles: dict[str, StyleInfo | None] = {}
        self.default_paragraph_style: str | None = None
        self._heading_cache: dict[str, int | None] = {}
        self._numbering_cache: dict[str, tuple[str | None, int]] = {}
        self._bold_cache: dict[str, bool] = {}
        self._title_cache: dict[str, bool] = {}
        if root is None:
            return
        style_id_attr, default_attr, type_attr = n.w("styleId"), n.w("default"), n.w("type")
        for element in root.iter(n.w("style")):
            style_id = element.get(style_id_attr)
            if not style_id or style_id in self._elements:
                continue
            self._elements[style_id] = element
            if (
                self.default_paragraph_style is None
                and element.get(default_attr, "").lower() in ("1", "true", "on")
                and element.get(type_attr, "paragraph") == "paragraph"
            ):
                self.default_paragraph_style = style_id

    def get(self, style_id: str) -> StyleInfo | None:
        if style_id in self._styles:
            return self._styles[style_id]
        element = self._elements.get(style_id)
        info = _parse_style(element) if element is not None else None
        self._styles[style_id] = info
        return info

    def _chain(self, style_id: str) -> list[StyleInfo]:
        chain: list[StyleInfo] = []
        seen: set[str] = set()
        current: str | None = style_id
        while current and current not in seen and len(chain) < _MAX_CHAIN:
            seen.add(current)
            info = self.get(current)
            if info is None:
                break
            chain.append(info)
            current = info.based_on
        return chain

    def display_name(self, style_id: str | None) -> str:
        """The style's name as Word's UI shows it ('' for no style)."""
        style_id = style_id or self.default_paragraph_style
        if not style_id:
            return ""
        info = self.get(style_id)
        return ui_style_name(info.name) if info is not None and info.name else style_id

    def heading_level(self, style_id: str | None) -> int | None:
        """Heading level 1-9 a paragraph style gives (Title → ``TITLE_LEVEL``), else None."""
        style_id = style_id or self.default_paragraph_style
        if not style_id:
            return None
        if style_id in self._heading_cache:
            return self._heading_cache[style_id]
        level = self._resolve_heading(style_id)
        self._heading_cache[style_id] = level
        return level

    def _resolve_heading(self, style_id: str) -> int | None:
        chain = self._chain(style_id)
        for info in chain:
            if info.outline_level is not None:
                outline = info.outline_level
                return outline + 1 if 0 <= outline < _BODY_TEXT_OUTLINE else None
            level = _level_from_name(info.name)
            if level is not None:
                return level
        if not chain:  # style not defined (or no styles part): fall back on Word's ids
            match = _HEADING_ID.match(style_id)
            if match:
                return int(match.group(1))
            if style_id.lower() == "title":
                return TITLE_LEVEL
        return None

    def is_title(self, style_id: str | None) -> bool:
        style_id = style_id or self.default_paragraph_style
        if not style_id:
            return False
        cached = self._title_cache.get(style_id)
        if cached is None:
            chain = self._chain(style_id)
            if not chain:
                cached = style_id.lower() == "title"
            else:
                cached = any(info.name.strip().lower() in _TITLE_NAMES for info in chain)
            self._title_cache[style_id] = cached
        return cached

    def numbering(self, style_id: str | None) -> tuple[str | None, int]:
        """(numId, ilvl) a paragraph style applies through its chain; numId None if none."""
        style_id = style_id or self.default_paragraph_style
        if not style_id:
            return None, 0
        cached = self._numbering_cache.get(style_id)
        if cached is not None:
            return cached
        num_id: str | None = None
        level: int | None = None
        for info in self._chain(style_id):
            if num_id is None and info.num_id is not None:
                num_id = info.num_id
            if level is None and info.num_level is not None:
                level = info.num_level
        result = (num_id, level or 0)
        self._numbering_cache[style_id] = result
        return result

    def is_bold(self, style_id: str | None) -> bool:
        """Whether a style (paragraph or character) makes its text bold."""
        if not style_id:
            return False
        cached = self._bold_cache.get(style_id)
        if cached is not None:
            return cached
        bold = False
        for info in self._chain(style_id):
            if info.bold is not None:
                bold = info.bold
                break
        self._bold_cache[style_id] = bold
        return bold
