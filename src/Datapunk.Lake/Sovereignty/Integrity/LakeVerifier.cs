using System.Security.Cryptography;
using Datapunk.Lake.Sovereignty.Audit;
using Datapunk.Lake.Sovereignty.Encryption;
using Datapunk.Lake.Storage.Sqlite;

namespace Datapunk.Lake.Sovereignty.Integrity;

/// <summary>
/// Checks the whole lake. Every stored blob's key unwraps, and the blob decrypts and hashes to its name. Every
/// registered blob, every blob a record's provenance names and every blob a record links (a photo's media file, a
/// mail attachment) is stored. The audit chain is intact.
/// </summary>
/// <remarks>
/// A repair fixes only what loses nothing: it registers blob files that have a key but no row, removes stale
/// temporary files, recounts the dataset counters, and removes the parsed mark of a file whose attachment or
/// media blob is damaged or missing, so that importing the file again stores the blob anew. It never deletes a
/// blob file, a blob key or a record, and never touches the audit log. The key of a blob whose file is missing is kept (a key is small), so a file
/// restored from a backup reads again.
/// </remarks>
public sealed class LakeVerifier
{
    private readonly SqliteRecordStore _store;
    private readonly EncryptedBlobStore _blobs;
    private readonly BlobKeyStore _keys;
    private readonly AuditLog _audit;

    public LakeVerifier(SqliteRecordStore store, EncryptedBlobStore blobs, BlobKeyStore keys, AuditLog audit)
    {
        _store = store;
        _blobs = blobs;
        _keys = keys;
        _audit = audit;
    }

    public async Task<IntegrityReport> VerifyAsync(bool repair, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        var repairs = new List<string>();
        var registered = Strings("SELECT sha256 FROM blobs");
        var keyed = new HashSet<string>(_keys.List(), StringComparer.Ordinal);
        var files = new HashSet<string>(_blobs.EnumerateFiles(), StringComparer.Ordinal);
        long checkedBlobs = 0;

        foreach (var sha256 in files.Order(StringComparer.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!keyed.Contains(sha256))
            {
                problems.Add($"Blob file {sha256} has no key, so it cannot be read.");
                continue;
            }

            checkedBlobs++;
            if (_blobs.DescribeKeyProblem(sha256) is { } keyProblem)
            {
                problems.Add($"{keyProblem} The blob cannot be read.");
                continue;
            }

            var actual = await HashAsync(sha256, cancellationToken);
            if (actual is null && IsImportedFile(sha256))
            {
                problems.Add($"Blob {sha256} does not decrypt: its file was changed or damaged. Import the original file again, which replaces the file, or restore it from a backup.");
            }
            else if (actual is null)
            {
                problems.Add($"Blob {sha256} does not decrypt: its file was changed or damaged. {ReparseLinkingFiles(sha256, files, keyed, repair, repairs)}");
            }
            else if (!string.Equals(actual, sha256, StringComparison.Ordinal))
            {
                problems.Add($"Blob {sha256} decrypts to content with hash {actual}.");
            }
            else if (!registered.Contains(sha256))
            {
                if (repair)
                {
                    Execute("INSERT OR IGNORE INTO blobs (sha256, size, first_seen_ms) VALUES ($sha, $size, $now)", sha256, (await _blobs.OpenReadAsync(sha256, cancellationToken))!);
                    repairs.Add($"Registered blob {sha256}, which was stored but not listed.");
                }
                else
                {
                    problems.Add($"Blob {sha256} is stored but not registered (repairable).");
                }
            }
        }

        foreach (var sha256 in registered.Where(s => !files.Contains(s)).Order(StringComparer.Ordinal))
        {
            var key = keyed.Contains(sha256) ? "Its key is kept, so a restored file reads again" : "It has no key either, so only importing the original again restores it";
            problems.Add($"Blob {sha256} is registered but its file is missing. {key}. {MissingFileAdvice(sha256)}");
        }

        foreach (var sha256 in keyed.Where(s => !files.Contains(s) && !registered.Contains(s)).Order(StringComparer.Ordinal))
        {
            problems.Add($"Blob {sha256} has a key but no file. Its key is kept, so a restored file reads again. {MissingFileAdvice(sha256)}");
        }

        var orphans = Strings("SELECT DISTINCT blob_sha256 FROM records");
        var recordsChecked = Count("SELECT count(*) FROM records");
        foreach (var sha256 in orphans.Where(s => !files.Contains(s) || !keyed.Contains(s)).Order(StringComparer.Ordinal))
        {
            var (count, firstId) = RecordsFrom(sha256);
            problems.Add($"Record {firstId} ({count} records in all) names blob {sha256} as its provenance, but the blob is not stored.");
        }

        var linked = Strings("SELECT DISTINCT blob_sha256 FROM record_blob_links");
        foreach (var sha256 in linked.Where(s => !files.Contains(s) || !keyed.Contains(s)).Order(StringComparer.Ordinal))
        {
            var (count, firstId) = RecordsLinking(sha256);
            problems.Add($"Record {firstId} ({count} records in all) links blob {sha256} (an attachment or media file), but the blob is not stored. {ReparseLinkingFiles(sha256, files, keyed, repair, repairs)}");
        }

        if (repair)
        {
            var removed = _blobs.CleanTemporaryFiles(TimeSpan.FromHours(1));
            if (removed > 0)
            {
                repairs.Add($"Removed {removed} temporary files left by interrupted writes.");
            }

            Execute("""
                UPDATE datasets SET
                    record_count = (SELECT count(*) FROM records r WHERE r.dataset = datasets.name),
                    first_ms = (SELECT min(start_ms) FROM records r WHERE r.dataset = datasets.name),
                    last_ms = (SELECT max(coalesce(end_ms, start_ms)) FROM records r WHERE r.dataset = datasets.name)
                """, null, null);
        }

        return new IntegrityReport(checkedBlobs, problems, repairs, recordsChecked, _audit.Verify());
    }

