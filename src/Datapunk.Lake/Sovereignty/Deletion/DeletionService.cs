using System.Globalization;
using System.Text;
using Datapunk.Lake.Blobs;
using Datapunk.Lake.Sovereignty.Access;
using Datapunk.Lake.Sovereignty.Audit;
using Datapunk.Lake.Sovereignty.Encryption;
using Datapunk.Lake.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Datapunk.Lake.Sovereignty.Deletion;

/// <summary>
/// Deletes records and everything derived from them: place, text and vector index entries (by the triggers of
/// those indexes), dataset counters, the originals no remaining record comes from, and their keys. A dataset left
/// without records loses its data key (see <see cref="DatasetKeys"/>). Then it scrubs the database files (see
/// <see cref="DatabaseScrubber"/>) so the deleted content is gone from disk, not just unlinked.
/// </summary>
/// <remarks>
/// Blobs are shared: one archive contains files of many datasets, and one file may be in many imports. A blob is
/// deleted when no remaining record comes from it. For a whole dataset or an import, the archives that its records
/// came from are deleted too, because they contain the deleted data, even though they also contain other datasets'
/// files (those files stay as blobs of their own, so the other datasets keep their provenance).
/// </remarks>
public sealed class DeletionService
{
    private readonly SqliteRecordStore _store;
    private readonly IBlobStore _blobs;
    private readonly AuditLog _audit;
    private readonly TimeProvider _time;

    private readonly DatasetKeys _keys;

