"""The local store: SQLite (WAL) under the platformdirs user data dir; the only place with SQL.

``await Store.open(paths)`` gives the async facade (one dedicated SQLite thread) implementing
every protocol of ``core.ports`` plus chat history and settings; ``SyncStore`` is the same API
as blocking calls for code outside an event loop. ``AppPaths`` says where files live.
"""

from aiprism_desktop.store.errors import (
    DataDirError,
    SecretSettingError,
    StoreBusyError,
    StoreClosedError,
    StoreCorruptError,
    StoreDiskFullError,
    StoreForeignError,
    StoreMigrationError,
    StoreNotWritableError,
    StoreRefusedDataError,
    StoreTooNewError,
    StoreWriteError,
    UnknownDocumentError,
)
from aiprism_desktop.store.migrations import SCHEMA_VERSION
from aiprism_desktop.store.paths import AppPaths
from aiprism_desktop.store.records import (
    ChatRecord,
    DamagedEvent,
    SectionReviewRecord,
    StoredDocument,
    StoredSection,
)
from aiprism_desktop.store.store import Store
from aiprism_desktop.store.sync_store import SyncStore

__all__ = [
    "SCHEMA_VERSION",
    "AppPaths",
    "ChatRecord",
    "DamagedEvent",
    "DataDirError",
    "SecretSettingError",
    "SectionReviewRecord",
    "Store",
    "StoreBusyError",
    "StoreClosedError",
    "StoreCorruptError",
    "StoreDiskFullError",
    "StoreForeignError",
    "StoreMigrationError",
    "StoreNotWritableError",
    "StoreRefusedDataError",
    "StoreTooNewError",
    "StoreWriteError",
    "StoredDocument",
    "StoredSection",
    "SyncStore",
    "UnknownDocumentError",
]
