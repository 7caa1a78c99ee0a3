"""Reviewed .docx export: comments anchored on spans, blocks as a fallback, package preserved.

Every output is re-opened with python-docx and docx2python (which resolves the anchored text)
and its comment markup is checked structurally.
"""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import docx
import pytest
from docx.shared import Inches

from aiprism_desktop.core.anchoring import anchor_quote
from aiprism_desktop.core.document import Document
from aiprism_desktop.core.export.comment_text import (
    AI_AUTHOR,
    comment_author,
    export_items,
    format_comment_text,
    titles_from_frameworks,
)
from aiprism_desktop.core.export.docx_model import ExportItem, ExportSummary
from aiprism_desktop.core.export.docx_writer import export_reviewed_docx
from aiprism_desktop.core.export.errors import (
    ExportSameAsSourceError,
    ExportSourceChangedError,
    ExportSourceMissingError,
    ExportTargetInvalidError,
    ExportWriteError,
)
from aiprism_desktop.core.export.package_writer import Package
from aiprism_desktop.core.findings import Anchor, Finding, FindingType, Risk
from aiprism_desktop.core.frameworks import builtin_frameworks_dir, load_framework_file
from aiprism_desktop.core.ooxml import names as n
from aiprism_desktop.core.ooxml.text import paragraph_text
from tests.support.export_factory import (
    assert_comment_markup_is_sound,
    contract_document,
    docx2python_comments,
    finding,
    macro_package,
    para,
    paragraph_texts,
    part_xml,
    python_docx_comments,
    run,
    table,
    tiny_png,
    write_docx,
)

NOW = "2025-03-04T05:06:07Z"


def anchored_findings(document: Document, quotes: Sequence[str]) -> list[Finding]:
    """One finding per quote, anchored in whichever section holds it."""
    findings = []
    for index, quote in enumerate(quotes):
        for section in document.sections:
            anchor = anchor_quote(section, quote)
            if anchor is not None:
                findings.append(finding(f"f{index}", section.id, quote=quote, anchor=anchor))
                break
        else:
            raise AssertionError(f"test quote not in document: {quote!r}")
    return findings


def export(
    tmp_path: Path, source: Path, findings: Sequence[Finding], **kwargs: object
) -> tuple[Path, ExportSummary]:
    document = contract_document(source)
    out = tmp_path / "reviewed.docx"
    summary = export_reviewed_docx(
        source,
        document,
        export_items(findings),
        out,
        now=NOW,
        **kwargs,  # type: ignore[arg-type]
    )
    assert_comment_markup_is_sound(out)
    return out, summary


def export_quotes(
    tmp_path: Path, body: str, quotes: Sequence[str]
) -> tuple[Path, ExportSummary, Path]:
    source = write_docx(tmp_path / "source.docx", body)
    findings = anchored_findings(contract_document(source), quotes)
    out, summary = export(tmp_path, source, findings)
    return out, summary, source


def references(out: Path) -> list[str]:
    return [c[0] for c in docx2python_comments(out)]


def test_span_inside_one_run_keeps_its_formatting(tmp_path: Path) -> None:
    body = para(run("The quick brown fox jumps.", bold=True, color="FF0000"))
    out, summary, source = export_quotes(tmp_path, body, ["brown fox"])
    assert references(out) == ["brown fox"]
    assert (summary.comments_added, summary.span_anchored, summary.block_anchored) == (1, 1, 0)
    assert paragraph_texts(out) == paragraph_texts(source)
    runs = [r for r in part_xml(out).iter(n.W_R) if r.find(n.W_T) is not None]
    assert ["".join(t.text or "" for t in r.iter(n.W_T)) for r in runs] == [
        "The quick ",
        "brown fox",
        " jumps.",
    ]
    for r in runs:  # every piece of the split run is still bold and red
        rpr = r.find(n.W_RPR)
        assert rpr is not None
        assert rpr.find(n.w("b")) is not None
        color = rpr.find(n.w("color"))
        assert color is not None
        assert color.get(n.W_VAL) == "FF0000"


