using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Datapunk.Lake.Storage.Sqlite;

/// <summary>
/// Adds a newly inserted record to the tables that insert triggers used to fill, inside the record writer's
/// transaction: the full-text tables and the embedding queue (the insert trigger of migration 2, which migration 13
/// dropped) and the blobs the record links (<c>record_blob_links</c>, migration 15).
/// </summary>
/// <remarks>
/// A record gets FTS rows when it has a title, a text or a top-level <c>url</c> attribute, and a place in the
/// embedding queue when it has a title or a text. Its <c>url</c> and its links are read with SQLite's JSON
/// functions, as the update and delete triggers read them, so the writer and the triggers stay consistent. A trigger
/// with these inserts made SQLite keep a statement journal for every insert into records, location points included.
/// Copying pages into it cost about a quarter of the CPU time of a Records.json import.
/// NOTE: no trigger indexes an insert any more, so code that inserts into records other than
/// <see cref="SqliteFileRecordWriter"/> must index the record through this class too.
/// </remarks>
internal sealed class SqliteRecordIndexWriter : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly sqlite3_stmt _hasUrl;
    private readonly sqlite3_stmt _insertFts;
    private readonly sqlite3_stmt _insertTrigram;
    private readonly sqlite3_stmt _queueEmbedding;
    private readonly sqlite3_stmt _insertLinks;

    public SqliteRecordIndexWriter(SqliteConnection connection)
    {
        _connection = connection;
        _hasUrl = Prepare("SELECT json_extract(?1, '$.url') IS NOT NULL");
        _insertFts = Prepare("INSERT INTO records_fts (rowid, title, body, url) VALUES (?1, ?2, ?3, json_extract(?4, '$.url'))");
        _insertTrigram = Prepare("INSERT INTO records_trigram (rowid, title, body, url) VALUES (?1, ?2, ?3, json_extract(?4, '$.url'))");
        _queueEmbedding = Prepare("INSERT INTO embedding_queue (seq) VALUES (?1)");
        _insertLinks = Prepare(SqliteMigrations.InsertBlobLinks.Replace("new.attributes", "?1", StringComparison.Ordinal).Replace("new.seq", "?2", StringComparison.Ordinal));
    }

    /// <summary>Indexes the record with row id <paramref name="seq"/>: its text, its URL and the blobs it links.</summary>
    public void Add(long seq, string? title, string? body, string? attributes)
    {
        if (MayLink(attributes))
        {
            Check(raw.sqlite3_bind_text(_insertLinks, 1, attributes));
            Check(raw.sqlite3_bind_int64(_insertLinks, 2, seq));
            Run(_insertLinks);
        }

        var hasText = title is not null || body is not null;
        if (!hasText && !HasUrl(attributes))
        {
            return;
        }

        foreach (var statement in (ReadOnlySpan<sqlite3_stmt>)[_insertFts, _insertTrigram])
        {
            Check(raw.sqlite3_bind_int64(statement, 1, seq));
            Check(title is null ? raw.sqlite3_bind_null(statement, 2) : raw.sqlite3_bind_text(statement, 2, title));
            Check(body is null ? raw.sqlite3_bind_null(statement, 3) : raw.sqlite3_bind_text(statement, 3, body));
            Check(attributes is null ? raw.sqlite3_bind_null(statement, 4) : raw.sqlite3_bind_text(statement, 4, attributes));
            Run(statement);
        }

        if (hasText)
        {
            Check(raw.sqlite3_bind_int64(_queueEmbedding, 1, seq));
            Run(_queueEmbedding);
        }
    }

    public void Dispose()
    {
        _hasUrl.Dispose();
        _insertFts.Dispose();
        _insertTrigram.Dispose();
        _queueEmbedding.Dispose();
        _insertLinks.Dispose();
    }

    /// <summary>
    /// Returns whether the attributes may name a linked blob. As for <see cref="HasUrl"/>, neither writer of
    /// attributes escapes the letters of a key, so text without any of the three keys links nothing.
    /// </summary>
    private static bool MayLink(string? attributes) =>
        attributes is not null
        && (attributes.Contains("\"mediaBlob\"", StringComparison.Ordinal)
            || attributes.Contains("\"editedMediaBlob\"", StringComparison.Ordinal)
            || attributes.Contains("\"attachments\"", StringComparison.Ordinal));

    /// <summary>
    /// Returns whether the attributes have a non-null top-level <c>url</c>. Attributes are written by System.Text.Json
    /// or by SQLite's json_set, and neither escapes the letters of a key, so text without <c>"url"</c> has none and
    /// skips the JSON parse.
    /// </summary>
    private bool HasUrl(string? attributes)
    {
        if (attributes is null || !attributes.Contains("\"url\"", StringComparison.Ordinal))
        {
            return false;
        }

        Check(raw.sqlite3_bind_text(_hasUrl, 1, attributes));
        var result = raw.sqlite3_step(_hasUrl);
        var hasUrl = result == raw.SQLITE_ROW && raw.sqlite3_column_int64(_hasUrl, 0) != 0;
        raw.sqlite3_reset(_hasUrl);
        if (result is not (raw.SQLITE_ROW or raw.SQLITE_DONE))
        {
            SqliteException.ThrowExceptionForRC(result, _connection.Handle);
        }

        return hasUrl;
    }

    private sqlite3_stmt Prepare(string sql) => SqliteStatements.Prepare(_connection, sql);

    private void Run(sqlite3_stmt statement) => SqliteStatements.Run(_connection, statement);

    private void Check(int result) => SqliteStatements.Check(_connection, result);
}
