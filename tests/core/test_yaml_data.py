"""load_yaml_data: libyaml's speed, the pure-Python safe loader's result, no aliases."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from aiprism_desktop.core import yaml_data
from aiprism_desktop.core.resources import resources_dir

BUNDLED = sorted(resources_dir().rglob("*.yaml"))
BOMB = 'a: &a ["x","x"]\nb: &b [*a,*a]\nc: &c [*b,*b]\nd: &d [*c,*c]\ne: [*d,*d]\n'


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.name)
def test_the_bundled_files_load_as_the_python_safe_loader_reads_them(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert yaml_data.load_yaml_data(text) == yaml.load(text, Loader=yaml_data._NoAliasLoader)


def test_aliases_are_refused_on_either_path(monkeypatch: pytest.MonkeyPatch) -> None:
    assert BUNDLED  # the parametrised test above has files to check
    with pytest.raises(yaml.YAMLError, match="aliases"):
        yaml_data.load_yaml_data(BOMB)
    monkeypatch.setattr(yaml, "__with_libyaml__", False)  # PyYAML built without libyaml
    with pytest.raises(yaml.YAMLError, match="aliases"):
        yaml_data.load_yaml_data(BOMB)
