"""What "Copy details" carries: the stable code for an error raised on purpose, the traceback
only for a bug."""

from __future__ import annotations

from aiprism_desktop.core.errors import DocumentError
from aiprism_desktop.ui.dialogs.error_dialog import describe


def _raised(error: BaseException) -> BaseException:
    try:
        raise error
    except BaseException as caught:
        return caught


def test_a_refusal_is_described_by_its_code_and_detail_without_a_stack() -> None:
    error = _raised(DocumentError("This file is not a Word document.", detail="zip: bad magic"))
    message, details = describe(error)
    assert message == "This file is not a Word document."
    assert details.splitlines()[:2] == [
        "[DOC_ERROR] This file is not a Word document.",
        "zip: bad magic",
    ]
    assert "AI-Prism " in details
    assert "Traceback" not in details


def test_a_bug_says_so_in_words_and_keeps_its_traceback_for_the_report() -> None:
    message, details = describe(_raised(KeyError("section-7")))
    assert "Traceback" not in message
    assert details.startswith("[INTERNAL")
    assert "KeyError: 'section-7'" in details
    assert "Traceback (most recent call last)" in details
