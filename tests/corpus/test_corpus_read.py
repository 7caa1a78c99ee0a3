"""Every real-world corpus file is read into consistent sections or refused with a specific error.

The corpus is found by ``tests.corpus.locate`` (the shared corpus, or its vendored copy); when
it cannot be found the test fails (``AIPRISM_CORPUS_DIR=none`` skips on purpose). For each
file, within 10 s:

* read: at least one section, every block's location resolves to a ``w:p`` whose text is the
  block's text, ids unique (``tests.support.reader_checks``); or
* refused: with a ``DocumentError`` subclass, never the base class, never another exception.

``EXPECTED_REFUSALS`` pins the outcome of the files known to be unreadable (so a regression
that starts refusing good files, or accepting bad ones, fails here). The summary test prints
the counts; the old Flask app managed 72 read, 31 with zero sections and 11 silent failures.
"""

from __future__ import annotations

import time
from collections import Counter

import pytest

from aiprism_desktop.core.errors import DocumentError
from aiprism_desktop.core.ooxml.reader import read_document
from aiprism_desktop.core.ooxml.soffice import find_soffice
from tests.corpus.locate import corpus_files, require_corpus
from tests.support.reader_checks import check_blocks_resolve

# file → code: the corpus files that cannot be reviewed, and why (see the corpus README).
# Strict files and packages with missing images are read since issue 12, as Word reads them.
EXPECTED_REFUSALS = {
    "poi__test-data__document__bug53475-password-is-pass.docx": "DOC_ENCRYPTED",
    "poi__test-data__document__truncated62886.docx": "DOC_TRUNCATED",
    "poi__test-data__document__crash-517626e815e0afa9decd0ebb6d1dee63fb9907dd.docx": (
        "DOC_TRUNCATED"
    ),
    "poi__test-data__document__clusterfuzz-testcase-minimized-POIXWPFFuzzer-5564805011079168"
    ".docx": "DOC_TRUNCATED",
    "poi__test-data__document__clusterfuzz-testcase-minimized-POIXWPFFuzzer-4791943399604224"
    ".docx": "DOC_CORRUPT_ZIP",
    "poi__test-data__integration__stress025.docx": "DOC_UNSUPPORTED",  # main part is a theme
    "poi__test-data__document__ExternalEntityInText.docx": "DOC_XML_ENTITIES",  # XXE probe
}

# A Word 97-2003 file named .docm: converted by LibreOffice when it is installed.
LEGACY_DOCM = (
    "poi__test-data__document__cpansearch.perl.org_src_tobyink_acme-rundoc-0.001_word-lib_"
    "hello_world.docm"
)
if find_soffice() is None:
    EXPECTED_REFUSALS[LEGACY_DOCM] = "DOC_LEGACY_DOC"

_outcomes: dict[str, str] = {}  # file → "read" | refusal code, for the summary


CORPUS_FILES = corpus_files()


@pytest.mark.timeout(10)
@pytest.mark.parametrize("name", CORPUS_FILES)
def test_corpus_file_is_read_or_refused_specifically(name: str) -> None:
    path = require_corpus(name)
    started = time.perf_counter()
    refusal: DocumentError | None = None
    try:
        document = read_document(path)
    except DocumentError as error:
        refusal = error
    elapsed = time.perf_counter() - started
    if refusal is not None:
        _outcomes[name] = refusal.code
        assert type(refusal) is not DocumentError, f"{name}: refused without a specific cause"
        assert name in EXPECTED_REFUSALS, (
            f"{name} was refused unexpectedly: {refusal.code} ({refusal.detail})"
        )
        assert refusal.code == EXPECTED_REFUSALS[name], f"{name}: {refusal.detail}"
        return
    _outcomes[name] = "read"
    assert name not in EXPECTED_REFUSALS, f"{name} should be refused as {EXPECTED_REFUSALS[name]}"
    assert len(document.sections) >= 1
    assert check_blocks_resolve(document) == []
    assert elapsed < 60  # a hang guard; bench/document.py measures speed


def test_corpus_summary(capsys: pytest.CaptureFixture[str]) -> None:
    """Print how many files were read and refused (and why); runs after the files above."""
    require_corpus(CORPUS_FILES[0])
    if len(_outcomes) < len(CORPUS_FILES):
        pytest.skip("summary needs the whole corpus run in this session")
    counts = Counter("read" if outcome == "read" else "refused" for outcome in _outcomes.values())
    reasons = Counter(outcome for outcome in _outcomes.values() if outcome != "read")
    with capsys.disabled():
        print(
            f"\ncorpus read: {counts['read']} read, {counts['refused']} refused "
            f"({', '.join(f'{code} {n}' for code, n in sorted(reasons.items()))}) "
            f"of {len(_outcomes)} files; old app: 72 ok, 31 with 0 sections, 11 silent failures"
        )
    assert counts["read"] + counts["refused"] == len(CORPUS_FILES)
    assert set(reasons) <= set(EXPECTED_REFUSALS.values())