def test_span_across_runs(tmp_path: Path) -> None:
    body = para(
        run("Plain start, "), run("bold middle", bold=True), run(" italic end.", italic=True)
    )
    out, _, source = export_quotes(tmp_path, body, ["start, bold middle italic"])
    assert references(out) == ["start, bold middle italic"]
    assert paragraph_texts(out) == paragraph_texts(source)
    italic_pieces = [
        "".join(t.text or "" for t in r.iter(n.W_T))
        for r in part_xml(out).iter(n.W_R)
        if r.find(f"{n.W_RPR}/{n.w('i')}") is not None
    ]
    assert italic_pieces == [" italic", " end."]


def test_span_across_paragraphs(tmp_path: Path) -> None:
    body = para(run("First paragraph ends here.")) + para(run("Second one starts here."))
    out, summary, _ = export_quotes(tmp_path, body, ["ends here. Second one"])
    assert references(out) == ["ends here.Second one"]  # docx2python joins runs directly
    paragraphs = list(part_xml(out).iter(n.W_P))
    assert paragraphs[0].find(n.W_COMMENT_RANGE_START) is not None
    assert paragraphs[1].find(n.W_COMMENT_RANGE_END) is not None
    assert summary.span_anchored == 1


def test_spans_in_table_cells_and_after_tables(tmp_path: Path) -> None:
    # The old app counted only body paragraphs, so comments after a table landed too early.
    body = (
        table([["alpha cell", "beta cell"], ["gamma cell", "delta cell"]])
        + para(run("Heading after table"), style="Heading1")
        + table([["epsilon cell", "zeta cell"]])
        + para(run("The target sentence is here."))
    )
    out, summary, _ = export_quotes(
        tmp_path, body, ["delta", "zeta cell", "target sentence", "beta cell gamma"]
    )
    assert references(out) == ["delta", "zeta cell", "target sentence", "beta cellgamma"]
    assert summary.span_anchored == 4
    cells = list(part_xml(out).iter(n.W_TC))
    assert cells[3].find(f".//{n.W_COMMENT_RANGE_START}") is not None  # delta


def test_span_inside_hyperlink_and_insertion(tmp_path: Path) -> None:
    body = para(
        run("See "),
        f'<w:hyperlink w:anchor="target">{run("the linked report")}</w:hyperlink>',
        run(" and "),
        '<w:ins w:id="90" w:author="Ann" w:date="2024-01-01T00:00:00Z">'
        + run("added words")
        + "</w:ins>",
        run(" end."),
    )
    out, _, source = export_quotes(tmp_path, body, ["linked report", "added"])
    assert references(out) == ["linked report", "added"]
    assert paragraph_texts(out) == paragraph_texts(source)
    root = part_xml(out)
    # The link was split around the marker; both halves keep its target.
    links = root.findall(f".//{n.W_HYPERLINK}")
    assert [paragraph_text(link) for link in links] == ["the ", "linked report"]
    assert all(link.get(n.w("anchor")) == "target" for link in links)
    assert all(link.find(f".//{n.W_COMMENT_RANGE_START}") is None for link in links)
    # The comment mark is not part of the tracked insertion either.
    insertion = root.find(f".//{n.W_INS}")
    assert insertion is not None
    assert insertion.find(f".//{n.W_COMMENT_REFERENCE}") is None


def test_span_strictly_inside_a_hyperlink_splits_it_in_three(tmp_path: Path) -> None:
    body = para(run("See "), f'<w:hyperlink w:anchor="t">{run("the linked report")}</w:hyperlink>')
    out, _, source = export_quotes(tmp_path, body, ["linked"])
    assert references(out) == ["linked"]
    assert paragraph_texts(out) == paragraph_texts(source)
    links = part_xml(out).findall(f".//{n.W_HYPERLINK}")
    assert [paragraph_text(link) for link in links] == ["the ", "linked", " report"]


