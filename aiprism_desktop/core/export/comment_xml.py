"""WordprocessingML for comments: the comments part, comment bodies and anchor markers.

All text goes through lxml, which escapes ``&``, ``<`` and quotes; characters XML 1.0 cannot
hold at all (C0 controls other than tab/newline, lone surrogates, U+FFFE/U+FFFF) are removed
first, because lxml refuses them and Word would call the file corrupt.
"""

from __future__ import annotations

import re
from functools import lru_cache
from xml.sax.saxutils import escape

from lxml import etree

from aiprism_desktop.core.ooxml import names as n

_ILLEGAL_XML_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

W_AUTHOR = n.w("author")
W_DATE = n.w("date")
W_INITIALS = n.w("initials")
W_PSTYLE = n.w("pStyle")
W_RSTYLE = n.w("rStyle")


def xml_safe(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot represent (escaping is lxml's job)."""
    return _ILLEGAL_XML_CHARS.sub("", text)


@lru_cache(maxsize=256)
def initials_of(author: str) -> str:
    """Initials Word shows in the comment balloon: "Jane Doe" → "JD", "AI-Prism" → "AI"."""
    words = [w for w in re.split(r"[\s\-_.]+", author) if w]
    if len(words) == 1 and words[0].isupper():
        return words[0][:3]
    if author.upper().startswith("AI-") or author.upper().startswith("AI "):
        return "AI"
    initials = "".join(word[0] for word in words[:3]).upper()
    return xml_safe(initials) or "R"


def set_text(t: etree._Element, text: str) -> None:
    """Set a ``w:t``/``w:delText`` value, keeping leading/trailing spaces visible to Word."""
    t.text = text
    if text != text.strip() or "  " in text:
        t.set(n.XML_SPACE, "preserve")


def _attribute(value: str) -> str:
    # Tabs and newlines in attributes would be normalized to spaces by any XML parser anyway.
    cleaned = xml_safe(value).replace("\t", " ").replace("\r", " ").replace("\n", " ")
    return escape(cleaned, {'"': "&quot;"})


def _line_xml(line: str) -> str:
    """Runs for one line of comment text; tabs become ``w:tab`` so Word renders them."""
    pieces = []
    for index, chunk in enumerate(line.split("\t")):
        if index:
            pieces.append("<w:tab/>")
        if chunk:
            pieces.append(f'<w:t xml:space="preserve">{escape(chunk)}</w:t>')
    return f"<w:r>{''.join(pieces)}</w:r>" if pieces else ""


_PARAGRAPH_START = '<w:p><w:pPr><w:pStyle w:val="CommentText"/></w:pPr>'
_ANNOTATION_REF = '<w:r><w:rPr><w:rStyle w:val="CommentReference"/></w:rPr><w:annotationRef/></w:r>'


def comment_xml(comment_id: int, *, author: str, initials: str, date: str, text: str) -> str:
    """A ``w:comment`` as XML text (prefix ``w``), one paragraph per line of ``text``.

    Built as text and parsed by lxml in one batch (``append_comments``): an order of magnitude
    faster than element-by-element construction for a thousand comments, and every value is
    escaped here and checked by the parser, so nothing unescaped can reach the file.
    """
    lines = xml_safe(text).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    paragraphs = [
        _PARAGRAPH_START + (_ANNOTATION_REF if index == 0 else "") + _line_xml(line) + "</w:p>"
        for index, line in enumerate(lines)
    ]
    return (
        f'<w:comment w:id="{comment_id}" w:author="{_attribute(author)}" '
        f'w:date="{_attribute(date)}" w:initials="{_attribute(initials)}">'
        + "".join(paragraphs)
        + "</w:comment>"
    )


def append_comments(root: etree._Element, comments: list[str]) -> None:
    """Parse ``comment_xml`` strings in one go and append them to a ``w:comments`` root."""
    if not comments:
        return
    wrapper = etree.fromstring(f'<w:comments xmlns:w="{n.W_NS}">{"".join(comments)}</w:comments>')
    for comment in list(wrapper):
        root.append(comment)


def comment_element(
    comment_id: int, *, author: str, initials: str, date: str, text: str
) -> etree._Element:
    """A single ``w:comment`` element (see ``comment_xml``)."""
    holder = etree.Element(n.W_COMMENTS, nsmap={"w": n.W_NS})
    append_comments(
        holder, [comment_xml(comment_id, author=author, initials=initials, date=date, text=text)]
    )
    return holder[0]


def range_start(comment_id: int) -> etree._Element:
    element = etree.Element(n.W_COMMENT_RANGE_START)
    element.set(n.W_ID, str(comment_id))
    return element


def range_end(comment_id: int) -> etree._Element:
    element = etree.Element(n.W_COMMENT_RANGE_END)
    element.set(n.W_ID, str(comment_id))
    return element


def reference_run(comment_id: int) -> etree._Element:
    """The run that shows the comment mark; it must follow the range end."""
    run = etree.Element(n.W_R)
    etree.SubElement(etree.SubElement(run, n.W_RPR), W_RSTYLE).set(n.W_VAL, "CommentReference")
    etree.SubElement(run, n.W_COMMENT_REFERENCE).set(n.W_ID, str(comment_id))
    return run


def new_comments_root() -> etree._Element:
    return etree.Element(n.W_COMMENTS, nsmap={"w": n.W_NS, "r": n.R_NS})


def max_numeric_id(values: list[str]) -> int:
    """The largest integer among ``w:id`` values (-1 when none); non-numeric ids are ignored."""
    best = -1
    for value in values:
        try:
            number = int(value)
        except ValueError:
            continue
        best = max(best, number)
    return best


def comment_ids_in(root: etree._Element) -> list[str]:
    """Every comment id a part uses: comments, range markers and references."""
    ids: list[str] = []
    for element in root.iter(
        n.W_COMMENT, n.W_COMMENT_RANGE_START, n.W_COMMENT_RANGE_END, n.W_COMMENT_REFERENCE
    ):
        value = element.get(n.W_ID)
        if value is not None:
            ids.append(value)
    return ids


def all_ids_in(root: etree._Element) -> list[str]:
    """Every ``w:id`` attribute value of a part (revisions, bookmarks, comments, ...)."""
    values = root.xpath("//@w:id", namespaces={"w": n.W_NS})
    return [str(v) for v in values] if isinstance(values, list) else []
