"""``aiprism review`` and friends, run as a user would: a subprocess on the bundled sample."""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path

import docx
from docx2python import docx2python

from tests.commands.conftest import SAMPLE, RunCli


def test_review_offline_accept_all_writes_comments_and_reports(
    run_cli: RunCli, tmp_path: Path
) -> None:
    out = tmp_path / "reviewed.docx"
    reports = [tmp_path / "report.json", tmp_path / "report.csv", tmp_path / "report.md"]
    args = ["review", SAMPLE, "--accept-all", "--out", out]
    for report in reports:
        args += ["--report", report]
    result = run_cli(*args)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "[12/12]" in result.stderr  # progress went to stderr, one line per section

    report = json.loads(reports[0].read_text(encoding="utf-8"))
    accepted = [f for f in report["findings"] if f["decision"] == "accepted"]
    assert len(accepted) == report["statistics"]["accepted"] > 10
    assert report["statistics"]["sections_analyzed"] == 12  # incl. one without findings
    comments = list(docx.Document(str(out)).comments)
    assert len(comments) == len(accepted)
    assert {c.author for c in comments} == {"AI-Prism"}
    with docx2python(out) as reread:
        anchored = {text for text, _author, _date, _body in reread.comments}
    assert {f["quote"] for f in accepted} <= anchored  # every comment sits on its quote
    with reports[1].open(encoding="utf-8-sig", newline="") as handle:
        assert len(list(csv.DictReader(handle))) == len(report["findings"])
    markdown = reports[2].read_text(encoding="utf-8")
    assert f"| Accepted | {len(accepted)} |" in markdown
    assert "| Sections analyzed | 12 / 12 |" in markdown


def test_second_review_of_same_document_asks_the_provider_nothing(
    run_cli: RunCli, tmp_path: Path
) -> None:
    first = run_cli("--json", "review", SAMPLE, "--out", tmp_path / "a.docx")
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout)["run"]["cached"] == 0
    second = run_cli("--json", "review", SAMPLE, "--out", tmp_path / "b.docx")
    assert second.returncode == 0, second.stderr
    run = json.loads(second.stdout)["run"]
    assert run["cached"] == run["finished"] == 12


def test_decisions_file_and_stored_review_export(run_cli: RunCli, tmp_path: Path) -> None:
    listed = run_cli("--json", "review", SAMPLE, "--out", tmp_path / "first.docx")
    assert listed.returncode == 0, listed.stderr
    findings = json.loads(run_cli("--json", "findings", SAMPLE).stdout)["findings"]
    keep, drop = findings[0], findings[1]
    decisions = tmp_path / "decisions.json"
    decisions.write_text(
        json.dumps(
            {
                "decisions": [
                    {"finding": keep["id"], "action": "accept"},
                    {"finding": drop["id"], "action": "reject", "reason": "Not relevant"},
                    {
                        "action": "add",
                        "section": 7,
                        "quote": "The root cause was human error",
                        "description": "Name the control that failed.",
                    },
                ]
            }
        ),
        encoding="utf-8",
    )
    out = tmp_path / "decided.docx"
    result = run_cli(
        "review", SAMPLE, "--decisions", decisions, "--out", out, "--reviewer", "Dana Reviewer"
    )
    assert result.returncode == 0, result.stderr
    comments = {(c.author, c.text.split("\n")[0]) for c in docx.Document(str(out)).comments}
    assert len(comments) == 2
    assert any(author == "Dana Reviewer" for author, _ in comments)

    # `aiprism export` rebuilds the same output from the store, without a provider.
    again = tmp_path / "again.docx"
    exported = run_cli("export", SAMPLE, "--out", again)
    assert exported.returncode == 0, exported.stderr
    assert len(list(docx.Document(str(again)).comments)) == 2
    stats = json.loads(run_cli("--json", "stats", SAMPLE).stdout)
    assert (stats["accepted"], stats["rejected"], stats["reviewer_comments"]) == (2, 1, 1)


def test_sections_json_lists_the_outline(run_cli: RunCli) -> None:
    result = run_cli("--json", "sections", SAMPLE)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    titles = [s["title"] for s in data["sections"]]
    assert len(titles) == 12
    assert "Root Cause Analysis" in titles
    assert "Timeline of Events" in titles


def test_sections_only_reads_the_file(run_cli: RunCli, tmp_path: Path) -> None:
    """No review database, log or keyring is opened to list sections (it starts faster)."""
    data_dir = tmp_path / "data"
    result = run_cli("--data-dir", data_dir, "sections", SAMPLE)
    assert result.returncode == 0, result.stderr
    assert "12 section(s)" in result.stdout
    assert not data_dir.exists()
    refused = run_cli("--data-dir", data_dir, "--json", "sections", tmp_path / "nope.docx")
    assert refused.returncode == 3
    assert json.loads(refused.stdout)["error"]["code"] == "DOC_NOT_FOUND"
    assert not data_dir.exists()


