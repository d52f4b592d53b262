using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Datapunk.Lake.Blobs;
using Datapunk.Lake.Imports;
using Datapunk.Lake.Records;
using Datapunk.Lake.Sovereignty.Access;
using Microsoft.Data.Sqlite;

namespace Datapunk.Lake.Storage.Sqlite;

/// <summary>The embedded record store: one SQLite database file in WAL mode.</summary>
/// <remarks>
/// Every read of records, datasets and imports is limited to <see cref="AccessScope.Current"/>, the constraints of
/// the token that the HTTP server is serving, so an endpoint cannot show more than its token allows.
/// </remarks>
public sealed class SqliteRecordStore : IRecordStore
{
    private readonly string _connectionString;

    public SqliteRecordStore(string databasePath)
    {
        DatabasePath = Path.GetFullPath(databasePath);
        Directory.CreateDirectory(Path.GetDirectoryName(DatabasePath)!);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = DatabasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
    }

    public string DatabasePath { get; }

    /// <summary>
    /// Raised after a transaction that deleted records has committed, before the database files are scrubbed, so
    /// that copies kept in memory (the vector index) can drop them and clear what would point at them.
    /// </summary>
    public event EventHandler? RecordsDeleted;

    internal void OnRecordsDeleted() => RecordsDeleted?.Invoke(this, EventArgs.Empty);

    internal SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using var pragma = connection.CreateCommand();

