using Datapunk.Lake.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Datapunk.Lake.Sovereignty.Encryption;

/// <summary>
/// Reads from the lake database which datasets each blob belongs to: the datasets of the records that come from it,
/// of the records that link it (a Google Photos media file, a mail attachment: see <c>record_blob_links</c>), and,
/// for an archive or a restored lake export, the same for every file that an import found inside it.
/// </summary>
/// <remarks>
/// Only committed records count, so a file whose parse failed or is still running attributes nothing.
/// </remarks>
internal sealed class BlobAttribution(SqliteRecordStore store)
{
    public SqliteConnection Open() => store.Open();

    /// <summary>The datasets of one blob, in name order. <paramref name="cache"/> keeps the result of each file across calls.</summary>
    public IReadOnlySet<string> DatasetsOf(SqliteConnection connection, string sha256, Dictionary<string, SortedSet<string>> cache)
    {
        var datasets = new SortedSet<string>(FileDatasets(connection, sha256, cache), StringComparer.Ordinal);
        foreach (var file in ArchiveEntries(connection, sha256))
        {
            datasets.UnionWith(FileDatasets(connection, file, cache));
        }

        // A lake export also contains the text of records whose originals it left out (records.ndjson).
        datasets.UnionWith(Strings(connection, """
            SELECT DISTINCT r.dataset FROM import_files a JOIN records r ON r.import_id = a.import_id
            WHERE a.blob_sha256 = $sha AND a.format = $export
            """, ("$sha", sha256), ("$export", Export.ExportArchive.ImportFormat)));

        return datasets;
    }

    /// <summary>
    /// Every stored blob that an import listed (its archives, the files inside them and its single files) and every
    /// blob that its records link, such as the mail attachments that an importer took out of a file.
    /// </summary>
    public List<string> BlobsOfImport(SqliteConnection connection, string importId) => Strings(connection, """
        SELECT blob_sha256 FROM import_files WHERE import_id = $id AND blob_sha256 IS NOT NULL
        UNION SELECT l.blob_sha256 FROM records r JOIN record_blob_links l ON l.seq = r.seq WHERE r.import_id = $id
        ORDER BY 1
        """, ("$id", importId));

    /// <summary>The ids of imports that no process works on any more (succeeded, failed or cancelled).</summary>
    public List<string> FinishedImports(SqliteConnection connection) =>
        Strings(connection, "SELECT id FROM imports WHERE state NOT IN ('Queued', 'Running') ORDER BY created_ms, id");

    public bool HasRecords(SqliteConnection connection, string dataset) =>
        Strings(connection, "SELECT 1 FROM records WHERE dataset = $dataset LIMIT 1", ("$dataset", dataset)).Count > 0;

    /// <summary>True when a record links the blob (a photo's media file, a mail attachment).</summary>
    public bool IsLinked(SqliteConnection connection, string sha256) =>
        Strings(connection, "SELECT 1 FROM record_blob_links WHERE blob_sha256 = $sha LIMIT 1", ("$sha", sha256)).Count > 0;

    public bool IsRegistered(SqliteConnection connection, string sha256) =>
        Strings(connection, "SELECT 1 FROM blobs WHERE sha256 = $sha", ("$sha", sha256)).Count > 0;

    private static SortedSet<string> FileDatasets(SqliteConnection connection, string sha256, Dictionary<string, SortedSet<string>> cache)
    {
        if (cache.TryGetValue(sha256, out var cached))
        {
            return cached;
        }

        // blob_datasets instead of the records themselves, because a large file has millions of them.
        var datasets = new SortedSet<string>(StringComparer.Ordinal);
        datasets.UnionWith(Strings(connection, """
            SELECT dataset FROM blob_datasets WHERE blob_sha256 = $sha
            UNION SELECT r.dataset FROM record_blob_links l JOIN records r ON r.seq = l.seq WHERE l.blob_sha256 = $sha
            """, ("$sha", sha256)));
        cache[sha256] = datasets;
        return datasets;
    }

    /// <summary>
    /// Returns the files that the imports of an archive or of a lake export (which contains its originals) found inside
    /// it. The list is empty when the blob is neither.
    /// </summary>
    /// <remarks>
    /// NOTE: the import's file list does not say which archive an entry came from, so an import of several archives
    /// attributes each of them to the datasets of every file of that import.
    /// </remarks>
    private static List<string> ArchiveEntries(SqliteConnection connection, string sha256) => Strings(connection, """
        SELECT DISTINCT f.blob_sha256 FROM import_files a JOIN import_files f ON f.import_id = a.import_id
        WHERE a.blob_sha256 = $sha AND (a.format LIKE 'archive.%' OR a.format = $export)
            AND f.blob_sha256 IS NOT NULL AND f.blob_sha256 <> $sha
        """, ("$sha", sha256), ("$export", Export.ExportArchive.ImportFormat));

    private static List<string> Strings(SqliteConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        using var reader = command.ExecuteReader();
        var values = new List<string>();
        while (reader.Read())
        {
            values.Add(Convert.ToString(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture)!);
        }

        return values;
    }
}
