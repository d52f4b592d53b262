using System.Globalization;
using Datapunk.Lake.Records;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Datapunk.Lake.Storage.Sqlite;

/// <summary>
/// Writes the records of one file inside one transaction with prepared statements. The records, the dataset
/// counters, the file's rows in <c>blob_datasets</c> and the mark that the file was parsed are committed together,
/// so a crash before <see cref="Commit"/> leaves no record of the file, and the next import parses it again.
/// </summary>
/// <remarks>
/// NOTE: SQLite cannot checkpoint an open transaction, so the WAL grows to about the size of the data one
/// file adds (2.1 GiB for a 1 GiB Records.json, see BENCHMARKS.md) until the commit.
/// </remarks>
internal sealed class SqliteFileRecordWriter : IFileRecordWriter
{
    /// <summary>The page cache of the connection that writes a file's records, in KiB.</summary>
    private const int WriterCacheKibibytes = 64 * 1024;

    /// <summary>SQLite's default page cache, in KiB, restored before the connection goes back to the pool.</summary>
    private const int DefaultCacheKibibytes = 2000;

    private readonly SqliteConnection _connection;
    private readonly SqliteTransaction _transaction;
    private readonly string _importId;
    private readonly string _path;
    private readonly FileParseKey _key;
    private readonly sqlite3_stmt _insertRecord;
    private readonly SqliteRecordIndexWriter _textIndex;
    private readonly Dictionary<string, DatasetCounter> _datasets = new(StringComparer.Ordinal);

    // The blob and dataset of every added record, for blob_datasets. A restored export names a blob per record.
    private readonly HashSet<(string Blob, string Dataset)> _sources = [];
    private string _currentBlob;
    private readonly bool _checkTombstones;
    private bool _committed;
    private bool _sourceRebound;

    public SqliteFileRecordWriter(SqliteConnection connection, string importId, string path, FileParseKey key)
    {
        _connection = connection;
        _importId = importId;
        _path = path;
        _key = key;
        _currentBlob = key.BlobSha256;
        // The record id index takes keys in hash order, so with SQLite's default 2 MB page cache most inserts
        // evict a dirty page into the WAL and read another back. On a 30 MB Records.json the process wrote
        // 398 MB with that cache and 160 MB with this one. Dispose restores the default.
        SetCacheSize(connection, WriterCacheKibibytes);

        // A statement that writes several tables and may abort (as the insert did while an FTS trigger ran on it)
        // keeps a statement journal: the original of every page it changes. Once that outgrows 64 KiB it spills to
        // a file in /var/tmp and stays there for the transaction, so a 200,000-point Records.json wrote 7 GB of
        // statement journal. In memory it never contains more than the pages of one statement. Dispose restores the
        // default.
        SetPragma(connection, "temp_store = MEMORY");

        _transaction = connection.BeginTransaction(deferred: false);

        // Deletion takes the write lock too, so no tombstone can appear while this transaction holds it: when
        // there is none now, the insert can skip the lookup for every record.
        using (var tombstones = connection.CreateCommand())
        {
            tombstones.Transaction = _transaction;
            tombstones.CommandText = "SELECT EXISTS (SELECT 1 FROM tombstones)";
            _checkTombstones = Convert.ToInt64(tombstones.ExecuteScalar(), CultureInfo.InvariantCulture) != 0;
        }

        // The insert runs once per record, so it is prepared and bound through SQLitePCL directly, by index:
        // SqliteCommand looks every parameter up by name on every execution, which cost about a fifth of the
        // import's CPU time (docs in BENCHMARKS.md). It runs on the connection's handle, inside its transaction.
        _insertRecord = SqliteStatements.Prepare(connection, $"""
            INSERT OR IGNORE INTO records (id, dataset, kind, start_ms, start_offset_min, end_ms, end_offset_min, lat, lon,
                accuracy_m, title, body, attributes, blob_sha256, path, pointer, byte_offset, import_id, cell)
            SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19
            {(_checkTombstones ? "WHERE NOT EXISTS (SELECT 1 FROM tombstones WHERE record_id = ?1)" : "")}
            """);

        _textIndex = new SqliteRecordIndexWriter(connection);

        // The values that are the same for every record of the file are bound once.
        Check(raw.sqlite3_bind_text(_insertRecord, 14, _key.BlobSha256));
        Check(raw.sqlite3_bind_text(_insertRecord, 15, _path));
        Check(raw.sqlite3_bind_text(_insertRecord, 18, _importId));
    }

    public long Added { get; private set; }

    public long Duplicates { get; private set; }

    public long Tombstoned { get; private set; }