_CHECKED_SYMBOL = (
    '<mc:AlternateContent><mc:Choice Requires="w14">'
    '<w:sym w:font="Wingdings" w:char="F0FC"/></mc:Choice>'
    "<mc:Fallback><w:t>X</w:t></mc:Fallback></mc:AlternateContent>"
)


def test_span_starting_at_alternate_content(tmp_path: Path) -> None:
    # The symbol is shown from mc:Choice (as Word does); the run around it is split before
    # the whole mc:AlternateContent, never inside it.
    body = para(
        f'<w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">Box </w:t>{_CHECKED_SYMBOL}'
        '<w:t xml:space="preserve"> checked here.</w:t></w:r>'
    )
    source = write_docx(tmp_path / "source.docx", body)
    document = contract_document(source)
    assert document.sections[0].blocks[0].text == "Box \u00fc checked here."
    out, summary = export(tmp_path, source, anchored_findings(document, ["\u00fc checked"]))
    assert summary.span_anchored == 1
    assert paragraph_texts(out) == paragraph_texts(source)
    start = part_xml(out).find(f".//{n.W_COMMENT_RANGE_START}")
    assert start is not None
    following = start.getnext()
    assert following is not None
    assert following.tag == n.W_R
    assert following[1].tag == n.MC_ALTERNATE_CONTENT  # rPr, then the alternate content
    assert following.find(f"{n.W_RPR}/{n.w('b')}") is not None
    assert len(python_docx_comments(out)) == 1


def test_several_overlapping_comments_in_one_paragraph(tmp_path: Path) -> None:
    body = para(run("One two "), run("three four", bold=True), run(" five six."))
    quotes = ["two three", "three four five", "One", "six.", "four"]
    out, summary, source = export_quotes(tmp_path, body, quotes)
    assert sorted(references(out)) == sorted(
        ["two three", "three four five", "One", "six.", "four"]
    )
    assert summary.span_anchored == 5
    assert paragraph_texts(out) == paragraph_texts(source)


def test_unanchored_finding_goes_on_the_section_heading(tmp_path: Path) -> None:
    body = (
        para(run("Preamble text."))
        + para(run("Findings"), style="Heading1")
        + para(run("Body of findings."))
    )
    source = write_docx(tmp_path / "source.docx", body)
    document = contract_document(source)
    preamble, findings_section = document.sections
    items = [
        finding("u1", findings_section.id, quote="not in the document"),
        finding("u2", preamble.id),
    ]
    out, summary = export(tmp_path, source, items)
    assert references(out) == ["Findings", "Preamble text."]
    assert summary.block_anchored == 2
    assert summary.block_anchored_ids == ("u1", "u2")
    assert summary.span_anchored == 0


def test_stale_anchor_falls_back_to_block_and_unknown_section_is_unplaced(
    tmp_path: Path,
) -> None:
    body = para(run("Title"), style="Heading1") + para(run("Short text."))
    source = write_docx(tmp_path / "source.docx", body)
    document = contract_document(source)
    section = document.sections[0]
    items = [
        finding("stale", section.id, anchor=Anchor(section.blocks[1].id, 3, 400)),
        finding("gone", "no-such-section", anchor=Anchor("no-such-block", 0, 2)),
        finding("ok", section.id, anchor=Anchor(section.blocks[1].id, 0, 5)),
    ]
    out, summary = export(tmp_path, source, items)
    assert references(out) == ["Title", "Short"]
    assert summary.block_anchored_ids == ("stale",)
    assert summary.unplaced_ids == ("gone",)
    assert summary.comments_added == 2