    public DeletionService(SqliteRecordStore store, IBlobStore blobs, AuditLog audit, DatasetKeys keys, TimeProvider? time = null)
    {
        _keys = keys;
        _store = store;
        _blobs = blobs;
        _audit = audit;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Counts what <see cref="DeleteAsync"/> would remove, and changes nothing.</summary>
    public Task<DeletionResult> PreviewAsync(DeletionRequest request, AccessScope? scope, CancellationToken cancellationToken) =>
        RunAsync(request, scope, dryRun: true, cancellationToken);

    /// <exception cref="ArgumentException">The request has no filter.</exception>
    public Task<DeletionResult> DeleteAsync(DeletionRequest request, AccessScope? scope, CancellationToken cancellationToken) =>
        RunAsync(request, scope, dryRun: false, cancellationToken);

    private async Task<DeletionResult> RunAsync(DeletionRequest request, AccessScope? scope, bool dryRun, CancellationToken cancellationToken)
    {
        if (request.IsEmpty)
        {
            throw new ArgumentException("A deletion needs at least one filter: a dataset, an import, a time range or record ids.", nameof(request));
        }

        DeletionResult result;
        List<string> doomedBlobs;
        using (var connection = _store.Open())
        {
            SelectRecords(connection, request, scope ?? AccessScope.Current);
            doomedBlobs = SelectBlobs(connection, request, scope ?? AccessScope.Current);
            var datasets = Strings(connection, "SELECT DISTINCT dataset FROM temp.doomed ORDER BY dataset");
            var count = Scalar(connection, "SELECT count(*) FROM temp.doomed");
            result = new DeletionResult(dryRun, count, doomedBlobs.Count, datasets, dryRun || request.AllowReimport ? 0 : count);

            if (!dryRun)
            {
                Delete(connection, request, datasets);
                _store.OnRecordsDeleted();
            }

            using var drop = connection.CreateCommand();
            drop.CommandText = "DROP TABLE temp.doomed; DROP TABLE temp.doomed_blobs";
            drop.ExecuteNonQuery();
        }

        if (dryRun)
        {
            return result;
        }

        foreach (var sha256 in doomedBlobs)
        {
            await _blobs.DeleteAsync(sha256, cancellationToken);
        }

        // After the blobs: a blob that another dataset still claims must get that dataset's wrap before this
        // dataset's data key goes, and a blob removed above needs none.
        var destroyedKeys = await _keys.DestroyKeysOfEmptyDatasetsAsync(result.Datasets, cancellationToken);

        using (var connection = _store.Open())
        {
            DatabaseScrubber.Scrub(connection);
        }

        _keys.ScrubKeyDatabase();

        _audit.Append((scope ?? AccessScope.Current)?.TokenId, "delete", request.Describe(),
            string.Create(CultureInfo.InvariantCulture, $"ok: {result.Records} records, {result.Blobs} blobs, data keys destroyed: {destroyedKeys}"));
        return result;
    }

    private static void SelectRecords(SqliteConnection connection, DeletionRequest request, AccessScope? scope)
    {
        using var command = connection.CreateCommand();

        // A pooled connection keeps its temporary tables; an earlier run that failed may have left these behind.
        command.CommandText = "DROP TABLE IF EXISTS temp.doomed; DROP TABLE IF EXISTS temp.doomed_blobs";
        command.ExecuteNonQuery();

        var sql = new StringBuilder("""
            CREATE TEMP TABLE doomed AS
            SELECT seq, id, dataset, blob_sha256, import_id
            FROM records WHERE 1 = 1
            """);
        if (request.Dataset is not null)
        {
            sql.Append(" AND dataset = $dataset");
            command.Parameters.AddWithValue("$dataset", request.Dataset);
        }

        if (request.Kind is not null)
        {
            sql.Append(" AND kind = $kind");
            command.Parameters.AddWithValue("$kind", request.Kind);
        }

        if (request.ImportId is not null)
        {
            sql.Append(" AND import_id = $import");
            command.Parameters.AddWithValue("$import", request.ImportId);
        }

        if (request.From is { } from)
        {
            sql.Append(" AND start_ms >= $from");
            command.Parameters.AddWithValue("$from", from.ToUnixTimeMilliseconds());
        }

        if (request.To is { } to)
        {
            sql.Append(" AND start_ms < $to");
            command.Parameters.AddWithValue("$to", to.ToUnixTimeMilliseconds());
        }

        if (request.RecordIds is { Count: > 0 } ids)
        {
            sql.Append(" AND id IN (SELECT value FROM json_each($ids))");
            command.Parameters.AddWithValue("$ids", System.Text.Json.JsonSerializer.Serialize(ids));
        }

        scope?.AppendRecordFilter(sql, command);
        command.CommandText = sql.ToString();
        command.ExecuteNonQuery();
    }

    private static List<string> SelectBlobs(SqliteConnection connection, DeletionRequest request, AccessScope? scope)
    {
        using var command = connection.CreateCommand();

        // Candidates: the files the records came from and, for a dataset or an import, the archives they were in.
        // A constrained token never removes an archive: it also contains data outside the token's constraints.
        var wholeUnits = scope is null || scope.IsUnconstrained;
        var wholeImport = wholeUnits && request.ImportId is not null && request.Dataset is null && request.From is null && request.To is null && request.Kind is null
            && (request.RecordIds is null || request.RecordIds.Count == 0);
        var archives = wholeUnits && request.IsWholeDataset || wholeImport
            ? "UNION SELECT source_blob FROM imports WHERE id IN (SELECT import_id FROM temp.doomed) AND source_blob IS NOT NULL"
            : "";

        // A whole import also takes every blob it stored that no record of it names: files that gave no record
        // (kept, unparsed, or failed) and its source archive, unless another import lists them. A file report may name
        // a blob that is already gone (the import removed an original whose records were all tombstoned), so only
        // registered blobs count.
        var importFiles = wholeImport
            ? """
                UNION SELECT sha256 FROM (
                    SELECT blob_sha256 AS sha256 FROM import_files WHERE import_id = $import AND blob_sha256 IS NOT NULL
                    UNION SELECT source_blob FROM imports WHERE id = $import AND source_blob IS NOT NULL) AS listed
                WHERE EXISTS (SELECT 1 FROM blobs b WHERE b.sha256 = listed.sha256)
                    AND NOT EXISTS (SELECT 1 FROM import_files f WHERE f.blob_sha256 = listed.sha256 AND f.import_id <> $import)
                    AND NOT EXISTS (SELECT 1 FROM imports i WHERE i.source_blob = listed.sha256 AND i.id <> $import)
                """
            : "";
        if (wholeImport)
        {
            command.Parameters.AddWithValue("$import", request.ImportId);
        }

        // Links count as references: a Google Photos record links its media file and a mail record its attachments
        // (record_blob_links), so such a blob goes with the last record that links it or comes from it.
        command.CommandText = $"""
            CREATE TEMP TABLE doomed_blobs AS
            SELECT sha256 FROM (
                SELECT blob_sha256 AS sha256 FROM temp.doomed
                UNION SELECT blob_sha256 FROM record_blob_links WHERE seq IN (SELECT seq FROM temp.doomed)
                {archives}
                {importFiles}) AS candidates
            WHERE NOT EXISTS (SELECT 1 FROM records r WHERE r.blob_sha256 = candidates.sha256 AND r.seq NOT IN (SELECT seq FROM temp.doomed))
                AND NOT EXISTS (SELECT 1 FROM record_blob_links l WHERE l.blob_sha256 = candidates.sha256 AND l.seq NOT IN (SELECT seq FROM temp.doomed))
            """;
        command.ExecuteNonQuery();
        return Strings(connection, "SELECT DISTINCT sha256 FROM temp.doomed_blobs ORDER BY sha256");
    }

    private void Delete(SqliteConnection connection, DeletionRequest request, IReadOnlyList<string> datasets)
    {
        using var transaction = connection.BeginTransaction(deferred: false);
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.Parameters.AddWithValue("$now", _time.GetUtcNow().ToUnixTimeMilliseconds());

        var statements = new List<string>();
        if (!request.AllowReimport)
        {
            statements.Add("INSERT OR IGNORE INTO tombstones (record_id, deleted_ms) SELECT id, $now FROM temp.doomed");
        }

        statements.AddRange(
        [
            "DELETE FROM records WHERE seq IN (SELECT seq FROM temp.doomed)",
            """
            DELETE FROM blob_datasets WHERE blob_sha256 IN (SELECT blob_sha256 FROM temp.doomed)
                AND NOT EXISTS (SELECT 1 FROM records r WHERE r.blob_sha256 = blob_datasets.blob_sha256 AND r.dataset = blob_datasets.dataset)
            """,
            "DELETE FROM blobs WHERE sha256 IN (SELECT sha256 FROM temp.doomed_blobs)",
            "DELETE FROM parsed_files WHERE blob_sha256 IN (SELECT sha256 FROM temp.doomed_blobs)",
            "DELETE FROM import_files WHERE blob_sha256 IN (SELECT sha256 FROM temp.doomed_blobs)",
            "UPDATE imports SET source_blob = NULL WHERE source_blob IN (SELECT sha256 FROM temp.doomed_blobs)",
        ]);
        foreach (var statement in statements)
        {
            command.CommandText = statement;
            command.ExecuteNonQuery();
        }

        // A file that lost only some of its records stays parsed; one that lost all of them is parsed again by a
        // later import (which the tombstones then keep empty unless the owner allowed a re-import).
        command.CommandText = """
            DELETE FROM parsed_files WHERE blob_sha256 IN (SELECT blob_sha256 FROM temp.doomed)
                AND NOT EXISTS (SELECT 1 FROM records r WHERE r.blob_sha256 = parsed_files.blob_sha256)
            """;
        command.ExecuteNonQuery();

        // A lake export is marked parsed under the export's own blob, not under the originals its records name, so
        // the mark goes when no record of the import that restored it remains.
        command.CommandText = """
            DELETE FROM parsed_files WHERE format = $exportFormat AND import_id IN (SELECT import_id FROM temp.doomed)
                AND NOT EXISTS (SELECT 1 FROM records r WHERE r.import_id = parsed_files.import_id)
            """;
        command.Parameters.AddWithValue("$exportFormat", Export.ExportArchive.ImportFormat);
        command.ExecuteNonQuery();

        RecountDatasets(command, datasets);
        transaction.Commit();
    }

    private static void RecountDatasets(SqliteCommand command, IReadOnlyList<string> datasets)
    {
        command.CommandText = """
            UPDATE datasets SET
                record_count = (SELECT count(*) FROM records r WHERE r.dataset = datasets.name),
                first_ms = (SELECT min(start_ms) FROM records r WHERE r.dataset = datasets.name),
                last_ms = (SELECT max(coalesce(end_ms, start_ms)) FROM records r WHERE r.dataset = datasets.name)
            WHERE name = $name
            """;
        var name = command.Parameters.AddWithValue("$name", "");
        foreach (var dataset in datasets)
        {
            name.Value = dataset;
            command.ExecuteNonQuery();
        }

        command.CommandText = "DELETE FROM datasets WHERE record_count = 0";
        command.ExecuteNonQuery();
    }

    private static List<string> Strings(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var values = new List<string>();
        while (reader.Read())
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }

    private static long Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)command.ExecuteScalar()!;
    }
}