    public bool Add(RecordDraft draft)
    {
        if (_sourceRebound)
        {
            Check(raw.sqlite3_bind_text(_insertRecord, 14, _key.BlobSha256));
            Check(raw.sqlite3_bind_text(_insertRecord, 15, _path));
            _sourceRebound = false;
            _currentBlob = _key.BlobSha256;
        }

        return Insert(RecordId.For(draft.Dataset, draft.Kind, draft.MergeKey), draft.Dataset, draft.Kind, draft.Start, draft.StartOffsetKnown, draft.End,
            draft.Latitude, draft.Longitude, draft.AccuracyMeters, draft.Title, draft.Text, draft.Attributes?.ToJsonString() ?? draft.AttributesJson,
            draft.Pointer, draft.ByteOffset);
    }

    public bool AddExported(LakeRecord record)
    {
        // The blob and path are bound per record here, so Add binds the file's own again before its next insert.
        Check(raw.sqlite3_bind_text(_insertRecord, 14, record.Provenance.BlobSha256));
        Check(raw.sqlite3_bind_text(_insertRecord, 15, record.Provenance.Path));
        _sourceRebound = true;
        _currentBlob = record.Provenance.BlobSha256;

        return Insert(record.Id, record.Dataset, record.Kind, record.Start, record.StartOffsetKnown, record.End,
            record.Latitude, record.Longitude, record.AccuracyMeters, record.Title, record.Text, record.Attributes?.ToJsonString(),
            record.Provenance.Pointer, record.Provenance.ByteOffset);
    }