def test_paragraph_whose_text_disagrees_is_never_commented(tmp_path: Path) -> None:
    body = para(run("Real text of the paragraph."))
    source = write_docx(tmp_path / "source.docx", body)
    document = contract_document(source)
    section = document.sections[0]
    wrong_block = replace(section.blocks[0], text="Different text entirely")
    wrong = replace(document, sections=(replace(section, blocks=(wrong_block,)),))
    items = export_items([finding("f", section.id, anchor=Anchor(wrong_block.id, 0, 9))])
    out = tmp_path / "out.docx"
    summary = export_reviewed_docx(source, wrong, items, out, now=NOW)
    assert summary.unplaced_ids == ("f",)
    assert summary.comments_added == 0
    assert python_docx_comments(out) == []


def test_existing_comments_are_preserved_and_ids_continue(tmp_path: Path) -> None:
    original = docx.Document()
    first = original.add_paragraph("Existing comment target here.")
    second = original.add_paragraph("Another & <odd> paragraph.")
    original.add_comment(first.runs, text="Old note one", author="Alice", initials="A")
    original.add_comment(second.runs, text="Old note two", author="Bob", initials="B")
    source = tmp_path / "source.docx"
    original.save(str(source))
    before = python_docx_comments(source)

    document = contract_document(source)
    findings = anchored_findings(document, ["comment target", "<odd>"])
    out, summary = export(tmp_path, source, findings)

    after = python_docx_comments(out)
    assert after[:2] == before  # untouched, same ids, authors and text
    new_ids = [c[0] for c in after[2:]]
    assert new_ids == [max(c[0] for c in before) + 1, max(c[0] for c in before) + 2]
    assert [c[1] for c in after[2:]] == [AI_AUTHOR, AI_AUTHOR]
    assert summary.existing_comments == 2
    refs = docx2python_comments(out)
    assert [(r[0], r[1]) for r in refs] == [
        ("Existing comment target here.", "Alice"),
        ("Another & <odd> paragraph.", "Bob"),
        ("comment target", AI_AUTHOR),
        ("<odd>", AI_AUTHOR),
    ]
    # The comments part is reused, not duplicated.
    with zipfile.ZipFile(out) as archive:
        assert sum(1 for name in archive.namelist() if "comments" in name) == 1


def test_comments_part_is_created_with_relationship_and_content_type(tmp_path: Path) -> None:
    body = para(run("Some text to comment."))
    out, _, source = export_quotes(tmp_path, body, ["text"])
    with zipfile.ZipFile(source) as archive:
        assert "word/comments.xml" not in archive.namelist()
    types = part_xml(out, "[Content_Types].xml")
    overrides = {o.get("PartName"): o.get("ContentType") for o in types}
    assert str(overrides["/word/comments.xml"]).endswith("wordprocessingml.comments+xml")
    rels = part_xml(out, "word/_rels/document.xml.rels")
    targets = {r.get("Type"): r.get("Target") for r in rels}
    assert targets[n.RT_COMMENTS] == "comments.xml"
    assert len({r.get("Id") for r in rels}) == len(rels)


def test_special_characters_in_comment_text_and_author(tmp_path: Path) -> None:
    body = para(run("Quoted &amp; &lt;tagged&gt; text with 🔥 and العربية here."))
    source = write_docx(tmp_path / "source.docx", body)
    document = contract_document(source)
    section = document.sections[0]
    anchor = anchor_quote(section, "& <tagged> text with 🔥 and العربية")
    assert anchor is not None
    target = finding("f", section.id, anchor=anchor)
    text = "A & B < C > D \"quoted\" 'single' \x00\x07\x1b\ufffe emoji 🔥 RTL العربية\ttab"
    item = ExportItem(target, "O'Brien & <Co> \x01", text)
    out = tmp_path / "out.docx"
    export_reviewed_docx(source, document, [item], out, now=NOW)
    assert_comment_markup_is_sound(out)
    [(_, author, _, read_text)] = python_docx_comments(out)
    assert author == "O'Brien & <Co> "
    assert read_text == "A & B < C > D \"quoted\" 'single'  emoji 🔥 RTL العربية\ttab"
    [(reference, *_)] = docx2python_comments(out)
    assert reference == "& <tagged> text with 🔥 and العربية"


