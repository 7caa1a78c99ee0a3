"""JSON, CSV and Markdown reports, re-parsed the way their readers would."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from aiprism_desktop.core.codec import event_from_dict, finding_from_dict
from aiprism_desktop.core.errors import ExportError
from aiprism_desktop.core.export.docx_model import ExportSummary
from aiprism_desktop.core.export.report_common import ExportRecord, SectionProvenance
from aiprism_desktop.core.export.report_csv import (
    CSV_COLUMNS,
    render_csv_report,
    safe_cell,
    write_csv_report,
)
from aiprism_desktop.core.export.report_json import build_json_report, write_json_report
from aiprism_desktop.core.export.report_markdown import (
    escape_inline,
    render_markdown_report,
    write_markdown_report,
)
from aiprism_desktop.core.findings import DecisionEvent, Risk
from aiprism_desktop.core.review import ReviewState
from aiprism_desktop.core.reviewer import Attempt
from tests.support.review_factory import hawkeye, make_document, make_finding, reviewer_comment

ACTOR = "Dana"
DOCUMENT = make_document(
    [("Summary", "text"), ("Timeline", "text"), ("Root Cause", "text")], warnings=True
)
ATTEMPTS = {
    "s0": (
        Attempt("model-a", "fallback", 120.0, error_code="ThrottlingException"),
        Attempt("model-b", "ok", 900.5, input_tokens=1200, output_tokens=300),
    )
}


def do(state: ReviewState, event: DecisionEvent | None) -> ReviewState:
    assert event is not None
    return state.apply(event)


def reviewed() -> ReviewState:
    state = ReviewState.build(
        [
            make_finding("a", "s0", framework_refs=(11, 13), risk=Risk.HIGH),
            make_finding(
                "b", "s1", description='=HYPERLINK("http://evil")', quote="-2+3", anchor=None
            ),
            make_finding("c", "s1", origin="rule:vague-quantity"),
        ],
        analyzed_sections=["s0", "s1"],
    )
    state = do(state, state.accept("a", actor=ACTOR))
    state = do(state, state.edit("a", {"description": "Edited text."}, actor=ACTOR))
    state = do(state, state.reject("b", actor=ACTOR, reason="Not in scope"))
    state = do(state, state.add_comment(reviewer_comment("mine", "s0"), actor=ACTOR))
    state = do(state, state.add_comment(reviewer_comment("gone", "s1"), actor=ACTOR))
    return do(state, state.delete_comment("gone", actor=ACTOR))


def test_json_report_contains_everything_and_round_trips() -> None:
    state = reviewed()
    report = json.loads(
        json.dumps(build_json_report(DOCUMENT, state, hawkeye(), attempts=ATTEMPTS))
    )
    assert report["format"] == "aiprism-review-report"
    assert report["generator"]["version"]
    assert report["generated_at"].endswith("Z")
    assert report["document"]["sha256"] == DOCUMENT.sha256
    assert report["document"]["file_name"] == "incident-42.docx"
    assert report["document"]["warnings"][0]["code"] == "TRACKED_CHANGES"
    assert report["framework"]["fingerprint"] == hawkeye().fingerprint
    assert [s["analyzed"] for s in report["sections"]] == [True, True, False]
    by_id = {f["id"]: f for f in report["findings"]}
    assert [f["id"] for f in report["findings"]] == ["a", "mine", "b", "c", "gone"]
    assert by_id["a"]["decision"] == "accepted"
    assert by_id["a"]["description"] == "Edited text."
    assert by_id["a"]["original"]["description"] == "Description of a."
    assert by_id["a"]["origin_id"] == "anthropic.claude-test"
    assert by_id["a"]["prompt_version"] == "review-1"
    assert by_id["b"]["reject_reason"] == "Not in scope"
    assert by_id["b"]["anchored"] is False
    assert by_id["c"]["origin_kind"] == "rule"
    assert by_id["gone"]["deleted"] is True
    assert by_id["gone"]["exported"] is False
    assert finding_from_dict({k: v for k, v in by_id["c"].items()}).id == "c"
    log = [event_from_dict(e) for e in report["decision_log"]]
    assert [e.action.value for e in log] == ["accept", "edit", "reject", "add", "add", "delete"]
    assert report["statistics"]["accepted"] == 2
    assert report["statistics"]["acceptance_rate"] == 0.5
    assert report["attempts"]["s0"][0]["error_code"] == "ThrottlingException"
    assert report["attempts"]["s0"][1]["output_tokens"] == 300


def test_csv_report_has_one_row_per_live_finding_and_neutralizes_formulas() -> None:
    text = render_csv_report(DOCUMENT, reviewed())
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0].keys()) == list(CSV_COLUMNS)
    assert [r["finding_id"] for r in rows] == ["a", "mine", "b", "c"]  # deleted left out
    a, mine, b, c = rows
    assert (a["decision"], a["edited"], a["framework_refs"], a["anchored"]) == (
        "accepted",
        "yes",
        "11 13",
        "yes",
    )
    assert a["section_title"] == "Summary"
    assert a["section_number"] == "1"
    assert mine["origin"] == "reviewer"
    assert mine["author"] == ACTOR
    assert b["description"] == '\'=HYPERLINK("http://evil")'
    assert b["quote"] == "'-2+3"
    assert b["anchored"] == "no"
    assert b["reject_reason"] == "Not in scope"
    assert c["decision"] == "pending"
    assert c["origin"] == "rule:vague-quantity"


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_formula_starts_are_quoted(value: str) -> None:
    assert safe_cell(value) == "'" + value


def test_ordinary_cells_are_unchanged() -> None:
    assert safe_cell("Timeline 1-2") == "Timeline 1-2"


def test_csv_quotes_commas_quotes_and_newlines() -> None:
    state = ReviewState.build(
        [make_finding("x", "s0", description='He said "stop", then\nleft.', category="A, B")]
    )
    (row,) = list(csv.DictReader(io.StringIO(render_csv_report(DOCUMENT, state))))
    assert row["description"] == 'He said "stop", then\nleft.'
    assert row["category"] == "A, B"


def test_markdown_report_shows_statistics_and_findings_by_section() -> None:
    text = render_markdown_report(DOCUMENT, reviewed(), hawkeye(), generated_at="2026-01-01T00:00Z")
    assert text.startswith("# Review report: Incident 42 write-up")
    assert "SHA-256 `" + DOCUMENT.sha256 in text
    assert "| Findings | 4 |" in text
    assert "| Accepted | 2 |" in text
    assert "| Rejected | 1 |" in text
    assert "| Acceptance rate (AI and rule findings) | 50 % |" in text
    assert "| Sections analyzed | 2 / 3 |" in text
    assert "| high | 1 |" in text
    assert "| rule:vague-quantity | 1 |" in text
    assert "Has tracked changes." in text
    summary, timeline, root = text.split("### 1. Summary")[1], "### 2. Timeline", "### 3. Root"
    assert "✅ Accepted · **important** · high risk · Timeline — Edited text." in summary
    assert "#11 Root Cause Analysis, #13 Documentation and Reporting" in summary
    assert "edited by the reviewer" in summary
    assert "Reject reason: Not in scope" in text.split(timeline)[1]
    assert "(not found in the text)" in text.split(timeline)[1]
    assert "_Not analyzed._" in text.split(root)[1]
    assert "My own note gone" not in text


def test_markdown_escapes_model_text() -> None:
    assert escape_inline("<script>alert(1)</script> *bold* [x](http://y)") == (
        "&lt;script>alert(1)&lt;/script> \\*bold\\* \\[x\\](http://y)"
    )
    assert escape_inline("a | b\nc") == "a \\| b c"


def test_reports_are_written_to_disk(tmp_path: Path) -> None:
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    state = reviewed()
    json_path = write_json_report(tmp_path / "r.json", DOCUMENT, state, hawkeye())
    csv_path = write_csv_report(tmp_path / "r.csv", DOCUMENT, state)
    md_path = write_markdown_report(tmp_path / "r.md", DOCUMENT, state, hawkeye())
    assert json.loads(json_path.read_text(encoding="utf-8"))["statistics"]["total"] == 4
    assert csv_path.read_bytes().startswith(b"\xef\xbb\xbf")  # BOM so Excel reads UTF-8
    rows = list(csv.DictReader(io.StringIO(csv_path.read_text(encoding="utf-8-sig"))))
    assert len(rows) == 4
    assert "## Summary" in md_path.read_text(encoding="utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.csv", "r.json", "r.md"]  # no temps


def test_unwritable_report_path_is_an_export_error(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    with pytest.raises(ExportError, match="could not be saved"):
        write_json_report(blocker / "r.json", DOCUMENT, reviewed(), hawkeye())
    with pytest.raises(ExportError, match="folder"):
        write_csv_report(tmp_path, DOCUMENT, reviewed())


def test_reports_say_where_the_export_of_the_same_command_put_each_finding() -> None:
    state = reviewed()
    state = do(state, state.accept("c", actor=ACTOR))
    exported = state.exported_findings()
    assert sorted(f.id for f in exported) == ["a", "c", "mine"]
    summary = ExportSummary(
        output=Path("/out/reviewed.docx"),
        comments_added=2,
        span_anchored=1,
        block_anchored=1,
        existing_comments=0,
        block_anchored_ids=("c",),
        unplaced_ids=("mine",),
        replacements_applied=0,
    )
    record = ExportRecord.of(summary, exported, tracked_changes=False)
    provenance = {"s0": SectionProvenance("hawkeye", "model-b", "2026-01-01T00:00:00.000Z")}
    report = build_json_report(DOCUMENT, state, hawkeye(), export=record, provenance=provenance)
    by_id = {f["id"]: f for f in report["findings"]}
    assert (by_id["a"]["placement"], by_id["a"]["exported"]) == ("span", True)
    assert (by_id["c"]["placement"], by_id["c"]["exported"]) == ("block", True)
    assert (by_id["mine"]["placement"], by_id["mine"]["exported"]) == ("unplaced", False)
    assert (by_id["b"]["placement"], by_id["b"]["exported"]) == (None, False)
    assert report["export"]["span_anchored_ids"] == ["a"]
    assert report["export"]["block_anchored_ids"] == ["c"]
    assert report["export"]["unplaced_ids"] == ["mine"]
    assert report["export"]["tracked_changes_applied"] == 0
    assert report["sections"][0]["review"] == {
        "framework_id": "hawkeye",
        "model": "model-b",
        "reviewed_at": "2026-01-01T00:00:00.000Z",
    }
    assert report["sections"][1]["review"] is None
    rows = list(csv.DictReader(io.StringIO(render_csv_report(DOCUMENT, state, export=record))))
    placement = {row["finding_id"]: (row["placement"], row["tracked_change"]) for row in rows}
    assert placement == {
        "a": ("span", "no"),
        "mine": ("unplaced", "no"),
        "b": ("", "no"),
        "c": ("block", "no"),
    }
    # Without an export in the same command the columns are blank.
    plain = list(csv.DictReader(io.StringIO(render_csv_report(DOCUMENT, state))))
    assert {row["placement"] for row in plain} == {""}