    /// <summary>Checks whether a deletion left a tombstone for <paramref name="id"/>; runs only for a record not inserted.</summary>
    private bool IsTombstoned(string id)
    {
        using var command = _connection.CreateCommand();
        command.Transaction = _transaction;
        command.CommandText = "SELECT EXISTS (SELECT 1 FROM tombstones WHERE record_id = $id)";
        command.Parameters.AddWithValue("$id", id);
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture) != 0;
    }

    private bool Insert(string id, string dataset, string kind, DateTimeOffset start, bool startOffsetKnown, DateTimeOffset? end,
        double? latitude, double? longitude, double? accuracyMeters, string? title, string? text, string? attributes,
        string? pointer, long? byteOffset)
    {
        if (_committed)
        {
            throw new InvalidOperationException("The file was already committed; open a new writer for more records.");
        }

        var startMs = start.ToUnixTimeMilliseconds();
        var endMs = end?.ToUnixTimeMilliseconds();

        var statement = _insertRecord;
        Check(raw.sqlite3_bind_text(statement, 1, id));
        Check(raw.sqlite3_bind_text(statement, 2, dataset));
        Check(raw.sqlite3_bind_text(statement, 3, kind));
        Check(raw.sqlite3_bind_int64(statement, 4, startMs));
        BindInt64(statement, 5, startOffsetKnown ? (long)start.Offset.TotalMinutes : null);
        BindInt64(statement, 6, endMs);
        BindInt64(statement, 7, end is { } endTime ? (long)endTime.Offset.TotalMinutes : null);
        BindDouble(statement, 8, latitude);
        BindDouble(statement, 9, longitude);
        BindDouble(statement, 10, accuracyMeters);
        BindText(statement, 11, title);
        BindText(statement, 12, text);
        BindText(statement, 13, attributes);
        BindText(statement, 16, pointer);
        BindInt64(statement, 17, byteOffset);
        BindInt64(statement, 19, latitude is { } lat && longitude is { } lon ? PlaceCell.For(lat, lon) : null);

        var inserted = Step(statement);
        if (!inserted)
        {
            if (_checkTombstones && IsTombstoned(id))
            {
                Tombstoned++;
            }
            else
            {
                Duplicates++;
            }

            return false;
        }

        _textIndex.Add(raw.sqlite3_last_insert_rowid(_connection.Handle), title, text, attributes);

        Added++;
        _sources.Add((_currentBlob, dataset));
        if (!_datasets.TryGetValue(dataset, out var counter))
        {
            counter = new DatasetCounter();
            _datasets[dataset] = counter;
        }

        counter.Count++;
        counter.First = Math.Min(counter.First, startMs);
        counter.Last = Math.Max(counter.Last, endMs ?? startMs);
        return true;
    }

    public void Commit()
    {
        if (_committed)
        {
            throw new InvalidOperationException("The file was already committed.");
        }

        using (var dataset = _connection.CreateCommand())
        {
            dataset.Transaction = _transaction;
            dataset.CommandText = """
                INSERT INTO datasets (name, record_count, first_ms, last_ms) VALUES ($name, $count, $first, $last)
                ON CONFLICT (name) DO UPDATE SET
                    record_count = record_count + excluded.record_count,
                    first_ms = min(coalesce(first_ms, excluded.first_ms), excluded.first_ms),
                    last_ms = max(coalesce(last_ms, excluded.last_ms), excluded.last_ms)
                """;
            var name = dataset.Parameters.Add(new SqliteParameter { ParameterName = "$name" });
            var count = dataset.Parameters.Add(new SqliteParameter { ParameterName = "$count" });
            var first = dataset.Parameters.Add(new SqliteParameter { ParameterName = "$first" });
            var last = dataset.Parameters.Add(new SqliteParameter { ParameterName = "$last" });
            foreach (var (datasetName, counter) in _datasets)
            {
                name.Value = datasetName;
                count.Value = counter.Count;
                first.Value = counter.First;
                last.Value = counter.Last;
                dataset.ExecuteNonQuery();
            }
        }

        using (var sources = _connection.CreateCommand())
        {
            sources.Transaction = _transaction;
            sources.CommandText = "INSERT OR IGNORE INTO blob_datasets (blob_sha256, dataset) VALUES ($blob, $dataset)";
            var blob = sources.Parameters.Add(new SqliteParameter { ParameterName = "$blob" });
            var name = sources.Parameters.Add(new SqliteParameter { ParameterName = "$dataset" });
            foreach (var (sourceBlob, datasetName) in _sources)
            {
                blob.Value = sourceBlob;
                name.Value = datasetName;
                sources.ExecuteNonQuery();
            }
        }

        using (var parsed = _connection.CreateCommand())
        {
            parsed.Transaction = _transaction;
            parsed.CommandText = """
                INSERT OR REPLACE INTO parsed_files (blob_sha256, format, format_version, account, import_id, records, completed_ms)
                VALUES ($blob, $format, $version, $account, $import, $records, $now)
                """;
            parsed.Parameters.AddWithValue("$blob", _key.BlobSha256);
            parsed.Parameters.AddWithValue("$format", _key.Format);
            parsed.Parameters.AddWithValue("$version", _key.FormatVersion);
            parsed.Parameters.AddWithValue("$account", _key.Account);
            parsed.Parameters.AddWithValue("$import", _importId);
            parsed.Parameters.AddWithValue("$records", Added + Duplicates);
            parsed.Parameters.AddWithValue("$now", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            parsed.ExecuteNonQuery();
        }

        _transaction.Commit();
        _committed = true;
    }

    public void Dispose()
    {
        _insertRecord.Dispose();
        _textIndex.Dispose();
        if (!_committed)
        {
            _transaction.Rollback();
        }

        _transaction.Dispose();
        SetCacheSize(_connection, DefaultCacheKibibytes);
        SetPragma(_connection, "temp_store = DEFAULT");
        _connection.Dispose();
    }

    /// <summary>Sets the page cache of a connection, which stays with it when it goes back to the pool.</summary>
    private static void SetCacheSize(SqliteConnection connection, int kibibytes)
    {
        using var command = connection.CreateCommand();
        command.CommandText = string.Create(CultureInfo.InvariantCulture, $"PRAGMA cache_size = -{kibibytes}");
        command.ExecuteNonQuery();
    }

    private static void SetPragma(SqliteConnection connection, string pragma)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA " + pragma;
        command.ExecuteNonQuery();
    }

    /// <summary>Runs an insert and resets it. Returns true when it added a row, and false when OR IGNORE skipped it.</summary>
    private bool Step(sqlite3_stmt statement)
    {
        SqliteStatements.Run(_connection, statement);
        return raw.sqlite3_changes(_connection.Handle) > 0;
    }

    private void Check(int result) => SqliteStatements.Check(_connection, result);

    private void BindInt64(sqlite3_stmt statement, int index, long? value) =>
        Check(value is { } v ? raw.sqlite3_bind_int64(statement, index, v) : raw.sqlite3_bind_null(statement, index));

    private void BindDouble(sqlite3_stmt statement, int index, double? value) =>
        Check(value is { } v ? raw.sqlite3_bind_double(statement, index, v) : raw.sqlite3_bind_null(statement, index));

    private void BindText(sqlite3_stmt statement, int index, string? value) =>
        Check(value is null ? raw.sqlite3_bind_null(statement, index) : raw.sqlite3_bind_text(statement, index, value));

    private sealed class DatasetCounter
    {
        public long Count;
        public long First = long.MaxValue;
        public long Last = long.MinValue;
    }
}
