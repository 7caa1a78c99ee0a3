-- Frozen schema of the review database at version 5 (PRAGMA user_version = 5).
-- Never edit: this is what users' databases at version 5 look like. A schema change is a new
-- migration plus a new snapshot file.

CREATE TABLE chat_messages (
            seq             INTEGER PRIMARY KEY AUTOINCREMENT,
            document_id     TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            role            TEXT NOT NULL CHECK (role IN ('user', 'assistant')),
            text            TEXT NOT NULL,
            model           TEXT NOT NULL DEFAULT '',
            section_id      TEXT NOT NULL DEFAULT '',
            at              TEXT NOT NULL
        );

CREATE TABLE decision_events (
            seq             INTEGER PRIMARY KEY AUTOINCREMENT,
            document_id     TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            action          TEXT NOT NULL,
            finding_id      TEXT NOT NULL,
            actor           TEXT NOT NULL,
            at              TEXT NOT NULL,
            event_json      TEXT NOT NULL
        );

CREATE TABLE documents (
            id              TEXT PRIMARY KEY,          -- sha256 of the file
            path            TEXT NOT NULL,
            title           TEXT NOT NULL,
            source_format   TEXT NOT NULL,
            warnings_json   TEXT NOT NULL DEFAULT '[]',
            opened_at       TEXT NOT NULL
        );

CREATE TABLE findings (
            document_id     TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            section_id      TEXT NOT NULL,
            ordinal         INTEGER NOT NULL,
            finding_id      TEXT NOT NULL,
            finding_json    TEXT NOT NULL,
            PRIMARY KEY (document_id, section_id, ordinal)
        );

CREATE TABLE model_health (
            model_id        TEXT PRIMARY KEY,
            state           TEXT NOT NULL CHECK (state IN ('ready', 'cooling_down', 'disabled')),
            until           REAL,
            reason          TEXT NOT NULL DEFAULT '',
            consecutive_failures INTEGER NOT NULL DEFAULT 0,
            updated_at      TEXT NOT NULL
        );

CREATE TABLE outbox (
            id              INTEGER PRIMARY KEY AUTOINCREMENT,
            document_id     TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            section_id      TEXT NOT NULL,
            provider        TEXT NOT NULL,
            kind            TEXT NOT NULL CHECK (kind IN ('review', 'chat')),
            payload_json    TEXT NOT NULL DEFAULT '{}',
            created_at      TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT NOT NULL DEFAULT '',
            UNIQUE (document_id, section_id, provider, kind)
        );

CREATE TABLE review_cache (
            key             TEXT PRIMARY KEY,          -- CacheKey.digest()
            section_hash    TEXT NOT NULL,
            provider        TEXT NOT NULL,
            model           TEXT NOT NULL,
            findings_json   TEXT NOT NULL,
            created_at      TEXT NOT NULL
        , attempts_json TEXT NOT NULL DEFAULT '[]');

CREATE TABLE sections (
            document_id     TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            section_id      TEXT NOT NULL,
            ordinal         INTEGER NOT NULL,
            title           TEXT NOT NULL,
            level           INTEGER NOT NULL,
            kind            TEXT NOT NULL,
            content_hash    TEXT NOT NULL,
            PRIMARY KEY (document_id, section_id)
        );

CREATE TABLE settings (
            key             TEXT PRIMARY KEY,
            value_json      TEXT NOT NULL,
            updated_at      TEXT NOT NULL
        );

CREATE INDEX chat_messages_by_document ON chat_messages (document_id, seq);

CREATE INDEX decision_events_by_document ON decision_events (document_id, seq);

CREATE INDEX findings_by_id ON findings (document_id, finding_id);

CREATE TABLE reviewed_sections (
            document_id     TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            section_id      TEXT NOT NULL,
            reviewed_at     TEXT NOT NULL, framework_id TEXT NOT NULL DEFAULT '', model TEXT NOT NULL DEFAULT '', attempts_json TEXT NOT NULL DEFAULT '[]',
            PRIMARY KEY (document_id, section_id)
        );
