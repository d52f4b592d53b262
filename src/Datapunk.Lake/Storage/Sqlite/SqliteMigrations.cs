namespace Datapunk.Lake.Storage.Sqlite;

/// <summary>
/// The schema, as numbered steps. A step, once released, never changes: a later change to the schema is a new step.
/// </summary>
internal static class SqliteMigrations
{
    public sealed record Migration(int Version, string Name, string Sql);

    /// <summary>
    /// Links the record <c>new.seq</c> to the blobs its attributes <c>new.attributes</c> name: <c>mediaBlob</c>,
    /// <c>editedMediaBlob</c> and each <c>attachments[].sha256</c>, text values only. Used by the update trigger of
    /// step 15 and, with parameters in place of <c>new.</c>, by the record writer.
    /// </summary>
    public const string InsertBlobLinks = """
        INSERT OR IGNORE INTO record_blob_links (blob_sha256, seq)
            SELECT json_extract(new.attributes, '$.mediaBlob'), new.seq WHERE json_type(new.attributes, '$.mediaBlob') = 'text'
            UNION SELECT json_extract(new.attributes, '$.editedMediaBlob'), new.seq WHERE json_type(new.attributes, '$.editedMediaBlob') = 'text'
            UNION SELECT json_extract(a.value, '$.sha256'), new.seq FROM json_each(new.attributes, '$.attachments') a
                WHERE a.type = 'object' AND json_type(a.value, '$.sha256') = 'text'
        """;

