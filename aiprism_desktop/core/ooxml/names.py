"""Namespaces and Clark-notation tag names used across the OOXML code."""

from __future__ import annotations

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W14_NS = "http://schemas.microsoft.com/office/word/2010/wordml"
W15_NS = "http://schemas.microsoft.com/office/word/2012/wordml"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
CP_NS = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
DC_NS = "http://purl.org/dc/elements/1.1/"
V_NS = "urn:schemas-microsoft-com:vml"
WPS_NS = "http://schemas.microsoft.com/office/word/2010/wordprocessingShape"
STRICT_W_NS = "http://purl.oclc.org/ooxml/wordprocessingml/main"

NSMAP = {"w": W_NS, "w14": W14_NS, "w15": W15_NS, "mc": MC_NS, "r": R_NS}

# Relationship types (transitional).
RT_OFFICE_DOCUMENT = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
)
RT_STRICT_OFFICE_DOCUMENT = "http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument"
RT_STYLES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"
RT_NUMBERING = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering"
RT_COMMENTS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments"
RT_FOOTNOTES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"
RT_ENDNOTES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/endnotes"


def w(local: str) -> str:
    """Clark name of a ``w:`` element or attribute, e.g. ``w("p")``."""
    return f"{{{W_NS}}}{local}"


W_P = w("p")
W_R = w("r")
W_T = w("t")
W_TAB = w("tab")
W_PTAB = w("ptab")
W_BR = w("br")
W_CR = w("cr")
W_NO_BREAK_HYPHEN = w("noBreakHyphen")
W_SOFT_HYPHEN = w("softHyphen")
W_SYM = w("sym")
W_DEL = w("del")
W_INS = w("ins")
W_MOVE_FROM = w("moveFrom")
W_MOVE_TO = w("moveTo")
W_DEL_TEXT = w("delText")
W_INSTR_TEXT = w("instrText")
W_DEL_INSTR_TEXT = w("delInstrText")
W_PPR = w("pPr")
W_RPR = w("rPr")
W_DRAWING = w("drawing")
W_PICT = w("pict")
W_OBJECT = w("object")
W_TXBX_CONTENT = w("txbxContent")
W_TBL = w("tbl")
W_TR = w("tr")
W_TC = w("tc")
W_SDT = w("sdt")
W_SDT_CONTENT = w("sdtContent")
W_BODY = w("body")
W_HYPERLINK = w("hyperlink")
W_COMMENT_RANGE_START = w("commentRangeStart")
W_COMMENT_RANGE_END = w("commentRangeEnd")
W_COMMENT_REFERENCE = w("commentReference")
W_COMMENT = w("comment")
W_COMMENTS = w("comments")
W_VAL = w("val")
W_ID = w("id")
W14_PARA_ID = f"{{{W14_NS}}}paraId"
MC_ALTERNATE_CONTENT = f"{{{MC_NS}}}AlternateContent"
MC_CHOICE = f"{{{MC_NS}}}Choice"
MC_FALLBACK = f"{{{MC_NS}}}Fallback"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
