"""Fixtures for store tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from aiprism_desktop.store import AppPaths


@pytest.fixture
def paths(tmp_path: Path) -> AppPaths:
    """Private app paths under the test's temp dir."""
    return AppPaths.resolve(data_dir=tmp_path / "data")