def test_bad_input_exits_3_with_a_clear_message(run_cli: RunCli, tmp_path: Path) -> None:
    junk = tmp_path / "junk.docx"
    junk.write_bytes(random.Random(7).randbytes(4096))
    result = run_cli("review", junk, "--out", tmp_path / "out.docx")
    assert result.returncode == 3
    assert "Traceback" not in result.stderr
    assert "Word" in result.stderr  # says what kind of file it expected
    assert not (tmp_path / "out.docx").exists()
    missing = run_cli("sections", tmp_path / "nope.docx")
    assert missing.returncode == 3
    assert "Traceback" not in missing.stderr


def test_usage_errors_exit_2(run_cli: RunCli, tmp_path: Path) -> None:
    assert run_cli("review", SAMPLE).returncode == 2  # --out is required
    bad_sections = run_cli("review", SAMPLE, "--sections", "40", "--out", tmp_path / "o.docx")
    assert bad_sections.returncode == 2
    assert "12 sections" in bad_sections.stderr
    assert run_cli("review", SAMPLE, "--out", tmp_path / "o.txt", "--report", "r.pdf").returncode


def test_sections_spec_reviews_only_those(run_cli: RunCli, tmp_path: Path) -> None:
    result = run_cli(
        "--json", "review", SAMPLE, "--sections", "2,7-8", "--out", tmp_path / "o.docx"
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["run"]["finished"] == 3
    assert data["statistics"]["sections_analyzed"] == 3


def test_doctor_reports_paths_keyring_and_providers(run_cli: RunCli, tmp_path: Path) -> None:
    result = run_cli("--json", "doctor")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["paths"]["data"] == str(tmp_path / "aiprism-data")
    assert report["providers"]["offline"]["reachable"] is True
    assert report["providers"]["bedrock"]["reachable"] is False  # no region configured
    assert "hawkeye" in report["frameworks"]
    assert "backend" in report["keyring"]


def test_decisions_file_undo_delete_and_revert_all(run_cli: RunCli, tmp_path: Path) -> None:
    assert run_cli("review", SAMPLE, "--out", tmp_path / "first.docx").returncode == 0
    ids = [f["id"] for f in json.loads(run_cli("--json", "findings", SAMPLE).stdout)["findings"]]
    comment = {"action": "add", "section": 2, "description": "Kept comment"}
    steps = [
        {"finding": ids[0], "action": "accept"},
        {"finding": ids[1], "action": "accept"},
        {"action": "undo"},  # takes back the second accept
        {"action": "add", "section": 3, "description": "Short-lived comment"},
        comment,
        {"action": "revert_all"},  # AI/rule decisions only; own comments stay
        {"action": "undo"},  # brings the first accept back
        {"finding": ids[2], "action": "reject"},
    ]
    decisions = tmp_path / "decisions.json"
    decisions.write_text(json.dumps({"decisions": steps}), encoding="utf-8")
    result = run_cli("review", SAMPLE, "--decisions", decisions, "--out", tmp_path / "o.docx")
    assert result.returncode == 0, result.stderr

    found = json.loads(run_cli("--json", "findings", SAMPLE).stdout)["findings"]
    by_id = {f["id"]: f for f in found}
    assert by_id[ids[0]]["decision"] == "accepted"
    assert by_id[ids[1]]["decision"] == "pending"
    assert by_id[ids[2]]["decision"] == "rejected"
    short_lived = next(f for f in found if f["description"] == "Short-lived comment")
    delete = [{"finding": short_lived["id"], "action": "delete"}]
    decisions.write_text(json.dumps({"decisions": delete}), encoding="utf-8")
    again = run_cli("review", SAMPLE, "--decisions", decisions, "--out", tmp_path / "p.docx")
    assert again.returncode == 0, again.stderr
    texts = [c.text for c in docx.Document(str(tmp_path / "p.docx")).comments]
    assert len(texts) == 2  # the accepted finding and the kept comment
    assert any("Kept comment" in text for text in texts)
    assert not any("Short-lived" in text for text in texts)


def test_invalid_decisions_file_exits_3(run_cli: RunCli, tmp_path: Path) -> None:
    decisions = tmp_path / "decisions.json"
    decisions.write_text('{"decisions": [{"action": "approve"}]}', encoding="utf-8")
    result = run_cli("review", SAMPLE, "--decisions", decisions, "--out", tmp_path / "o.docx")
    assert result.returncode == 3
    assert "Decision 1" in result.stderr
