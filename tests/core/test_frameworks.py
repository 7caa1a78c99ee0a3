"""Framework loading (built-in Hawkeye + user files) and choosing the points for a section."""

from __future__ import annotations

import logging
import re
import sys
from dataclasses import replace
from pathlib import Path

import pytest
import yaml

from aiprism_desktop.core.errors import ConfigError
from aiprism_desktop.core.frameworks import (
    applicable_points,
    load_framework_catalog,
    load_framework_file,
    load_frameworks,
    points_for_title,
)
from aiprism_desktop.core.resources import RESOURCES_ENV_VAR, resources_dir
from tests.support.review_factory import hawkeye, make_section

# The canonical titles (research/aiprism_inventory.md §4.1).
CANONICAL_TITLES = [
    "Initial Assessment",
    "Investigation Process",
    "Seller Classification",
    "Enforcement Decision-Making",
    "Additional Verification (High-Risk Cases)",
    "Multiple Appeals Handling",
    "Account Hijacking Prevention",
    "Funds Management",
    "REs-Q Outreach Process",
    "Sentiment Analysis",
    "Root Cause Analysis",
    "Preventative Actions",
    "Documentation and Reporting",
    "Cross-Team Collaboration",
    "Quality Control",
    "Continuous Improvement",
    "Communication Standards",
    "Performance Metrics",
    "Legal and Compliance",
    "New Service Launch Considerations",
]

MINIMAL = """
id: {id}
name: Minimal checklist
version: "2"
categories: [Clarity]
points:
  - number: 1
    title: Be clear
    guidance: Say what happened in plain words.
    keywords: [summary]
"""


def user_dir_with(tmp_path: Path, files: dict[str, str]) -> Path:
    folder = tmp_path / "config" / "frameworks"
    folder.mkdir(parents=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return tmp_path / "config"


def test_hawkeye_has_the_twenty_canonical_points_with_guidance() -> None:
    framework = hawkeye()
    assert [p.title for p in framework.points] == CANONICAL_TITLES
    assert framework.point_numbers == tuple(range(1, 21))
    for point in framework.points:
        sentences = [s for s in re.split(r"(?<=[.!?])\s+", point.guidance) if s]
        assert 2 <= len(sentences) <= 4, point.title
        assert point.keywords, point.title
    assert "Root Cause Analysis" in framework.categories
    assert framework.output_rules
    assert framework.source.endswith("hawkeye.yaml")


@pytest.mark.parametrize(
    ("title", "must_include"),
    [
        ("Timeline", {13, 11}),
        ("Timeline of Events", {13, 11}),
        ("Root Cause", {11}),
        ("Root Causes and Contributing Factors", {11}),
        ("Preventative Actions", {12}),
        ("Executive Summary", {1}),
        ("Customer Impact", {1, 18}),
        ("Legal review", {19}),
    ],
)
def test_section_titles_pick_their_points(title: str, must_include: set[int]) -> None:
    numbers = {p.number for p in points_for_title(hawkeye(), title)}
    assert must_include <= numbers
    assert len(numbers) < 20
    assert {13, 17} <= numbers  # documentation and communication apply everywhere


def test_keywords_match_at_word_starts_only() -> None:
    # "act" must not match inside "impact"; "cause" must not match "because"
    assert 12 not in {p.number for p in points_for_title(hawkeye(), "Impact")}
    assert points_for_title(hawkeye(), "Because") == ()


def test_a_section_without_matching_title_gets_every_point() -> None:
    section = make_section(0, "Preamble", "Some text")
    assert applicable_points(hawkeye(), section) == hawkeye().points


def test_fingerprint_changes_with_wording() -> None:
    framework = hawkeye()
    reloaded = load_framework_file(Path(framework.source))
    assert reloaded.fingerprint == framework.fingerprint
    edited = replace(framework, output_rules=(*framework.output_rules, "One more rule."))
    assert edited.fingerprint != framework.fingerprint
    assert edited.fingerprint.startswith("hawkeye@1.0#")


def test_user_frameworks_load_next_to_the_built_ins(tmp_path: Path) -> None:
    config = user_dir_with(tmp_path, {"mine.yaml": MINIMAL.format(id="mine")})
    frameworks = load_frameworks(config)
    assert set(frameworks) == {"hawkeye", "mine"}
    assert frameworks["mine"].version == "2"
    assert frameworks["mine"].points[0].keywords == ("summary",)


def test_a_user_copy_with_the_builtin_id_replaces_it(tmp_path: Path) -> None:
    data = yaml.safe_load(Path(hawkeye().source).read_text(encoding="utf-8"))
    data["version"] = "1.0-team"
    config = user_dir_with(tmp_path, {"hawkeye.yml": yaml.safe_dump(data)})
    assert load_frameworks(config)["hawkeye"].version == "1.0-team"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("id: [unclosed", "not valid YAML"),
        ("- just\n- a list\n", "must be a mapping"),
        (MINIMAL.format(id="mine").replace("version", "versoin"), "version"),
        (MINIMAL.format(id="Bad Id!"), "id"),
        (MINIMAL.format(id="mine").replace("number: 1", "number: zero"), "number"),
        (MINIMAL.format(id="mine") + "    unexpected: 1\n", "unexpected"),
        (
            MINIMAL.format(id="mine")
            + "  - number: 1\n    title: Again\n    guidance: Same number.\n",
            "repeat",
        ),
        ("a: &x [1, 2]\nb: *x\n", "aliases"),
    ],
)
def test_a_broken_user_file_is_reported_by_name_and_builtins_still_load(
    tmp_path: Path, text: str, problem: str
) -> None:
    config = user_dir_with(tmp_path, {"broken.yaml": text, "ok.yaml": MINIMAL.format(id="ok")})
    catalog = load_framework_catalog(config)
    assert set(catalog.frameworks) == {"hawkeye", "ok"}
    (error,) = catalog.errors
    assert isinstance(error, ConfigError)
    assert "broken.yaml" in error.message
    assert problem in error.message


