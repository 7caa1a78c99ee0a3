"""Child process of the disk-full tests: store documents until the store refuses a write.

    python -m tests.store.limited_child <data dir> <documents>

Prints one JSON line: ``{"saved": N, "error": {"code", "message"}}`` (``error`` null when every
document was saved). The parent limits the child's file size (``RLIMIT_FSIZE``) or puts the
data folder on a tiny file system; Python ignores SIGXFSZ, so an oversized write fails with
EFBIG instead of killing the process.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from aiprism_desktop.core.errors import StoreError
from aiprism_desktop.store import AppPaths, SyncStore
from tests.fakes.synthetic import make_document


def main(data_dir: Path, documents: int) -> dict[str, object]:
    saved = 0
    try:
        with SyncStore.open(AppPaths.resolve(data_dir=data_dir)) as store:
            for index in range(documents):
                store.save_document(make_document(sections=40, salt=f"doc{index}"))
                saved += 1
    except StoreError as error:
        return {"saved": saved, "error": {"code": error.code, "message": error.message}}
    return {"saved": saved, "error": None}


if __name__ == "__main__":
    print(json.dumps(main(Path(sys.argv[1]), int(sys.argv[2]))), flush=True)