    /// <summary>
    /// Returns the advice for a blob taken out of another file, such as a mail attachment. An import does not parse
    /// a file again once it is parsed, so the repair removes the parsed mark of each intact file whose records link
    /// the blob. Importing that file again then parses it, adds no record twice and stores the blob anew.
    /// </summary>
    private string ReparseLinkingFiles(string sha256, HashSet<string> files, HashSet<string> keyed, bool repair, List<string> repairs)
    {
        var sources = FilesLinking(sha256).Where(f => files.Contains(f.Sha256) && keyed.Contains(f.Sha256)).ToList();
        if (sources.Count == 0)
        {
            return "It was taken out of another file (such as a mail attachment) that is not stored either, so restore it from a backup.";
        }

        var paths = string.Join(", ", sources.Select(f => f.Path).Distinct(StringComparer.Ordinal));
        if (!repair)
        {
            return $"It was taken out of {paths}: run lake verify --repair, then import that file again to store the blob anew, or restore it from a backup.";
        }

        foreach (var (source, _) in sources)
        {
            Execute("DELETE FROM parsed_files WHERE blob_sha256 = $sha", source, null);
        }

        repairs.Add($"Marked {paths} to be parsed again: import it again to store blob {sha256} anew.");
        return $"It was taken out of {paths}, which the next import of that file parses again.";
    }

    private List<(string Sha256, string Path)> FilesLinking(string sha256)
    {
        using var connection = _store.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT DISTINCT r.blob_sha256, r.path FROM record_blob_links l JOIN records r ON r.seq = l.seq
            WHERE l.blob_sha256 = $sha ORDER BY r.path
            """;
        command.Parameters.AddWithValue("$sha", sha256);
        using var reader = command.ExecuteReader();
        var sources = new List<(string, string)>();
        while (reader.Read())
        {
            sources.Add((reader.GetString(0), reader.GetString(1)));
        }

        return sources;
    }

    private string MissingFileAdvice(string sha256) =>
        $"Restore {Path.GetRelativePath(_blobs.Root, _blobs.PathFor(sha256))} under the blob folder from a backup, or import the original file again (its bytes have this hash, so the blob is stored anew).";

    private async Task<string?> HashAsync(string sha256, CancellationToken cancellationToken)
    {
        try
        {
            await using var content = await _blobs.OpenReadAsync(sha256, cancellationToken);
            if (content is null)
            {
                return null;
            }

            return Convert.ToHexStringLower(await SHA256.HashDataAsync(content, cancellationToken));
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    /// <summary>
    /// Whether an import stored the blob as a file of its own, so that importing that file again replaces it. A blob an
    /// importer took out of a file (a mail attachment) is not: the file it came from is already imported and is not parsed again.
    /// </summary>
    private bool IsImportedFile(string sha256)
    {
        using var connection = _store.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT EXISTS (SELECT 1 FROM import_files WHERE blob_sha256 = $sha)
                OR EXISTS (SELECT 1 FROM records WHERE blob_sha256 = $sha)
                OR EXISTS (SELECT 1 FROM imports WHERE source_blob = $sha)
            """;
        command.Parameters.AddWithValue("$sha", sha256);
        return (long)command.ExecuteScalar()! != 0;
    }

    private (long Count, string FirstId) RecordsFrom(string sha256) =>
        CountAndFirstId("SELECT count(*), min(id) FROM records WHERE blob_sha256 = $sha", sha256);

    private (long Count, string FirstId) RecordsLinking(string sha256) =>
        CountAndFirstId("SELECT count(*), min(r.id) FROM record_blob_links l JOIN records r ON r.seq = l.seq WHERE l.blob_sha256 = $sha", sha256);

    private (long Count, string FirstId) CountAndFirstId(string sql, string sha256)
    {
        using var connection = _store.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$sha", sha256);
        using var reader = command.ExecuteReader();
        reader.Read();
        return (reader.GetInt64(0), reader.GetString(1));
    }

    private HashSet<string> Strings(string sql)
    {
        using var connection = _store.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var values = new HashSet<string>(StringComparer.Ordinal);
        while (reader.Read())
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }

    private long Count(string sql)
    {
        using var connection = _store.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)command.ExecuteScalar()!;
    }

    private void Execute(string sql, string? sha256, Stream? content)
    {
        using (content)
        {
            using var connection = _store.Open();
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            if (sha256 is not null)
            {
                command.Parameters.AddWithValue("$sha", sha256);
                command.Parameters.AddWithValue("$size", content?.Length ?? 0);
                command.Parameters.AddWithValue("$now", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            }

            command.ExecuteNonQuery();
        }
    }
}