def test_reviewer_comment_author_and_multiline_text(tmp_path: Path) -> None:
    body = para(run("Reviewer looks at this."))
    source = write_docx(tmp_path / "source.docx", body)
    document = contract_document(source)
    section = document.sections[0]
    own = finding(
        "mine",
        section.id,
        anchor=anchor_quote(section, "looks at"),
        origin="reviewer",
        author="Jane Doe",
        description="Please clarify.",
    )
    out, _ = export(tmp_path, source, [own])
    [(_, author, initials, text)] = python_docx_comments(out)
    assert (author, initials) == ("Jane Doe", "JD")
    lines = text.split("\n")
    assert lines[0] == "[IMPORTANT · Medium risk] Evidence"
    assert "Please clarify." in lines
    assert lines[-1] == "Origin: reviewer"
    # Each line is its own paragraph of the comment.
    comment = part_xml(out, "word/comments.xml")[0]
    assert len(comment.findall(n.W_P)) == len(lines)


def test_one_thousand_comments(tmp_path: Path) -> None:
    body = "".join(
        para(run(f"Paragraph {i} says "), run(f"thing number {i}", bold=True), run(" here."))
        for i in range(1000)
    )
    source = write_docx(tmp_path / "source.docx", body)
    document = contract_document(source)
    section = document.sections[0]
    findings = []
    for i, block in enumerate(section.blocks):
        start = block.text.index("says thing")
        anchor = Anchor(block.id, start, start + len(f"says thing number {i}"))
        findings.append(finding(f"f{i}", section.id, anchor=anchor))
    out, summary = export(tmp_path, source, findings)
    assert summary.comments_added == summary.span_anchored == 1000
    comments = python_docx_comments(out)
    assert [c[0] for c in comments] == list(range(1000))
    refs = references(out)
    assert refs == [f"says thing number {i}" for i in range(1000)]


def test_untouched_parts_are_byte_identical(tmp_path: Path) -> None:
    original = docx.Document()
    original.sections[0].header.paragraphs[0].text = "Header text"
    original.sections[0].footer.paragraphs[0].text = "Footer text"
    original.add_heading("Title", level=1)
    original.add_paragraph("Numbered item", style="List Number")
    image = tmp_path / "image.png"
    image.write_bytes(tiny_png())
    original.add_picture(str(image), width=Inches(1))
    original.add_paragraph("Commented sentence here.")
    source = tmp_path / "source.docx"
    original.save(str(source))

    document = contract_document(source)
    out, _ = export(tmp_path, source, anchored_findings(document, ["sentence"]))
    changed = {
        "word/document.xml",
        "word/comments.xml",
        "word/_rels/document.xml.rels",
        "[Content_Types].xml",
    }
    with zipfile.ZipFile(source) as before, zipfile.ZipFile(out) as after:
        assert before.namelist() == [name for name in after.namelist() if name in before.namelist()]
        for name in before.namelist():
            if name not in changed:
                assert before.read(name) == after.read(name), name
                assert before.getinfo(name).compress_type == after.getinfo(name).compress_type
        assert any(name.startswith("word/media/") for name in before.namelist())
    reopened = docx.Document(str(out))
    assert reopened.sections[0].header.paragraphs[0].text == "Header text"
    assert len(reopened.inline_shapes) == 1
    assert paragraph_texts(out) == paragraph_texts(source)


def test_output_never_overwrites_the_source(tmp_path: Path) -> None:
    source = write_docx(tmp_path / "source.docx", para(run("Text.")))
    document = contract_document(source)
    before = source.read_bytes()
    with pytest.raises(ExportSameAsSourceError) as caught:
        export_reviewed_docx(source, document, [], source)
    assert caught.value.code == "EXPORT_SAME_AS_SOURCE"
    with pytest.raises(ExportSameAsSourceError):
        export_reviewed_docx(source, document, [], tmp_path / "." / "source.docx")
    link = tmp_path / "hardlink.docx"
    os.link(source, link)
    with pytest.raises(ExportSameAsSourceError):
        export_reviewed_docx(source, document, [], link)
    assert source.read_bytes() == before


