"""Reading user-editable YAML data files (frameworks, rule packs) safely."""

from __future__ import annotations

from typing import Any

import yaml


class _NoAliasLoader(yaml.SafeLoader):
    """Safe YAML without anchors/aliases: our data files never need them, and alias bombs
    ("billion laughs") would make validation and fingerprinting exponential."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise yaml.composer.ComposerError(
                None, None, "YAML aliases (*name) are not allowed", event.start_mark
            )
        return super().compose_node(parent, index)


def load_yaml_data(text: str) -> Any:
    """Parse YAML text with the safe loader and no aliases; raises ``yaml.YAMLError``."""
    return yaml.load(text, Loader=_NoAliasLoader)