        // WAL lets readers go on while an import writes. NORMAL synchronisation in WAL mode is durable
        // across an application crash; only a power loss can undo the last commits, never corrupt them.
        // secure_delete overwrites deleted content with zeros, so a deletion leaves no readable remnant in free pages.
        pragma.CommandText = "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA secure_delete = ON;";
        pragma.ExecuteNonQuery();
        return connection;
    }

    public Task MigrateAsync(CancellationToken cancellationToken)
    {
        using var connection = Open();
        using (var create = connection.CreateCommand())
        {
            create.CommandText = "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_ms INTEGER NOT NULL)";
            create.ExecuteNonQuery();
        }

        var applied = new HashSet<long>();
        using (var select = connection.CreateCommand())
        {
            select.CommandText = "SELECT version FROM schema_migrations";
            using var reader = select.ExecuteReader();
            while (reader.Read())
            {
                applied.Add(reader.GetInt64(0));
            }
        }

        // Migration 13 computes the place cell of existing records with the same code as the record writer.
        connection.CreateFunction("lake_place_cell", (double latitude, double longitude) => PlaceCell.For(latitude, longitude), isDeterministic: true);

        foreach (var migration in SqliteMigrations.All.Where(m => !applied.Contains(m.Version)))
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var transaction = connection.BeginTransaction();
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = migration.Sql;
            command.ExecuteNonQuery();

            command.CommandText = "INSERT INTO schema_migrations (version, name, applied_ms) VALUES ($version, $name, $now)";
            command.Parameters.AddWithValue("$version", migration.Version);
            command.Parameters.AddWithValue("$name", migration.Name);
            command.Parameters.AddWithValue("$now", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            command.ExecuteNonQuery();
            transaction.Commit();
        }

        return Task.CompletedTask;
    }

    /// <summary>The versions of every migration applied to this database, in order.</summary>
    public IReadOnlyList<int> AppliedMigrations()
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT version FROM schema_migrations ORDER BY version";
        using var reader = command.ExecuteReader();
        var versions = new List<int>();
        while (reader.Read())
        {
            versions.Add(reader.GetInt32(0));
        }

        return versions;
    }

    public Task RegisterBlobAsync(BlobPutResult blob, CancellationToken cancellationToken)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "INSERT OR IGNORE INTO blobs (sha256, size, first_seen_ms) VALUES ($sha, $size, $now)";
        command.Parameters.AddWithValue("$sha", blob.Sha256);
        command.Parameters.AddWithValue("$size", blob.Length);
        command.Parameters.AddWithValue("$now", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        command.ExecuteNonQuery();
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<string>> RemoveUnreferencedBlobsAsync(string importId, IReadOnlyCollection<string> candidates, IBlobStore blobs, CancellationToken cancellationToken, bool ignoreOwnFileReports = false)
    {
        var removed = new List<string>();
        if (candidates.Count == 0)
        {
            return Task.FromResult<IReadOnlyList<string>>(removed);
        }

        using var connection = Open();

        // The check and the removal run in one write transaction (BEGIN IMMEDIATE), so no other writer can add a
        // reference in between: a record, a link and a file report of another import all need this lock. A
        // concurrent import may have stored the same bytes without writing a row yet, because its put found the file
        // already there. Only its import row shows that it runs, so nothing is removed while another import is
        // queued or running. An import created after this commit finds the file gone and stores it again.
        // NOTE: an HTTP upload puts its blob before its import row exists, so an upload of the same bytes that races
        // this removal can lose its blob, and its import then fails with "missing from the blob store".
        using var transaction = connection.BeginTransaction(deferred: false);
        using var busy = connection.CreateCommand();
        busy.Transaction = transaction;
        busy.CommandText = "SELECT EXISTS (SELECT 1 FROM imports WHERE id <> $import AND state IN ('Queued', 'Running'))";
        busy.Parameters.AddWithValue("$import", importId);
        if (Convert.ToInt64(busy.ExecuteScalar(), CultureInfo.InvariantCulture) != 0)
        {
            // NOTE: an import left "Running" by a crashed process blocks this too; the blobs then stay until the
            // owner deletes this import.
            return Task.FromResult<IReadOnlyList<string>>(removed);
        }

        using var referenced = connection.CreateCommand();
        referenced.Transaction = transaction;
        referenced.CommandText = """
            SELECT EXISTS (SELECT 1 FROM records WHERE blob_sha256 = $sha)
                OR EXISTS (SELECT 1 FROM record_blob_links WHERE blob_sha256 = $sha)
                OR EXISTS (SELECT 1 FROM import_files WHERE blob_sha256 = $sha AND (import_id <> $import OR NOT $ignoreOwn))
                OR EXISTS (SELECT 1 FROM imports WHERE source_blob = $sha AND id <> $import)
                OR EXISTS (SELECT 1 FROM parsed_files WHERE blob_sha256 = $sha AND import_id <> $import)
            """;
        referenced.Parameters.AddWithValue("$import", importId);
        referenced.Parameters.AddWithValue("$ignoreOwn", ignoreOwnFileReports);
        var sha = referenced.Parameters.AddWithValue("$sha", "");

        using var remove = connection.CreateCommand();
        remove.Transaction = transaction;
        remove.CommandText = """
            DELETE FROM parsed_files WHERE blob_sha256 = $sha;
            DELETE FROM blob_datasets WHERE blob_sha256 = $sha;
            DELETE FROM blobs WHERE sha256 = $sha;
            """;
        var removeSha = remove.Parameters.AddWithValue("$sha", "");

        foreach (var candidate in candidates.Distinct(StringComparer.Ordinal))
        {
            sha.Value = candidate;
            if (Convert.ToInt64(referenced.ExecuteScalar(), CultureInfo.InvariantCulture) != 0)
            {
                continue;
            }

            removeSha.Value = candidate;
            remove.ExecuteNonQuery();

            // The file and its key go while the write lock is still held, for the reason above.
            blobs.DeleteAsync(candidate, cancellationToken).GetAwaiter().GetResult();
            removed.Add(candidate);
        }

        transaction.Commit();
        return Task.FromResult<IReadOnlyList<string>>(removed);
    }

    public Task<bool> IsBlobRegisteredAsync(string sha256, CancellationToken cancellationToken)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT 1 FROM blobs WHERE sha256 = $sha";
        command.Parameters.AddWithValue("$sha", sha256);
        return Task.FromResult(command.ExecuteScalar() is not null);
    }

    public Task CreateImportAsync(ImportSummary import, CancellationToken cancellationToken)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO imports (id, source, account, state, created_ms, runner_host, runner_pid)
            VALUES ($id, $source, $account, $state, $created, $host, $pid)
            """;
        command.Parameters.AddWithValue("$host", Environment.MachineName);
        command.Parameters.AddWithValue("$pid", Environment.ProcessId);
        command.Parameters.AddWithValue("$id", import.Id);
        command.Parameters.AddWithValue("$source", import.Source);
        command.Parameters.AddWithValue("$account", import.Account);
        command.Parameters.AddWithValue("$state", import.State.ToString());
        command.Parameters.AddWithValue("$created", import.CreatedAt.ToUnixTimeMilliseconds());
        command.ExecuteNonQuery();
        return UpdateImportAsync(import, cancellationToken);
    }

    public Task<int> FailAbandonedImportsAsync(Func<int, bool> isProcessAlive, CancellationToken cancellationToken)
    {
        using var connection = Open();
        var abandoned = new List<(string Id, int Pid)>();
        using (var select = connection.CreateCommand())
        {
            select.CommandText = "SELECT id, runner_pid FROM imports WHERE state IN ('Queued', 'Running') AND runner_host = $host AND runner_pid IS NOT NULL";
            select.Parameters.AddWithValue("$host", Environment.MachineName);
            using var reader = select.ExecuteReader();
            while (reader.Read())
            {
                abandoned.Add((reader.GetString(0), reader.GetInt32(1)));
            }
        }

        var failed = 0;
        foreach (var (id, pid) in abandoned.Where(a => !isProcessAlive(a.Pid)))
        {
            using var update = connection.CreateCommand();
            update.CommandText = """
                UPDATE imports SET state = 'Failed', finished_ms = $now,
                    message = $message
                WHERE id = $id AND state IN ('Queued', 'Running')
                """;
            update.Parameters.AddWithValue("$id", id);
            update.Parameters.AddWithValue("$now", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            update.Parameters.AddWithValue("$message",
                string.Create(CultureInfo.InvariantCulture, $"The process that ran this import (pid {pid}) stopped before it finished. Run the import again: files already parsed are skipped."));
            failed += update.ExecuteNonQuery();
        }

        return Task.FromResult(failed);
    }

    public Task UpdateImportAsync(ImportSummary import, CancellationToken cancellationToken)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            UPDATE imports SET state = $state, started_ms = $started, finished_ms = $finished, source_blob = $blob,
                bytes_total = $bytesTotal, bytes_done = $bytesDone, files_done = $filesDone, files_stored = $filesStored,
                files_parsed = $filesParsed, files_unchanged = $filesUnchanged, files_kept = $filesKept, errors = $errors,
                records_added = $records, duplicates = $duplicates, skipped_deleted = $skippedDeleted, message = $message
            WHERE id = $id
            """;
        command.Parameters.AddWithValue("$id", import.Id);
        command.Parameters.AddWithValue("$state", import.State.ToString());
        command.Parameters.AddWithValue("$started", (object?)import.StartedAt?.ToUnixTimeMilliseconds() ?? DBNull.Value);
        command.Parameters.AddWithValue("$finished", (object?)import.FinishedAt?.ToUnixTimeMilliseconds() ?? DBNull.Value);
        command.Parameters.AddWithValue("$blob", (object?)import.SourceBlob ?? DBNull.Value);
        command.Parameters.AddWithValue("$bytesTotal", import.BytesTotal);
        command.Parameters.AddWithValue("$bytesDone", import.BytesDone);
        command.Parameters.AddWithValue("$filesDone", import.FilesDone);
        command.Parameters.AddWithValue("$filesStored", import.FilesStored);
        command.Parameters.AddWithValue("$filesParsed", import.FilesParsed);
        command.Parameters.AddWithValue("$filesUnchanged", import.FilesUnchanged);
        command.Parameters.AddWithValue("$filesKept", import.FilesKept);
        command.Parameters.AddWithValue("$errors", import.Errors);
        command.Parameters.AddWithValue("$records", import.RecordsAdded);
        command.Parameters.AddWithValue("$duplicates", import.Duplicates);
        command.Parameters.AddWithValue("$skippedDeleted", import.SkippedDeleted);
        command.Parameters.AddWithValue("$message", (object?)import.Message ?? DBNull.Value);
        command.ExecuteNonQuery();
        return Task.CompletedTask;
    }

    public Task AddImportFileAsync(string importId, ImportFileReport report, CancellationToken cancellationToken)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT OR REPLACE INTO import_files (import_id, seq, path, blob_sha256, size, format, outcome, records_added, duplicates, message, position)
            VALUES ($import, $seq, $path, $blob, $size, $format, $outcome, $records, $duplicates, $message, $position)
            """;
        command.Parameters.AddWithValue("$import", importId);
        command.Parameters.AddWithValue("$seq", report.Sequence);
        command.Parameters.AddWithValue("$path", report.Path);
        command.Parameters.AddWithValue("$blob", (object?)report.BlobSha256 ?? DBNull.Value);
        command.Parameters.AddWithValue("$size", report.Size);
        command.Parameters.AddWithValue("$format", (object?)report.Format ?? DBNull.Value);
        command.Parameters.AddWithValue("$outcome", report.Outcome.ToString());
        command.Parameters.AddWithValue("$records", report.RecordsAdded);
        command.Parameters.AddWithValue("$duplicates", report.Duplicates);
        command.Parameters.AddWithValue("$message", (object?)report.Message ?? DBNull.Value);
        command.Parameters.AddWithValue("$position", (object?)report.Position ?? DBNull.Value);
        command.ExecuteNonQuery();
        return Task.CompletedTask;
    }

    public Task<ImportSummary?> GetImportAsync(string id, CancellationToken cancellationToken)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {ImportColumns} FROM imports WHERE id = $id AND {ImportInScope(command)}";
        command.Parameters.AddWithValue("$id", id);
        using var reader = command.ExecuteReader();
        return Task.FromResult(reader.Read() ? ReadImport(reader) : null);
    }

    public Task<IReadOnlyList<ImportSummary>> ListImportsAsync(int limit, CancellationToken cancellationToken)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {ImportColumns} FROM imports WHERE {ImportInScope(command)} ORDER BY created_ms DESC, id LIMIT $limit";
        command.Parameters.AddWithValue("$limit", limit);
        using var reader = command.ExecuteReader();
        var imports = new List<ImportSummary>();
        while (reader.Read())
        {
            imports.Add(ReadImport(reader));
        }

        return Task.FromResult<IReadOnlyList<ImportSummary>>(imports);
    }

    public Task<IReadOnlyList<ImportFileReport>> GetImportFilesAsync(string importId, CancellationToken cancellationToken)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT seq, path, blob_sha256, size, format, outcome, records_added, duplicates, message, position
            FROM import_files WHERE import_id = $id
            """;
        if (AccessScope.Current is { IsUnconstrained: false } scope)
        {
            command.CommandText += " AND " + scope.ExistsRecord(command, "sr.blob_sha256 = import_files.blob_sha256");
        }

        command.CommandText += " ORDER BY seq";
        command.Parameters.AddWithValue("$id", importId);
        using var reader = command.ExecuteReader();
        var files = new List<ImportFileReport>();
        while (reader.Read())
        {
            files.Add(new ImportFileReport(
                reader.GetInt32(0),
                reader.GetString(1),
                reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.GetInt64(3),
                reader.IsDBNull(4) ? null : reader.GetString(4),
                Enum.Parse<FileOutcome>(reader.GetString(5)),
                reader.GetInt64(6),
                reader.GetInt64(7),
                reader.IsDBNull(8) ? null : reader.GetString(8),
                reader.IsDBNull(9) ? null : reader.GetString(9)));
        }

        return Task.FromResult<IReadOnlyList<ImportFileReport>>(files);
    }

    public async Task<bool> IsFileParsedAsync(FileParseKey key, CancellationToken cancellationToken) =>
        await GetParsedRecordCountAsync(key, cancellationToken) is not null;

    public Task<long?> GetParsedRecordCountAsync(FileParseKey key, CancellationToken cancellationToken)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT records FROM parsed_files
            WHERE blob_sha256 = $blob AND format = $format AND format_version = $version AND account = $account
            """;
        command.Parameters.AddWithValue("$blob", key.BlobSha256);
        command.Parameters.AddWithValue("$format", key.Format);
        command.Parameters.AddWithValue("$version", key.FormatVersion);
        command.Parameters.AddWithValue("$account", key.Account);
        return Task.FromResult(command.ExecuteScalar() is long records ? records : (long?)null);
    }

    public IFileRecordWriter BeginFile(string importId, string path, FileParseKey key) =>
        new SqliteFileRecordWriter(Open(), importId, path, key);

    public Task<RecordPage> QueryRecordsAsync(RecordQuery query, CancellationToken cancellationToken)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();

        // With a bounding box the conditions apply to "r", the records inside the box, so that the sort and the limit
        // run over index entries and only the rows of the page are read. A box with many points reads a page from
        // each area it overlaps, in time order, from records_by_area. A box with few points sorts all its entries of
        // records_by_cell. PlaceCellSql.TimeOrderedAreas chooses between the two.
        var prefix = query.Box is null ? "" : "r.";
        var where = new StringBuilder();
        if (query.From is { } from)
        {
            where.Append(CultureInfo.InvariantCulture, $" AND {prefix}start_ms >= $from");
            command.Parameters.AddWithValue("$from", from.ToUnixTimeMilliseconds());
        }

        if (query.To is { } to)
        {
            where.Append(CultureInfo.InvariantCulture, $" AND {prefix}start_ms < $to");
            command.Parameters.AddWithValue("$to", to.ToUnixTimeMilliseconds());
        }

        AppendIn(where, command, prefix, "kind", query.Kinds);
        AppendIn(where, command, prefix, "dataset", query.Datasets);
        AccessScope.Current?.AppendRecordFilter(where, command, prefix);

        if (query.Cursor is not null)
        {
            var (cursorStart, cursorSeq) = RecordCursor.Decode(query.Cursor);
            where.Append(CultureInfo.InvariantCulture, $" AND ({prefix}start_ms, {prefix}seq) > ($cursorStart, $cursorSeq)");
            command.Parameters.AddWithValue("$cursorStart", cursorStart);
            command.Parameters.AddWithValue("$cursorSeq", cursorSeq);
        }

        command.Parameters.AddWithValue("$limit", query.Limit + 1);
        if (query.Box is { } box
            && PlaceCellSql.TimeOrderedAreas(connection, box.MinLatitude, box.MaxLatitude, box.MinLongitude, box.MaxLongitude, DenseBox, MaxBoxAreas) is { } areas)
        {
            var pages = PlaceCellSql.AreaPages(command, areas, where.ToString(), box.MinLatitude, box.MaxLatitude, box.MinLongitude, box.MaxLongitude);
            command.CommandText = $"""
                SELECT {RecordColumns} FROM records WHERE seq IN (
                    SELECT seq FROM ({pages}) ORDER BY start_ms, seq LIMIT $limit)
                ORDER BY start_ms, seq
                """;
        }
        else if (query.Box is { } sparseBox)
        {
            var (source, inBox) = PlaceCellSql.Join(command, "box", "r", sparseBox.MinLatitude, sparseBox.MaxLatitude, sparseBox.MinLongitude, sparseBox.MaxLongitude);
            command.CommandText = $"""
                SELECT {RecordColumns} FROM records WHERE seq IN (
                    SELECT r.seq FROM {source} WHERE {inBox}{where} ORDER BY r.start_ms, r.seq LIMIT $limit)
                ORDER BY start_ms, seq
                """;
        }
        else
        {
            command.CommandText = $"SELECT {RecordColumns} FROM records WHERE 1 = 1{where} ORDER BY start_ms, seq LIMIT $limit";
        }

        var items = new List<LakeRecord>();
        long lastStart = 0;
        long lastSeq = 0;
        string? next = null;
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            if (items.Count == query.Limit)
            {
                next = RecordCursor.Encode(lastStart, lastSeq);
                break;
            }

            items.Add(ReadRecord(reader));
            lastStart = reader.GetInt64(reader.GetOrdinal("start_ms"));
            lastSeq = reader.GetInt64(reader.GetOrdinal("seq"));
        }

        return Task.FromResult(new RecordPage(items, next));
    }

    public Task<LakeRecord?> GetRecordAsync(string id, CancellationToken cancellationToken)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        var sql = new StringBuilder($"SELECT {RecordColumns} FROM records WHERE id = $id");
        AccessScope.Current?.AppendRecordFilter(sql, command);
        command.CommandText = sql.ToString();
        command.Parameters.AddWithValue("$id", id);
        using var reader = command.ExecuteReader();
        return Task.FromResult(reader.Read() ? ReadRecord(reader) : null);
    }

    public Task<bool> SetRecordAttributeAsync(string id, string name, string value, CancellationToken cancellationToken)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();

        // The name is quoted inside the JSON path, so a name with a dot or a space stays one key.
        command.CommandText = "UPDATE records SET attributes = json_set(coalesce(attributes, '{}'), $path, $value) WHERE id = $id";
        command.Parameters.AddWithValue("$path", "$.\"" + name.Replace("\"", "\\\"", StringComparison.Ordinal) + "\"");
        command.Parameters.AddWithValue("$value", value);
        command.Parameters.AddWithValue("$id", id);
        return Task.FromResult(command.ExecuteNonQuery() > 0);
    }

    public Task<IReadOnlyList<DatasetSummary>> ListDatasetsAsync(CancellationToken cancellationToken)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT name, record_count, first_ms, last_ms FROM datasets WHERE record_count > 0 ORDER BY name";
        if (AccessScope.Current is { IsUnconstrained: false } scope)
        {
            // The stored counters cover whole datasets; a constrained token gets counts over what it may see.
            var sql = new StringBuilder("SELECT dataset, count(*), min(start_ms), max(coalesce(end_ms, start_ms)) FROM records WHERE 1 = 1");
            scope.AppendRecordFilter(sql, command);
            sql.Append(" GROUP BY dataset ORDER BY dataset");
            command.CommandText = sql.ToString();
        }

        using var reader = command.ExecuteReader();
        var datasets = new List<DatasetSummary>();
        while (reader.Read())
        {
            datasets.Add(new DatasetSummary(
                reader.GetString(0),
                reader.GetInt64(1),
                reader.IsDBNull(2) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2)),
                reader.IsDBNull(3) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3))));
        }

        return Task.FromResult<IReadOnlyList<DatasetSummary>>(datasets);
    }

    public Task<long> CountRecordsAsync(CancellationToken cancellationToken)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        var sql = new StringBuilder("SELECT count(*) FROM records WHERE 1 = 1");
        AccessScope.Current?.AppendRecordFilter(sql, command);
        command.CommandText = sql.ToString();
        return Task.FromResult((long)command.ExecuteScalar()!);
    }

    public Task<bool> PingAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var connection = Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT count(*) FROM schema_migrations";
            command.ExecuteScalar();
            return Task.FromResult(true);
        }
        catch (SqliteException)
        {
            return Task.FromResult(false);
        }
    }

    /// <summary>A box with at least this many points is read from records_by_area in time order.</summary>
    internal const int DenseBox = 2048;

    /// <summary>The most areas a box may overlap to be read from records_by_area, one page from each.</summary>
    internal const int MaxBoxAreas = 64;

    private const string ImportColumns = """
        id, source, account, state, created_ms, started_ms, finished_ms, source_blob, bytes_total, bytes_done,
        files_done, files_stored, files_parsed, files_unchanged, files_kept, errors, records_added, duplicates, message,
        skipped_deleted
        """;

    internal const string RecordColumns = """
        seq, id, dataset, kind, start_ms, start_offset_min, end_ms, end_offset_min, lat, lon, accuracy_m, title, body,
        attributes, blob_sha256, path, pointer, byte_offset, import_id
        """;

    /// <summary>A condition that keeps imports with at least one record the current scope may see.</summary>
    private static string ImportInScope(SqliteCommand command) =>
        AccessScope.Current is { IsUnconstrained: false } scope ? scope.ExistsRecord(command, "sr.import_id = imports.id") : "1 = 1";

    private static ImportSummary ReadImport(SqliteDataReader reader) => new()
    {
        Id = reader.GetString(0),
        Source = reader.GetString(1),
        Account = reader.GetString(2),
        State = Enum.Parse<ImportState>(reader.GetString(3)),
        CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4)),
        StartedAt = reader.IsDBNull(5) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(5)),
        FinishedAt = reader.IsDBNull(6) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(6)),
        SourceBlob = reader.IsDBNull(7) ? null : reader.GetString(7),
        BytesTotal = reader.GetInt64(8),
        BytesDone = reader.GetInt64(9),
        FilesDone = reader.GetInt32(10),
        FilesStored = reader.GetInt32(11),
        FilesParsed = reader.GetInt32(12),
        FilesUnchanged = reader.GetInt32(13),
        FilesKept = reader.GetInt32(14),
        Errors = reader.GetInt32(15),
        RecordsAdded = reader.GetInt64(16),
        Duplicates = reader.GetInt64(17),
        Message = reader.IsDBNull(18) ? null : reader.GetString(18),
        SkippedDeleted = reader.GetInt64(19),
    };

    internal static LakeRecord ReadRecord(SqliteDataReader reader)
    {
        var startOffset = reader.IsDBNull(5) ? (int?)null : reader.GetInt32(5);
        var start = ToTime(reader.GetInt64(4), startOffset);
        DateTimeOffset? end = reader.IsDBNull(6) ? null : ToTime(reader.GetInt64(6), reader.IsDBNull(7) ? startOffset : reader.GetInt32(7));

        return new LakeRecord(
            Id: reader.GetString(1),
            Dataset: reader.GetString(2),
            Kind: reader.GetString(3),
            Start: start,
            StartOffsetKnown: startOffset is not null,
            End: end,
            Latitude: reader.IsDBNull(8) ? null : reader.GetDouble(8),
            Longitude: reader.IsDBNull(9) ? null : reader.GetDouble(9),
            AccuracyMeters: reader.IsDBNull(10) ? null : reader.GetDouble(10),
            Title: reader.IsDBNull(11) ? null : reader.GetString(11),
            Text: reader.IsDBNull(12) ? null : reader.GetString(12),
            Attributes: reader.IsDBNull(13) ? null : JsonNode.Parse(reader.GetString(13))?.AsObject(),
            Provenance: new Provenance(
                reader.GetString(14),
                reader.GetString(15),
                reader.IsDBNull(16) ? null : reader.GetString(16),
                reader.IsDBNull(17) ? null : reader.GetInt64(17),
                reader.GetString(18)));
    }

    private static DateTimeOffset ToTime(long unixMilliseconds, int? offsetMinutes) =>
        DateTimeOffset.FromUnixTimeMilliseconds(unixMilliseconds).ToOffset(TimeSpan.FromMinutes(offsetMinutes ?? 0));

    private static void AppendIn(StringBuilder sql, SqliteCommand command, string prefix, string column, IReadOnlyList<string> values)
    {
        if (values.Count == 0)
        {
            return;
        }

        sql.Append(CultureInfo.InvariantCulture, $" AND {prefix}{column} IN (");
        for (var i = 0; i < values.Count; i++)
        {
            var name = $"${column}{i}";
            sql.Append(i == 0 ? name : ", " + name);
            command.Parameters.AddWithValue(name, values[i]);
        }

        sql.Append(')');
    }
}