def test_target_folder_macro_name_and_missing_source_are_refused(tmp_path: Path) -> None:
    source = write_docx(tmp_path / "source.docx", para(run("Text.")))
    document = contract_document(source)
    with pytest.raises(ExportTargetInvalidError):
        export_reviewed_docx(source, document, [], tmp_path)
    with pytest.raises(ExportTargetInvalidError) as caught:
        export_reviewed_docx(source, document, [], tmp_path / "reviewed.docm")
    assert caught.value.code == "EXPORT_TARGET_INVALID"
    assert "ending in .docx" in caught.value.message
    with pytest.raises(ExportSourceMissingError) as missing:
        export_reviewed_docx(tmp_path / "gone.docx", document, [], tmp_path / "o.docx")
    assert missing.value.code == "EXPORT_SOURCE_MISSING"


def test_changed_source_is_refused(tmp_path: Path) -> None:
    source = write_docx(tmp_path / "source.docx", para(run("Text.")))
    document = contract_document(source)
    write_docx(source, para(run("Edited since the review.")))
    with pytest.raises(ExportSourceChangedError) as caught:
        export_reviewed_docx(source, document, [], tmp_path / "out.docx")
    assert caught.value.code == "EXPORT_SOURCE_CHANGED"


def test_failed_write_leaves_target_and_folder_untouched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = write_docx(tmp_path / "source.docx", para(run("Text to comment.")))
    document = contract_document(source)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    out = out_dir / "reviewed.docx"
    out.write_bytes(b"previous export")

    def broken(self: Package, handle: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Package, "_write_zip", broken)
    items = export_items(anchored_findings(document, ["comment"]))
    with pytest.raises(ExportWriteError) as caught:
        export_reviewed_docx(source, document, items, out)
    assert caught.value.code == "EXPORT_WRITE_FAILED"
    assert out.read_bytes() == b"previous export"
    assert os.listdir(out_dir) == ["reviewed.docx"]


def test_output_gets_the_usual_file_permissions(tmp_path: Path) -> None:
    source = write_docx(tmp_path / "source.docx", para(run("Text.")))
    document = contract_document(source)
    out = tmp_path / "exports" / "reviewed.docx"
    previous = os.umask(0o022)
    try:
        export_reviewed_docx(source, document, [], out)
    finally:
        os.umask(previous)
    assert out.stat().st_mode & 0o777 == 0o644
    assert [p.name for p in out.parent.iterdir()] == ["reviewed.docx"]  # no temp file left


@pytest.mark.parametrize(
    ("main_type", "name", "fmt", "had_macros"),
    [
        ("application/vnd.ms-word.document.macroEnabled.main+xml", "in.docm", "docm", True),
        ("application/vnd.ms-word.template.macroEnabledTemplate.main+xml", "in.dotm", "dotm", True),
        (
            "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",
            "in.dotx",
            "dotx",
            True,
        ),
    ],
)
def test_macro_and_template_packages_become_plain_docx(
    tmp_path: Path, main_type: str, name: str, fmt: str, had_macros: bool
) -> None:
    source = macro_package(tmp_path, main_type, name)
    with pytest.raises(ValueError, match="not a Word file"):
        docx.Document(str(source))  # python-docx refuses the macro/template content type
    document = contract_document(source)
    out, summary = export(tmp_path, source, anchored_findings(document, ["document text"]))
    assert summary.source_format == fmt
    assert summary.macros_removed is had_macros
    assert any("plain .docx" in warning for warning in summary.warnings)
    with zipfile.ZipFile(out) as archive:
        names = archive.namelist()
        types = archive.read("[Content_Types].xml").decode()
        rels = archive.read("word/_rels/document.xml.rels").decode()
        settings_rels = archive.read("word/_rels/settings.xml.rels").decode()
    assert not any("vba" in member.lower() for member in names)
    assert "vbaProject" not in types
    assert "vbaData" not in types
    assert "macroEnabled" not in types
    assert "document.main+xml" in types
    assert "vbaProject" not in rels
    assert "attachedTemplate" in settings_rels  # untouched, still resolves
    assert part_xml(out, "word/settings.xml").find(n.w("attachedTemplate")) is not None
    assert [c[0] for c in docx2python_comments(out)] == ["document text"]
    assert len(docx.Document(str(out)).comments) == 1


