"""What the CLI refuses up front, and what it never lets damage a stored review.

Each test runs ``aiprism`` as a subprocess on the bundled sample, as a user would.
"""

from __future__ import annotations

import json
import os
import sqlite3
import stat
from pathlib import Path
from typing import Any

import docx

from tests.commands.conftest import SAMPLE, RunCli


def write_json(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def stored_findings(run_cli: RunCli) -> list[dict[str, Any]]:
    result = run_cli("--json", "findings", SAMPLE)
    assert result.returncode == 0, result.stderr
    findings: list[dict[str, Any]] = json.loads(result.stdout)["findings"]
    return findings


def test_bad_values_in_an_add_are_refused_and_never_lock_the_review(
    run_cli: RunCli, tmp_path: Path
) -> None:
    assert run_cli("review", SAMPLE, "--out", tmp_path / "first.docx").returncode == 0
    bad_entries: list[tuple[dict[str, Any], str]] = [
        ({"replacement": ["a"]}, "replacement: expected text, got a list"),
        ({"replacement": 5}, "replacement: expected text, got a number"),
        ({"category": None}, "category: expected text, got null"),
        ({"framework_refs": [42]}, "42 is not a point"),
    ]
    for number, (fields, message) in enumerate(bad_entries):
        entry = {"action": "add", "section": 2, "description": "x", **fields}
        decisions = write_json(tmp_path / f"bad{number}.json", [entry])
        out = tmp_path / f"bad{number}.docx"
        result = run_cli("review", SAMPLE, "--decisions", decisions, "--out", out)
        assert result.returncode == 3, result.stderr
        assert message in result.stderr
        assert "Traceback" not in result.stderr
    assert not any(f["origin"] == "reviewer" for f in stored_findings(run_cli))
    exported = run_cli("export", SAMPLE, "--out", tmp_path / "again.docx")
    assert exported.returncode == 0, exported.stderr


def test_a_damaged_stored_decision_is_named_and_left_out(
    run_cli: RunCli, tmp_path: Path, cli_env: dict[str, str]
) -> None:
    assert run_cli("review", SAMPLE, "--out", tmp_path / "first.docx").returncode == 0
    first = stored_findings(run_cli)[0]["id"]
    decisions = write_json(tmp_path / "d.json", [{"finding": first, "action": "accept"}])
    assert (
        run_cli(
            "review", SAMPLE, "--decisions", decisions, "--out", tmp_path / "a.docx", "--force"
        ).returncode
        == 0
    )
    # A row as an older version could write it: its replacement is a list.
    database = sqlite3.connect(Path(cli_env["AIPRISM_DATA_DIR"]) / "aiprism.sqlite3")
    with database:
        (document_id,) = database.execute("SELECT id FROM documents").fetchone()
        finding = {**stored_findings(run_cli)[1], "origin": "reviewer", "replacement": ["a"]}
        event = {"action": "add", "finding_id": "x", "actor": "A", "at": "then", "finding": finding}
        cursor = database.execute(
            "INSERT INTO decision_events (document_id, action, finding_id, actor, at, event_json)"
            " VALUES (?, 'add', 'x', 'A', 'then', ?)",
            (document_id, json.dumps(event)),
        )
        seq = cursor.lastrowid
    database.close()

    listed = run_cli("--json", "findings", SAMPLE)
    assert listed.returncode == 0, listed.stderr
    assert f"saved decision #{seq} (add, then)" in listed.stderr
    assert "replacement" in listed.stderr
    decided = {f["id"]: f["decision"] for f in json.loads(listed.stdout)["findings"]}
    assert decided[first] == "accepted"  # the readable decisions still apply
    exported = run_cli("export", SAMPLE, "--out", tmp_path / "b.docx")
    assert exported.returncode == 0, exported.stderr
    assert len(docx.Document(str(tmp_path / "b.docx")).comments) == 1


def test_a_decisions_file_applies_all_or_nothing_and_again_changes_nothing(
    run_cli: RunCli, tmp_path: Path
) -> None:
    assert run_cli("review", SAMPLE, "--out", tmp_path / "first.docx").returncode == 0
    first = stored_findings(run_cli)[0]["id"]
    good = [
        {"finding": first, "action": "accept"},
        {
            "action": "add",
            "section": 7,
            "quote": "The root cause was human error",
            "description": "Name the control that failed.",
        },
    ]
    broken = write_json(
        tmp_path / "broken.json", [*good, {"finding": "s002.nope", "action": "accept"}]
    )
    result = run_cli("review", SAMPLE, "--decisions", broken, "--out", tmp_path / "x.docx")
    assert result.returncode == 3
    assert "Decision 3" in result.stderr
    assert "Nothing from the file was applied" in result.stderr
    after_broken = {f["id"]: f for f in stored_findings(run_cli)}
    assert after_broken[first]["decision"] == "pending"
    assert not any(f["origin"] == "reviewer" for f in after_broken.values())

    decisions = write_json(tmp_path / "good.json", good)
    for name in ("once.docx", "twice.docx"):
        applied = run_cli("review", SAMPLE, "--decisions", decisions, "--out", tmp_path / name)
        assert applied.returncode == 0, applied.stderr
    assert "Applied 0 decision(s)" in applied.stderr
    assert "(2 already in effect)" in applied.stderr
    comments = [f for f in stored_findings(run_cli) if f["origin"] == "reviewer"]
    assert len(comments) == 1
    assert len(docx.Document(str(tmp_path / "twice.docx")).comments) == 2


def test_output_paths_are_checked_before_any_analysis(run_cli: RunCli, tmp_path: Path) -> None:
    outputs = tmp_path / "outputs"
    report = outputs / "r.json"
    cases = [
        ("--out", outputs / "x.md", "--report", outputs / "x.md"),
        ("--out", outputs / "r.docx", "--report", outputs / "r.pdf"),
        ("--out", outputs / "o.docx", "--report", report, "--report", report),
        ("--out", SAMPLE),
    ]
    for case in cases:
        result = run_cli("review", SAMPLE, *case)
        assert result.returncode == 2, (case, result.stderr)
        assert "Reviewing" not in result.stderr  # refused before the analysis started
        assert "Traceback" not in result.stderr
    assert not outputs.exists()


def test_existing_outputs_are_replaced_only_with_force(run_cli: RunCli, tmp_path: Path) -> None:
    out = tmp_path / "out.docx"
    report = tmp_path / "nested" / "folder" / "r.json"  # missing folders are created
    assert run_cli("review", SAMPLE, "--out", out, "--report", report).returncode == 0
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(report.stat().st_mode) == stat.S_IMODE(out.stat().st_mode)
    assert stat.S_IMODE(report.stat().st_mode) == 0o666 & ~umask
    before = report.read_bytes()
    again = run_cli("review", SAMPLE, "--out", tmp_path / "other.docx", "--report", report)
    assert again.returncode == 2
    assert "--force" in again.stderr
    assert report.read_bytes() == before
    assert not (tmp_path / "other.docx").exists()
    export = run_cli("export", SAMPLE, "--out", out)
    assert export.returncode == 2
    forced = run_cli("export", SAMPLE, "--out", out, "--report", report, "--force")
    assert forced.returncode == 0, forced.stderr


def test_reports_keep_attempts_framework_and_placement_of_every_reviewed_section(
    run_cli: RunCli, tmp_path: Path, cli_env: dict[str, str]
) -> None:
    # A second framework, so "the configured one" and "the one used" differ.
    frameworks = Path(cli_env["AIPRISM_DATA_DIR"]) / "config" / "frameworks"
    frameworks.mkdir(parents=True)
    hawkeye = (Path(str(SAMPLE)).parents[1] / "frameworks" / "hawkeye.yaml").read_text("utf-8")
    (frameworks / "custom.yaml").write_text(
        hawkeye.replace("id: hawkeye", "id: custom", 1), encoding="utf-8"
    )
    for spec in ("2", "3"):
        result = run_cli(
            "review",
            SAMPLE,
            "--framework",
            "custom",
            "--sections",
            spec,
            "--accept-all",
            "--out",
            tmp_path / f"s{spec}.docx",
        )
        assert result.returncode == 0, result.stderr
    report_path = tmp_path / "r.json"
    csv_path = tmp_path / "r.csv"
    exported = run_cli(
        "export",
        SAMPLE,
        "--out",
        tmp_path / "e.docx",
        "--report",
        report_path,
        "--report",
        csv_path,
    )
    assert exported.returncode == 0, exported.stderr
    report = json.loads(report_path.read_text(encoding="utf-8"))
    assert report["framework"]["id"] == "custom"
    assert set(report["attempts"]) == {"s002", "s003"}
    assert report["attempts"]["s002"][0]["outcome"] == "ok"
    reviewed = {s["id"]: s["review"] for s in report["sections"] if s["analyzed"]}
    assert set(reviewed) == {"s002", "s003"}
    assert {r["framework_id"] for r in reviewed.values()} == {"custom"}
    accepted = [f for f in report["findings"] if f["decision"] == "accepted"]
    assert accepted
    assert all(f["placement"] in ("span", "block") for f in accepted)
    assert all(f["exported"] for f in accepted)
    placed = report["export"]["span_anchored_ids"] + report["export"]["block_anchored_ids"]
    assert sorted(placed) == sorted(f["id"] for f in accepted)
    assert report["export"]["unplaced_ids"] == []
    header = csv_path.read_text(encoding="utf-8-sig").splitlines()[0]
    assert header.endswith("placement,tracked_change")
    stats = json.loads(run_cli("--json", "stats", SAMPLE).stdout)
    assert stats["sections_analyzed"] == 2


def test_a_file_in_place_of_the_data_dir_is_a_clear_error(run_cli: RunCli, tmp_path: Path) -> None:
    in_the_way = tmp_path / "data"
    in_the_way.write_text("not a folder", encoding="utf-8")
    for result in (
        run_cli("--data-dir", in_the_way, "findings", SAMPLE),
        run_cli("findings", SAMPLE, extra_env={"AIPRISM_DATA_DIR": str(in_the_way)}),
    ):
        assert result.returncode == 7
        assert "Traceback" not in result.stderr
        assert f"{in_the_way} is a file, not a folder" in result.stderr


def test_impossible_arguments_are_usage_errors(run_cli: RunCli, tmp_path: Path) -> None:
    out = tmp_path / "o.docx"
    for args in (
        ("review", SAMPLE, "--sections", "2-", "--out", out),
        ("review", SAMPLE, "--sections", ",", "--out", out),
        ("review", SAMPLE, "--concurrency", "0", "--out", out),
        ("review", SAMPLE, "--concurrency", "-3", "--out", out),
        ("chat", SAMPLE, "   "),
    ):
        result = run_cli(*args)
        assert result.returncode == 2, (args, result.stderr)
        assert "Traceback" not in result.stderr
    assert not out.exists()


def test_enable_model_with_an_unknown_key_names_the_known_ones(run_cli: RunCli) -> None:
    result = run_cli("enable-model", "no-such-model", extra_env={"AWS_REGION": "us-east-1"})
    assert result.returncode == 7
    assert "no-such-model" in result.stderr
    assert "sonnet-4-5" in result.stderr


def test_empty_sections_count_as_analyzed(run_cli: RunCli, tmp_path: Path) -> None:
    document = docx.Document()
    document.add_heading("Summary", 1)
    document.add_paragraph("On 3 May the payment service failed for two hours.")
    document.add_heading("Timeline", 1)  # nothing under it
    document.add_heading("Actions", 1)
    document.add_paragraph("The team added an alert on the payment queue.")
    source = tmp_path / "with-empty.docx"
    document.save(str(source))
    result = run_cli("--json", "review", source, "--out", tmp_path / "o.docx")
    assert result.returncode == 0, result.stderr
    stats = json.loads(result.stdout)["statistics"]
    assert stats["sections_total"] == stats["sections_analyzed"] == 3
    assert stats["analysis_coverage"] == 1.0


def test_run_launcher_can_run_twice(tmp_path: Path, cli_env: dict[str, str]) -> None:
    import subprocess
    import sys

    for _ in range(2):
        result = subprocess.run(
            [sys.executable, "-m", "aiprism_desktop.launcher"],
            capture_output=True,
            text=True,
            env={k: v for k, v in cli_env.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")},
            cwd=tmp_path,
            timeout=180,
            check=False,
        )
        assert result.returncode == 0, result.stderr
    assert (tmp_path / "out" / "investigation_report.reviewed.docx").exists()