def test_load_frameworks_logs_broken_user_files(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    config = user_dir_with(tmp_path, {"broken.yaml": "::: not yaml :::\n  - ["})
    with caplog.at_level(logging.WARNING):
        frameworks = load_frameworks(config)
    assert "hawkeye" in frameworks
    assert "broken.yaml" in caplog.text


def test_two_user_files_with_the_same_id_keep_the_first(tmp_path: Path) -> None:
    config = user_dir_with(
        tmp_path, {"a.yaml": MINIMAL.format(id="same"), "b.yaml": MINIMAL.format(id="same")}
    )
    catalog = load_framework_catalog(config)
    assert catalog.frameworks["same"].source.endswith("a.yaml")
    assert "b.yaml" in catalog.errors[0].message


def test_oversized_and_non_utf8_files_are_refused(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_text("# " + "x" * 1_100_000, encoding="utf-8")
    with pytest.raises(ConfigError, match="1 MB"):
        load_framework_file(big)
    latin = tmp_path / "latin.yaml"
    latin.write_bytes("name: caf\xe9".encode("latin-1"))
    with pytest.raises(ConfigError, match="UTF-8"):
        load_framework_file(latin)


def test_missing_user_dir_is_fine(tmp_path: Path) -> None:
    assert set(load_frameworks(tmp_path / "does-not-exist")) == {"hawkeye"}


def test_a_broken_builtin_file_raises(tmp_path: Path) -> None:
    builtin = tmp_path / "builtin"
    builtin.mkdir()
    (builtin / "x.yaml").write_text("id: x\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"x\.yaml"):
        load_frameworks(None, builtin_dir=builtin)


def test_resources_dir_finds_the_checkout_and_honours_overrides(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert (resources_dir() / "frameworks" / "hawkeye.yaml").is_file()
    bundle = tmp_path / "bundle"
    (bundle / "resources" / "frameworks").mkdir(parents=True)
    monkeypatch.setattr(sys, "_MEIPASS", str(bundle), raising=False)
    assert resources_dir() == bundle / "resources"  # a PyInstaller build
    override = tmp_path / "override"
    (override / "frameworks").mkdir(parents=True)
    monkeypatch.setenv(RESOURCES_ENV_VAR, str(override))
    assert resources_dir() == override
