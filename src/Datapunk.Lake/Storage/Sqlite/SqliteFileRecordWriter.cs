using System.Globalization;
using Datapunk.Lake.Records;
using Microsoft.Data.Sqlite;

namespace Datapunk.Lake.Storage.Sqlite;

/// <summary>
/// Writes the records of one file inside one transaction with prepared statements. The records, the dataset
/// counters and the mark that the file was parsed are committed together, so a crash before
/// <see cref="Commit"/> leaves no record of the file, and the next import parses it again.
/// </summary>
/// <remarks>
/// NOTE: SQLite cannot checkpoint an open transaction, so the WAL grows to about the size of the data one
/// file adds (2.1 GiB for a 1 GiB Records.json, see docs/benchmarks.md) until the commit.
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
    private readonly SqliteCommand _insertRecord;
    private readonly SqliteCommand _insertPlace;
    private readonly Dictionary<string, DatasetCounter> _datasets = new(StringComparer.Ordinal);
    private bool _committed;

    public SqliteFileRecordWriter(SqliteConnection connection, string importId, string path, FileParseKey key)
    {
        _connection = connection;
        _importId = importId;
        _path = path;
        _key = key;
        // The record id index takes keys in hash order, so with SQLite's default 2 MB page cache most inserts
        // evict a dirty page into the WAL and read another back. On a 30 MB Records.json the process wrote
        // 398 MB with that cache and 160 MB with this one. Dispose restores the default.
        SetCacheSize(connection, WriterCacheKibibytes);

        _transaction = connection.BeginTransaction(deferred: false);

        _insertRecord = connection.CreateCommand();
        _insertRecord.Transaction = _transaction;
        _insertRecord.CommandText = """
            INSERT OR IGNORE INTO records (id, dataset, kind, start_ms, start_offset_min, end_ms, end_offset_min, lat, lon,
                accuracy_m, title, body, attributes, blob_sha256, path, pointer, byte_offset, import_id)
            SELECT $id, $dataset, $kind, $start, $startOffset, $end, $endOffset, $lat, $lon,
                $accuracy, $title, $body, $attributes, $blob, $path, $pointer, $offset, $import
            WHERE NOT EXISTS (SELECT 1 FROM tombstones WHERE record_id = $id)
            """;
        foreach (var name in new[]
                 {
                     "$id", "$dataset", "$kind", "$start", "$startOffset", "$end", "$endOffset", "$lat", "$lon",
                     "$accuracy", "$title", "$body", "$attributes", "$blob", "$path", "$pointer", "$offset", "$import",
                 })
        {
            _insertRecord.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        _insertRecord.Prepare();

        _insertPlace = connection.CreateCommand();
        _insertPlace.Transaction = _transaction;
        _insertPlace.CommandText = "INSERT INTO records_place (seq, min_lat, max_lat, min_lon, max_lon) VALUES (last_insert_rowid(), $lat, $lat, $lon, $lon)";
        _insertPlace.Parameters.Add(new SqliteParameter { ParameterName = "$lat" });
        _insertPlace.Parameters.Add(new SqliteParameter { ParameterName = "$lon" });
        _insertPlace.Prepare();
    }

    public long Added { get; private set; }

    public long Duplicates { get; private set; }

    public bool Add(RecordDraft draft)
    {
        if (_committed)
        {
            throw new InvalidOperationException("The file was already committed; open a new writer for more records.");
        }

        var parameters = _insertRecord.Parameters;
        var startMs = draft.Start.ToUnixTimeMilliseconds();
        var endMs = draft.End?.ToUnixTimeMilliseconds();

        parameters[0].Value = RecordId.For(draft.Dataset, draft.Kind, draft.MergeKey);
        parameters[1].Value = draft.Dataset;
        parameters[2].Value = draft.Kind;
        parameters[3].Value = startMs;
        parameters[4].Value = draft.StartOffsetKnown ? (int)draft.Start.Offset.TotalMinutes : DBNull.Value;
        parameters[5].Value = endMs is null ? DBNull.Value : endMs.Value;
        parameters[6].Value = draft.End is { } end ? (int)end.Offset.TotalMinutes : DBNull.Value;
        parameters[7].Value = Nullable(draft.Latitude);
        parameters[8].Value = Nullable(draft.Longitude);
        parameters[9].Value = Nullable(draft.AccuracyMeters);
        parameters[10].Value = (object?)draft.Title ?? DBNull.Value;
        parameters[11].Value = (object?)draft.Text ?? DBNull.Value;
        parameters[12].Value = draft.Attributes is null ? DBNull.Value : draft.Attributes.ToJsonString();
        parameters[13].Value = _key.BlobSha256;
        parameters[14].Value = _path;
        parameters[15].Value = draft.Pointer;
        parameters[16].Value = draft.ByteOffset is null ? DBNull.Value : draft.ByteOffset.Value;
        parameters[17].Value = _importId;

        if (_insertRecord.ExecuteNonQuery() == 0)
        {
            Duplicates++;
            return false;
        }

        if (draft.Latitude is { } latitude && draft.Longitude is { } longitude)
        {
            _insertPlace.Parameters[0].Value = latitude;
            _insertPlace.Parameters[1].Value = longitude;
            _insertPlace.ExecuteNonQuery();
        }

        Added++;
        if (!_datasets.TryGetValue(draft.Dataset, out var counter))
        {
            counter = new DatasetCounter();
            _datasets[draft.Dataset] = counter;
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
        _insertPlace.Dispose();
        if (!_committed)
        {
            _transaction.Rollback();
        }

        _transaction.Dispose();
        SetCacheSize(_connection, DefaultCacheKibibytes);
        _connection.Dispose();
    }

    /// <summary>Sets the page cache of a connection, which stays with it when it goes back to the pool.</summary>
    private static void SetCacheSize(SqliteConnection connection, int kibibytes)
    {
        using var command = connection.CreateCommand();
        command.CommandText = string.Create(CultureInfo.InvariantCulture, $"PRAGMA cache_size = -{kibibytes}");
        command.ExecuteNonQuery();
    }

    private static object Nullable(double? value) => value is null ? DBNull.Value : value.Value;

    private sealed class DatasetCounter
    {
        public long Count;
        public long First = long.MaxValue;
        public long Last = long.MinValue;
    }
}
