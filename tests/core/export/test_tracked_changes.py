"""Replacements written as tracked changes: w:del of the quote + w:ins of the new text."""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from aiprism_desktop.core.anchoring import anchor_quote
from aiprism_desktop.core.export.comment_text import AI_AUTHOR, export_items
from aiprism_desktop.core.export.docx_model import ExportSummary
from aiprism_desktop.core.export.docx_writer import export_reviewed_docx
from aiprism_desktop.core.findings import Finding
from aiprism_desktop.core.ooxml import names as n
from aiprism_desktop.core.ooxml.text import paragraph_text
from tests.support.export_factory import (
    assert_comment_markup_is_sound,
    contract_document,
    docx2python_comments,
    finding,
    para,
    paragraph_texts,
    part_xml,
    python_docx_comments,
    run,
    write_docx,
)

NOW = "2025-03-04T05:06:07Z"


def _reject_all_text(paragraph: etree._Element) -> str:
    """The paragraph as it was before any change: deleted text back, inserted text gone."""
    parts: list[str] = []
    for element in paragraph.iter(n.W_T, n.W_DEL_TEXT):
        if any(a.tag == n.W_INS for a in element.iterancestors()):
            continue
        parts.append(element.text or "")
    return "".join(parts)


def _export(
    tmp_path: Path,
    body: str,
    replacements: list[tuple[str, str]],
    *,
    tracked_changes: bool = True,
) -> tuple[Path, ExportSummary, Path]:
    source = write_docx(tmp_path / "source.docx", body)
    document = contract_document(source)
    findings: list[Finding] = []
    for index, (quote, replacement) in enumerate(replacements):
        for section in document.sections:
            anchor = anchor_quote(section, quote)
            if anchor is not None:
                findings.append(
                    finding(
                        f"f{index}", section.id, quote=quote, anchor=anchor, replacement=replacement
                    )
                )
                break
    out = tmp_path / "out.docx"
    summary = export_reviewed_docx(
        source, document, export_items(findings), out, tracked_changes=tracked_changes, now=NOW
    )
    assert_comment_markup_is_sound(out)
    return out, summary, source


def test_replacement_becomes_deletion_and_insertion(tmp_path: Path) -> None:
    body = para(run("The valve was "), run("probably broken", bold=True), run(" on Monday."))
    out, summary, source = _export(tmp_path, body, [("was probably broken", "failed")])
    assert summary.replacements_applied == 1
    assert summary.replacements_not_applied_ids == ()

    [paragraph] = part_xml(out).iter(n.W_P)
    deletion = paragraph.find(n.W_DEL)
    insertion = paragraph.find(n.W_INS)
    assert deletion is not None
    assert insertion is not None
    assert "".join(t.text or "" for t in deletion.iter(n.W_DEL_TEXT)) == "was probably broken"
    assert deletion.find(f".//{n.W_T}") is None
    assert "".join(t.text or "" for t in insertion.iter(n.W_T)) == "failed"
    for change in (deletion, insertion):
        assert change.get(n.w("author")) == AI_AUTHOR
        assert change.get(n.w("date")) == NOW
    # Accept-all shows the new wording, reject-all the original.
    assert paragraph_text(paragraph) == "The valve failed on Monday."
    assert _reject_all_text(paragraph) == paragraph_texts(source)[0]
    # The comment anchors on the change: docx2python shows the accepted text.
    assert [c[0] for c in docx2python_comments(out)] == ["failed"]
    assert len(python_docx_comments(out)) == 1
    start = paragraph.find(n.W_COMMENT_RANGE_START)
    assert start is not None
    assert start.getnext() is deletion


def test_formatting_is_kept_on_deleted_and_inserted_runs(tmp_path: Path) -> None:
    body = para(run("Keep "), run("bold words", bold=True), run(" plain."))
    out, summary, _ = _export(tmp_path, body, [("bold words", "strong words")])
    assert summary.replacements_applied == 1
    [paragraph] = part_xml(out).iter(n.W_P)
    deleted_run = paragraph.find(f"{n.W_DEL}/{n.W_R}")
    inserted_run = paragraph.find(f"{n.W_INS}/{n.W_R}")
    assert deleted_run is not None
    assert inserted_run is not None
    assert deleted_run.find(f"{n.W_RPR}/{n.w('b')}") is not None
    assert inserted_run.find(f"{n.W_RPR}/{n.w('b')}") is not None


