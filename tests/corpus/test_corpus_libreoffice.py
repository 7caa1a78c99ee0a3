"""Every corpus file that LibreOffice reads, we read too, with at least its words.

All corpus files are converted to text by headless LibreOffice in two batches run side by
side (one soffice start each, private profiles). Then, per file:

* LibreOffice read it: we read it too, and our text has at least 98 % of LibreOffice's words
  (bag-of-words recall, ``tests.support.text_compare``: deleted tracked-change text is not in
  our accept-all view, so it is taken off LibreOffice's words); or we refused it for safety;
* LibreOffice did not read it: anything we do is allowed (we may read more).

The table (file, LibreOffice chars, our chars, recall, our outcome) is printed. These tests
FAIL when soffice is missing (./test installs libreoffice-writer-nogui).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from aiprism_desktop.core.errors import DocumentError
from aiprism_desktop.core.ooxml.reader import read_document
from tests.corpus.locate import MISSING, corpus_files, require_corpus
from tests.support.soffice import convert_with_soffice
from tests.support.text_compare import deleted_words, document_text, note_marks, recall, words

pytestmark = [pytest.mark.slow, pytest.mark.libreoffice]

MIN_RECALL = 0.98
SAFETY_CODES = frozenset({"DOC_ENCRYPTED", "DOC_ZIP_BOMB", "DOC_XML_ENTITIES", "DOC_TOO_LARGE"})
# file → (recall it must reach, why it is below MIN_RECALL)
KNOWN_DIFFERENCES = {
    "docx2python__tests__resources__created-in-pages-bulleted-lists.docx": (
        0.97,
        "list labels: a list instance with a start override (D.) is followed by items of "
        "another instance of the same list; LibreOffice continues it (E., F.), we count that "
        "instance on its own (D., E.)",
    ),
}


@pytest.fixture(scope="module")
def libreoffice_texts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str | None]:
    names = [name for name in corpus_files() if name != MISSING]
    paths = [require_corpus(name) for name in names]
    work = tmp_path_factory.mktemp("lo-text")
    batches = [paths[0::2], paths[1::2]]  # two cores: two soffice processes side by side
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(
            pool.map(
                lambda job: convert_with_soffice(
                    "txt:Text (encoded):UTF8",
                    job[1],
                    work / "out",
                    work / f"profile{job[0]}",
                    check=False,  # files LibreOffice cannot read just get no output
                    timeout=600,
                ),
                enumerate(batches),
            )
        )
    texts: dict[str, str | None] = {}
    for path in paths:
        result = work / "out" / f"{path.stem}.txt"
        texts[path.name] = result.read_text("utf-8", errors="replace") if result.exists() else None
    return texts


def test_we_read_what_libreoffice_reads(
    libreoffice_texts: dict[str, str | None], capsys: pytest.CaptureFixture[str]
) -> None:
    rows: list[str] = []
    failures: list[str] = []
    for name, theirs in sorted(libreoffice_texts.items()):
        path = require_corpus(name)
        try:
            document = read_document(path)
        except DocumentError as error:
            rows.append(f"{name[:64]:64} {_chars(theirs):>8} {'-':>8} {'-':>7}  {error.code}")
            if theirs is not None and error.code not in SAFETY_CODES:
                failures.append(f"{name}: LibreOffice reads it, we refuse it ({error.code})")
            continue
        ours = document_text(document)
        if theirs is None:
            rows.append(f"{name[:64]:64} {'-':>8} {len(ours):8} {'-':>7}  read")
            continue
        reference = words(theirs) - deleted_words(path)
        score = recall(reference, words(ours), note_marks(document))
        rows.append(f"{name[:64]:64} {len(theirs):8} {len(ours):8} {score:7.3f}  read")
        wanted = KNOWN_DIFFERENCES.get(name, (MIN_RECALL, ""))[0]
        if score < wanted:
            missing = (reference - words(ours)).most_common(5)
            failures.append(f"{name}: recall {score:.3f} < {wanted}; missing {missing}")
    with capsys.disabled():
        print(f"\n{'file':64} {'LO chars':>8} {'ours':>8} {'recall':>7}  outcome")
        print("\n".join(rows))
    assert not failures, "\n".join(failures)


def _chars(text: str | None) -> str:
    return "-" if text is None else str(len(text))