    public static readonly IReadOnlyList<Migration> All =
    [
        new(1, "core", """
            CREATE TABLE blobs (
                sha256 TEXT PRIMARY KEY,
                size INTEGER NOT NULL,
                first_seen_ms INTEGER NOT NULL
            );

            CREATE TABLE imports (
                id TEXT PRIMARY KEY,
                source TEXT NOT NULL,
                account TEXT NOT NULL,
                state TEXT NOT NULL,
                created_ms INTEGER NOT NULL,
                started_ms INTEGER,
                finished_ms INTEGER,
                source_blob TEXT,
                bytes_total INTEGER NOT NULL DEFAULT 0,
                bytes_done INTEGER NOT NULL DEFAULT 0,
                files_done INTEGER NOT NULL DEFAULT 0,
                files_stored INTEGER NOT NULL DEFAULT 0,
                files_parsed INTEGER NOT NULL DEFAULT 0,
                files_unchanged INTEGER NOT NULL DEFAULT 0,
                files_kept INTEGER NOT NULL DEFAULT 0,
                errors INTEGER NOT NULL DEFAULT 0,
                records_added INTEGER NOT NULL DEFAULT 0,
                duplicates INTEGER NOT NULL DEFAULT 0,
                message TEXT
            );

            CREATE TABLE import_files (
                import_id TEXT NOT NULL REFERENCES imports(id),
                seq INTEGER NOT NULL,
                path TEXT NOT NULL,
                blob_sha256 TEXT,
                size INTEGER NOT NULL,
                format TEXT,
                outcome TEXT NOT NULL,
                records_added INTEGER NOT NULL,
                duplicates INTEGER NOT NULL,
                message TEXT,
                position TEXT,
                PRIMARY KEY (import_id, seq)
            );

            CREATE TABLE parsed_files (
                blob_sha256 TEXT NOT NULL,
                format TEXT NOT NULL,
                format_version INTEGER NOT NULL,
                account TEXT NOT NULL,
                import_id TEXT NOT NULL,
                records INTEGER NOT NULL,
                completed_ms INTEGER NOT NULL,
                PRIMARY KEY (blob_sha256, format, format_version, account)
            );

            CREATE TABLE records (
                seq INTEGER PRIMARY KEY,
                id TEXT NOT NULL UNIQUE,
                dataset TEXT NOT NULL,
                kind TEXT NOT NULL,
                start_ms INTEGER NOT NULL,
                start_offset_min INTEGER,
                end_ms INTEGER,
                end_offset_min INTEGER,
                lat REAL,
                lon REAL,
                accuracy_m REAL,
                title TEXT,
                body TEXT,
                attributes TEXT,
                blob_sha256 TEXT NOT NULL,
                path TEXT NOT NULL,
                pointer TEXT,
                byte_offset INTEGER,
                import_id TEXT NOT NULL
            );

            CREATE INDEX records_by_time ON records (start_ms, seq);
            CREATE INDEX records_by_kind_time ON records (kind, start_ms, seq);

            CREATE VIRTUAL TABLE records_place USING rtree (seq, min_lat, max_lat, min_lon, max_lon);

            CREATE TABLE datasets (
                name TEXT PRIMARY KEY,
                record_count INTEGER NOT NULL,
                first_ms INTEGER,
                last_ms INTEGER
            );
            """),

        // Full-text and embedding bookkeeping. The FTS5 tables are external-content tables over the records_text
        // view, so the text is stored once (in records) and the index holds only tokens. Triggers keep them in
        // step with records inside the same transaction as the insert, so a file's records and their index
        // entries become visible together. A record with no title, text or URL (a location fix) gets no row.
        // Step 13 replaced the insert trigger by the same inserts in SqliteRecordIndexWriter.
        new(2, "search", """
            CREATE VIEW records_text AS
                SELECT seq, title, body, json_extract(attributes, '$.url') AS url FROM records;

            CREATE VIRTUAL TABLE records_fts USING fts5 (
                title, body, url,
                content = 'records_text', content_rowid = 'seq',
                tokenize = 'unicode61 remove_diacritics 2'
            );

            CREATE VIRTUAL TABLE records_trigram USING fts5 (
                title, body, url,
                content = 'records_text', content_rowid = 'seq',
                tokenize = 'trigram remove_diacritics 1'
            );

            CREATE TABLE embedding_queue (seq INTEGER PRIMARY KEY);

            CREATE TABLE record_embeddings (
                seq INTEGER PRIMARY KEY,
                model TEXT NOT NULL,
                vector BLOB NOT NULL
            );

            CREATE TRIGGER records_text_insert AFTER INSERT ON records
            WHEN new.title IS NOT NULL OR new.body IS NOT NULL OR json_extract(new.attributes, '$.url') IS NOT NULL
            BEGIN
                INSERT INTO records_fts (rowid, title, body, url)
                    VALUES (new.seq, new.title, new.body, json_extract(new.attributes, '$.url'));
                INSERT INTO records_trigram (rowid, title, body, url)
                    VALUES (new.seq, new.title, new.body, json_extract(new.attributes, '$.url'));
                INSERT INTO embedding_queue (seq) SELECT new.seq WHERE new.title IS NOT NULL OR new.body IS NOT NULL;
            END;

            CREATE TRIGGER records_text_delete AFTER DELETE ON records
            BEGIN
                INSERT INTO records_fts (records_fts, rowid, title, body, url)
                    SELECT 'delete', old.seq, old.title, old.body, json_extract(old.attributes, '$.url')
                    WHERE old.title IS NOT NULL OR old.body IS NOT NULL OR json_extract(old.attributes, '$.url') IS NOT NULL;
                INSERT INTO records_trigram (records_trigram, rowid, title, body, url)
                    SELECT 'delete', old.seq, old.title, old.body, json_extract(old.attributes, '$.url')
                    WHERE old.title IS NOT NULL OR old.body IS NOT NULL OR json_extract(old.attributes, '$.url') IS NOT NULL;
                DELETE FROM embedding_queue WHERE seq = old.seq;
                DELETE FROM record_embeddings WHERE seq = old.seq;
            END;

            CREATE TRIGGER records_text_update AFTER UPDATE OF title, body, attributes ON records
            BEGIN
                INSERT INTO records_fts (records_fts, rowid, title, body, url)
                    SELECT 'delete', old.seq, old.title, old.body, json_extract(old.attributes, '$.url')
                    WHERE old.title IS NOT NULL OR old.body IS NOT NULL OR json_extract(old.attributes, '$.url') IS NOT NULL;
                INSERT INTO records_trigram (records_trigram, rowid, title, body, url)
                    SELECT 'delete', old.seq, old.title, old.body, json_extract(old.attributes, '$.url')
                    WHERE old.title IS NOT NULL OR old.body IS NOT NULL OR json_extract(old.attributes, '$.url') IS NOT NULL;
                INSERT INTO records_fts (rowid, title, body, url)
                    SELECT new.seq, new.title, new.body, json_extract(new.attributes, '$.url')
                    WHERE new.title IS NOT NULL OR new.body IS NOT NULL OR json_extract(new.attributes, '$.url') IS NOT NULL;
                INSERT INTO records_trigram (rowid, title, body, url)
                    SELECT new.seq, new.title, new.body, json_extract(new.attributes, '$.url')
                    WHERE new.title IS NOT NULL OR new.body IS NOT NULL OR json_extract(new.attributes, '$.url') IS NOT NULL;
                DELETE FROM record_embeddings WHERE seq = new.seq;
                INSERT OR IGNORE INTO embedding_queue (seq) SELECT new.seq WHERE new.title IS NOT NULL OR new.body IS NOT NULL;
            END;

            -- Records imported before this step.
            INSERT INTO records_fts (rowid, title, body, url)
                SELECT seq, title, body, url FROM records_text WHERE title IS NOT NULL OR body IS NOT NULL OR url IS NOT NULL;
            INSERT INTO records_trigram (rowid, title, body, url)
                SELECT seq, title, body, url FROM records_text WHERE title IS NOT NULL OR body IS NOT NULL OR url IS NOT NULL;
            INSERT INTO embedding_queue (seq) SELECT seq FROM records WHERE title IS NOT NULL OR body IS NOT NULL;
            """),

        // Views for the read-only SQL endpoint. Queries may read these views and nothing else, so the tables
        // underneath can change without breaking saved queries. Times are UTC milliseconds since the Unix epoch
        // plus the source's offset in minutes, as in records.
        new(3, "sql-views", """
            CREATE VIEW lake_records AS
                SELECT id, dataset, kind,
                    strftime('%Y-%m-%dT%H:%M:%fZ', start_ms / 1000.0, 'unixepoch') AS start_utc,
                    start_ms, start_offset_min, end_ms, end_offset_min,
                    lat, lon, accuracy_m, title, body AS text, attributes,
                    blob_sha256, path, pointer, byte_offset, import_id
                FROM records;

            CREATE VIEW lake_datasets AS
                SELECT name, record_count, first_ms, last_ms FROM datasets;

            CREATE VIEW lake_imports AS
                SELECT id, source, account, state, created_ms, started_ms, finished_ms,
                    files_done, files_parsed, errors, records_added, duplicates
                FROM imports;

            CREATE VIEW lake_blobs AS
                SELECT sha256, size, first_seen_ms FROM blobs;
            """),

        // The host and process that run an import, so that an import whose process died can be marked failed.
        new(4, "import-runner", """
            ALTER TABLE imports ADD COLUMN runner_host TEXT;
            ALTER TABLE imports ADD COLUMN runner_pid INTEGER;
            """),

        // Owner control: access tokens (only a hash of each secret), lake settings, tombstones of deleted records
        // and retention policies. The audit log has its own database, audit.db. The version leaves room below it
        // for steps that other areas add in parallel.
        new(10, "owner-control", """
            CREATE TABLE access_tokens (
                id TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                secret_sha256 BLOB NOT NULL,
                scopes TEXT NOT NULL,
                datasets TEXT,
                kinds TEXT,
                from_ms INTEGER,
                to_ms INTEGER,
                created_ms INTEGER NOT NULL,
                expires_ms INTEGER,
                revoked_ms INTEGER,
                is_owner INTEGER NOT NULL DEFAULT 0
            );

            CREATE TABLE lake_settings (
                name TEXT PRIMARY KEY,
                value TEXT NOT NULL
            );

            CREATE TABLE tombstones (
                record_id TEXT PRIMARY KEY,
                deleted_ms INTEGER NOT NULL
            );

            CREATE TABLE retention_policies (
                id INTEGER PRIMARY KEY,
                dataset TEXT,
                kind TEXT,
                max_age_days INTEGER NOT NULL,
                created_ms INTEGER NOT NULL,
                last_run_ms INTEGER,
                UNIQUE (dataset, kind)
            );

            CREATE INDEX records_by_dataset ON records (dataset, start_ms);
            CREATE INDEX records_by_blob ON records (blob_sha256);
            CREATE INDEX records_by_import ON records (import_id);
            """),

        // Per-dataset keys need the datasets of a blob without reading every record of a large file. blob_datasets
        // lists each pair of a blob and a dataset with a record from it: the record writer adds pairs in the file's
        // transaction, and a deletion removes pairs with no record left in its own. The media indexes cover the
        // links that Google Photos records add. The import_files index finds the imports that listed an archive.
        new(11, "dataset-keys", """
            CREATE TABLE blob_datasets (
                blob_sha256 TEXT NOT NULL,
                dataset TEXT NOT NULL,
                PRIMARY KEY (blob_sha256, dataset)
            ) WITHOUT ROWID;
            INSERT INTO blob_datasets (blob_sha256, dataset) SELECT DISTINCT blob_sha256, dataset FROM records;

            CREATE INDEX records_by_media_blob ON records (json_extract(attributes, '$.mediaBlob'))
                WHERE json_extract(attributes, '$.mediaBlob') IS NOT NULL;
            CREATE INDEX records_by_edited_media_blob ON records (json_extract(attributes, '$.editedMediaBlob'))
                WHERE json_extract(attributes, '$.editedMediaBlob') IS NOT NULL;
            CREATE INDEX import_files_by_blob ON import_files (blob_sha256);
            """),

        // Place search on a B-tree instead of the R*Tree: records.cell is the Z-order code of (lat, lon) (see
        // PlaceCell), and a bounding box becomes a few range scans of records_by_cell. The index also contains lat,
        // lon and start_ms, so a box query filters and sorts on index entries and reads only the rows it returns.
        // Keeping the R*Tree up to date cost about 10 µs of CPU per imported point. lake_place_cell is the C#
        // PlaceCell.For, registered on the connection that migrates.
        // The insert trigger of step 2 goes: SqliteRecordIndexWriter does its inserts for the records that have text,
        // because a trigger on records made SQLite copy every page an insert changed into a statement journal,
        // location points included. The record writer is the only code that inserts into records.
        new(13, "place-cells", """
            ALTER TABLE records ADD COLUMN cell INTEGER;
            UPDATE records SET cell = lake_place_cell(lat, lon) WHERE lat IS NOT NULL AND lon IS NOT NULL;
            CREATE INDEX records_by_cell ON records (cell, lat, lon, start_ms) WHERE cell IS NOT NULL;
            DROP TABLE records_place;
            DROP TRIGGER records_text_insert;
            """),

        // A log of changed embedding keys, so that an in-memory vector index (SqliteVectorIndex) in any process can
        // apply inserts, re-embeds and deletions without reading every vector again. AUTOINCREMENT keeps ids from
        // being reused, so a reader can tell when rows it has not seen were trimmed. Each insert trims the log to
        // its last 100,000 rows, and a deletion of records empties it.
        new(14, "embedding-changes", """
            CREATE TABLE embedding_changes (id INTEGER PRIMARY KEY AUTOINCREMENT, seq INTEGER NOT NULL);

            CREATE TRIGGER record_embeddings_insert_change AFTER INSERT ON record_embeddings
            BEGIN
                INSERT INTO embedding_changes (seq) VALUES (new.seq);
                DELETE FROM embedding_changes WHERE id <= (SELECT max(id) FROM embedding_changes) - 100000;
            END;

            CREATE TRIGGER record_embeddings_update_change AFTER UPDATE ON record_embeddings
            BEGIN
                INSERT INTO embedding_changes (seq) SELECT old.seq WHERE old.seq <> new.seq;
                INSERT INTO embedding_changes (seq) VALUES (new.seq);
                DELETE FROM embedding_changes WHERE id <= (SELECT max(id) FROM embedding_changes) - 100000;
            END;

            CREATE TRIGGER record_embeddings_delete_change AFTER DELETE ON record_embeddings
            BEGIN
                INSERT INTO embedding_changes (seq) VALUES (old.seq);
                DELETE FROM embedding_changes WHERE id <= (SELECT max(id) FROM embedding_changes) - 100000;
            END;
            """),

        // Blobs that a record links without being made from them: the media file of a Google Photos record
        // (mediaBlob, editedMediaBlob) and each mail attachment (attachments[].sha256). Deletion, key attribution,
        // export, verification and blob access treat a linked blob like the record's own original. Only text values
        // count as hashes. The record writer inserts the links of a new record (SqliteRecordIndexWriter, with
        // InsertBlobLinks), because an insert trigger on records costs every insert a statement journal. The
        // triggers below follow updates and deletions.
        new(15, "record-blob-links", $$"""
            CREATE TABLE record_blob_links (
                blob_sha256 TEXT NOT NULL,
                seq INTEGER NOT NULL,
                PRIMARY KEY (blob_sha256, seq)
            ) WITHOUT ROWID;
            CREATE INDEX record_blob_links_by_seq ON record_blob_links (seq);

            -- The links replace these indexes, which only deletion and key attribution read.
            DROP INDEX IF EXISTS records_by_media_blob;
            DROP INDEX IF EXISTS records_by_edited_media_blob;

            CREATE TRIGGER records_links_update AFTER UPDATE OF attributes ON records
            BEGIN
                DELETE FROM record_blob_links WHERE seq = old.seq;
                {{InsertBlobLinks}};
            END;

            CREATE TRIGGER records_links_delete AFTER DELETE ON records
            BEGIN
                DELETE FROM record_blob_links WHERE seq = old.seq;
            END;

            -- Records written before this step.
            INSERT OR IGNORE INTO record_blob_links (blob_sha256, seq)
                SELECT json_extract(attributes, '$.mediaBlob'), seq FROM records WHERE json_type(attributes, '$.mediaBlob') = 'text'
                UNION SELECT json_extract(attributes, '$.editedMediaBlob'), seq FROM records WHERE json_type(attributes, '$.editedMediaBlob') = 'text'
                UNION SELECT json_extract(a.value, '$.sha256'), r.seq FROM records r, json_each(r.attributes, '$.attachments') a
                    WHERE json_type(r.attributes, '$.attachments') = 'array' AND a.type = 'object' AND json_type(a.value, '$.sha256') = 'text';
            """),

        // A box with many points inside was slow: the query sorted every entry of records_by_cell in the box to
        // return the first page. records_by_area orders the points of each area (a cell code without its last 34
        // bits, PlaceCell.AreaShift) by time, so a page of a dense box reads about a page of entries from each area
        // it overlaps (PlaceCellSql.TimeOrderedAreas). Points arrive in time order, so an import appends to each
        // area's run of the index.
        new(16, "place-areas", """
            CREATE INDEX records_by_area ON records (cell >> 34, start_ms, seq, lat, lon, cell) WHERE cell IS NOT NULL;
            """),

        // The records an import skipped because a deletion's tombstone named them, kept so that lake imports and
        // /v1/imports report them after the import ends.
        new(17, "import-skipped-deleted", """
            ALTER TABLE imports ADD COLUMN skipped_deleted INTEGER NOT NULL DEFAULT 0;
            """),
    ];
}