def test_revision_ids_are_unique_and_avoid_existing_ones(tmp_path: Path) -> None:
    body = para(
        run("Alpha beta gamma. "),
        '<w:ins w:id="7" w:author="Ann" w:date="2024-01-01T00:00:00Z">'
        + run("Inserted earlier. ")
        + "</w:ins>",
        '<w:bookmarkStart w:id="8" w:name="mark"/>',
        run("Delta epsilon."),
        '<w:bookmarkEnd w:id="8"/>',
    )
    out, summary, _ = _export(
        tmp_path, body, [("beta", "BETA"), ("epsilon", "EPSILON"), ("earlier", "before")]
    )
    assert summary.replacements_applied == 3
    root = part_xml(out)
    revision_ids = [e.get(n.W_ID) for e in root.iter(n.W_INS, n.W_DEL)]
    assert len(revision_ids) == len(set(revision_ids)) == 1 + 3 * 2
    comment_ids = {e.get(n.W_ID) for e in root.iter(n.W_COMMENT_RANGE_START)}
    new_revision_ids = set(revision_ids) - {"7"}
    assert not new_revision_ids & (comment_ids | {"7", "8"})
    [paragraph] = root.iter(n.W_P)
    assert paragraph_text(paragraph) == "Alpha BETA gamma. Inserted before. Delta EPSILON."
    # A deletion inside an earlier insertion is nested in it, as Word writes it.
    earlier = root.find(f".//{n.W_INS}[@{n.W_ID}='7']")
    assert earlier is not None
    assert earlier.find(n.W_DEL) is not None


def test_special_characters_in_replacement(tmp_path: Path) -> None:
    body = para(run("Replace me please."))
    out, summary, _ = _export(tmp_path, body, [("me", 'A & B < C "q"\x07\nnext\tcol')])
    assert summary.replacements_applied == 1
    [paragraph] = part_xml(out).iter(n.W_P)
    assert paragraph_text(paragraph) == 'Replace A & B < C "q"\nnext\tcol please.'


def test_empty_replacement_is_a_pure_deletion(tmp_path: Path) -> None:
    body = para(run("Remove the redundant word here."))
    # Anchors never include the whitespace around a quote, so "redundant " deletes one word.
    out, summary, _ = _export(tmp_path, body, [("redundant ", "")])
    assert summary.replacements_applied == 1
    [paragraph] = part_xml(out).iter(n.W_P)
    assert paragraph.find(n.W_INS) is None
    assert paragraph_text(paragraph) == "Remove the  word here."
    assert _reject_all_text(paragraph) == "Remove the redundant word here."


def test_not_applied_without_the_option(tmp_path: Path) -> None:
    body = para(run("The valve was probably broken."))
    out, summary, source = _export(
        tmp_path, body, [("probably broken", "broken")], tracked_changes=False
    )
    assert summary.replacements_applied == 0
    assert summary.replacements_not_applied_ids == ("f0",)
    root = part_xml(out)
    assert root.find(f".//{n.W_DEL}") is None
    assert root.find(f".//{n.W_INS}") is None
    assert paragraph_texts(out) == paragraph_texts(source)
    assert [c[0] for c in docx2python_comments(out)] == ["probably broken"]


def test_multi_paragraph_span_gets_comment_only(tmp_path: Path) -> None:
    body = para(run("First part ends.")) + para(run("Second part starts."))
    out, summary, source = _export(tmp_path, body, [("ends. Second", "x"), ("starts", "begins")])
    assert summary.replacements_applied == 1
    assert summary.replacements_not_applied_ids == ("f0",)
    assert summary.comments_added == 2
    texts = paragraph_texts(out)
    assert texts[0] == paragraph_texts(source)[0]
    assert texts[1] == "Second part begins."


def test_span_with_a_field_or_drawing_is_left_alone(tmp_path: Path) -> None:
    field = (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        '<w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        + run("7")
        + '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )
    body = para(run("See page "), field, run(" for details."))
    out, summary, source = _export(tmp_path, body, [("page 7 for", "p. 7 for")])
    assert summary.replacements_applied == 0
    assert summary.replacements_not_applied_ids == ("f0",)
    assert paragraph_texts(out) == paragraph_texts(source)
    assert part_xml(out).find(f".//{n.W_DEL}") is None


def test_overlapping_replacements_apply_only_the_first(tmp_path: Path) -> None:
    body = para(run("One two three four five."))
    out, summary, _ = _export(tmp_path, body, [("two three", "2 3"), ("three four", "3 4")])
    assert summary.replacements_applied == 1
    assert summary.replacements_not_applied_ids == ("f1",)
    [paragraph] = part_xml(out).iter(n.W_P)
    assert paragraph_text(paragraph) == "One 2 3 four five."
    assert _reject_all_text(paragraph) == "One two three four five."
