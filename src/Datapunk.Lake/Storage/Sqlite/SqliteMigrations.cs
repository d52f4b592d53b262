namespace Datapunk.Lake.Storage.Sqlite;

/// <summary>
/// The schema, as numbered steps. A step, once released, never changes: a later change to the schema is a new step.
/// </summary>
internal static class SqliteMigrations
{
    public sealed record Migration(int Version, string Name, string Sql);

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
    ];
}