def test_export_with_no_items_is_a_faithful_copy(tmp_path: Path) -> None:
    source = write_docx(tmp_path / "source.docx", para(run("Nothing accepted.")))
    out, summary = export(tmp_path, source, [])
    assert summary.comments_added == 0
    with zipfile.ZipFile(source) as before, zipfile.ZipFile(out) as after:
        assert before.namelist() == after.namelist()
        for name in before.namelist():
            assert before.read(name) == after.read(name)


def test_empty_paragraph_block_anchor(tmp_path: Path) -> None:
    body = para(style="Heading1") + para(run("Text."))
    source = write_docx(tmp_path / "source.docx", body)
    document = contract_document(source)
    section = document.sections[0]
    empty_heading = section.blocks[0]
    assert empty_heading.text == ""
    item = finding("e", section.id)
    out, summary = export(tmp_path, source, [item])
    assert summary.block_anchored == 1
    # The heading has no text, so the first paragraph with text carries the comment.
    assert references(out) == ["Text."]


def test_output_opens_from_bytes_in_python_docx(tmp_path: Path) -> None:
    body = para(run("Bytes check."))
    out, _, _ = export_quotes(tmp_path, body, ["Bytes"])
    reopened = docx.Document(io.BytesIO(out.read_bytes()))
    assert [c.text.split("\n")[0] for c in reopened.comments] == [
        "[IMPORTANT · Medium risk] Evidence"
    ]


# --- comment text -----------------------------------------------------------------------------


def test_comment_text_lists_every_field_and_framework_titles() -> None:
    hawkeye = load_framework_file(builtin_frameworks_dir() / "hawkeye.yaml")
    model_finding = replace(
        finding("m", "s", origin="model:anthropic.claude-sonnet-4", refs=(11, 3, 99)),
        type=FindingType.CRITICAL,
        risk=Risk.HIGH,
        description="The root cause is asserted, not shown.",
        suggestion="Show the evidence chain.",
        questions=("Who confirmed it?", "  ", "When?"),
    )
    text = format_comment_text(model_finding, titles_from_frameworks([hawkeye]))
    assert text.split("\n") == [
        "[CRITICAL · High risk] Evidence",
        "The root cause is asserted, not shown.",
        "Suggestion: Show the evidence chain.",
        "Questions:",
        "1. Who confirmed it?",
        "2. When?",
        "Framework: Hawkeye #11 Root Cause Analysis; Hawkeye #3 Seller Classification; Hawkeye #99",
        "Origin: model anthropic.claude-sonnet-4 (AI-Prism)",
    ]
    assert comment_author(model_finding) == AI_AUTHOR


def test_comment_text_origin_and_author_for_rules_and_reviewers() -> None:
    rule = finding("r", "s", origin="rule:R-PASSIVE-01", refs=())
    assert format_comment_text(rule).split("\n")[-1] == "Origin: rule R-PASSIVE-01 (AI-Prism)"
    assert "Framework:" not in format_comment_text(rule)
    assert comment_author(rule) == AI_AUTHOR
    own = finding("o", "s", origin="reviewer", author="  Jane Doe ")
    assert comment_author(own) == "Jane Doe"
    assert format_comment_text(own).split("\n")[-1] == "Origin: reviewer"
    assert comment_author(finding("o2", "s", origin="reviewer")) == "Reviewer"
    with_replacement = finding("x", "s", replacement="new words")
    assert "Suggested wording: new words" in format_comment_text(with_replacement)
