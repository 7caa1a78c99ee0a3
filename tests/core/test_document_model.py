"""The document model's value types, however they are built."""

from __future__ import annotations

import dataclasses

import pytest

from aiprism_desktop.core.document import (
    Block,
    BlockKind,
    BlockLocation,
    TableCellRef,
    new_block,
    new_block_location,
    new_table_cell_ref,
)


def test_fast_constructors_build_genuine_equal_frozen_instances() -> None:
    cell = new_table_cell_ref(3, 4, 5, 2)
    location = new_block_location("word/document.xml", 7)
    block = new_block("id1", BlockKind.TABLE_CELL, "text", location, "Normal", "1.", 2, cell)
    expected = Block(
        "id1",
        BlockKind.TABLE_CELL,
        "text",
        BlockLocation("word/document.xml", 7),
        style="Normal",
        label="1.",
        heading_level=2,
        table_cell=TableCellRef(3, 4, 5, 2),
    )
    for made, constructed in ((block, expected), (location, expected.location), (cell, cell)):
        assert type(made) is type(constructed)
        assert made == constructed
        assert hash(made) == hash(constructed)
        for field in dataclasses.fields(constructed):  # every slot is set
            assert getattr(made, field.name) == getattr(constructed, field.name)
    with pytest.raises(dataclasses.FrozenInstanceError):
        block.text = "changed"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        location.paragraph_index = 1  # type: ignore[misc]
    assert dataclasses.replace(block, id="id2") == dataclasses.replace(expected, id="id2")
    assert block.display_text == "1. text"


def test_twins_keep_the_slot_layout_of_their_classes() -> None:
    from aiprism_desktop.core import document

    for twin, real in (
        (document._BlockTwin, Block),
        (document._BlockLocationTwin, BlockLocation),
        (document._TableCellRefTwin, TableCellRef),
    ):
        assert twin.__slots__ == real.__slots__
        assert {f.name for f in dataclasses.fields(real)} == set(real.__slots__)
