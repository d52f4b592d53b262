using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Datapunk.Lake.Blobs;
using Datapunk.Lake.Records;
using Datapunk.Lake.Sovereignty.Access;
using Datapunk.Lake.Sovereignty.Audit;
using Datapunk.Lake.Storage;
using Datapunk.Lake.Storage.Sqlite;

namespace Datapunk.Lake.Sovereignty.Export;

/// <summary>
/// Writes an export archive (zip): <c>originals/SHA256/PATH</c> for every original (decrypted), <c>records.ndjson</c>
/// with every record and its provenance, <c>datasets.json</c>, <c>imports.json</c>, and last <c>manifest.json</c>
/// with the SHA-256 and size of every other file.
/// </summary>
/// <remarks>
/// An unfiltered export by an unconstrained token contains every stored blob, archives and unparsed files included.
/// A filtered or constrained export holds only the files its records came from and the blobs they link (the media
/// files of Google Photos records and mail attachments): an archive also contains other datasets' files, so it is left out. Importing an export
/// restores its records and originals as they were (see <see cref="ExportRestorer"/>). The zip is written as a
/// stream, so it can go straight to an HTTP response.
/// </remarks>
public sealed class LakeExporter
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = false };

    private readonly SqliteRecordStore _store;
    private readonly IBlobStore _blobs;
    private readonly AuditLog _audit;

    public LakeExporter(SqliteRecordStore store, IBlobStore blobs, AuditLog audit)
    {
        _store = store;
        _blobs = blobs;
        _audit = audit;
    }

    public async Task<ExportSummary> ExportAsync(Stream output, ExportFilter filter, CancellationToken cancellationToken)
    {
        var scope = AccessScope.Current;
        var everything = filter.IsEmpty && (scope is null || scope.IsUnconstrained);
        var manifest = new JsonArray();
        long records = 0;
        var blobs = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var importIds = new SortedSet<string>(StringComparer.Ordinal);
        var datasetNames = new SortedSet<string>(StringComparer.Ordinal);
        int datasetCount;
        int importCount;
        var linked = new SortedSet<string>(StringComparer.Ordinal);

        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            // Records first, so the set of originals and imports is known; then the originals.
            await WriteEntryAsync(zip, ExportArchive.RecordsEntry, manifest, async stream =>
            {
                var query = new RecordQuery { Datasets = filter.Datasets, Kinds = filter.Kinds, From = filter.From, To = filter.To, Limit = 1000 };
                string? cursor = null;
                do
                {
                    var page = await _store.QueryRecordsAsync(query with { Cursor = cursor }, cancellationToken);
                    linked.UnionWith(LinkedBlobs(page.Items.Select(r => r.Id)));
                    foreach (var record in page.Items)
                    {
                        var line = JsonSerializer.SerializeToUtf8Bytes(ToJson(record), Json);
                        await stream.WriteAsync(line, cancellationToken);
                        stream.WriteByte((byte)'\n');
                        records++;
                        blobs.TryAdd(record.Provenance.BlobSha256, record.Provenance.Path);
                        importIds.Add(record.Provenance.ImportId);
                        datasetNames.Add(record.Dataset);
                    }

                    cursor = page.NextCursor;
                }
                while (cursor is not null);
            }, cancellationToken);

            if (everything)
            {
                foreach (var (sha256, path) in AllBlobPaths())
                {
                    blobs.TryAdd(sha256, path);
                }
            }

            // A photo's media file and a mail's attachments are not the record's provenance, but the record links them.
            foreach (var sha256 in linked.Where(m => !blobs.ContainsKey(m)))
            {
                blobs.Add(sha256, BlobPath(sha256));
            }

            foreach (var (sha256, path) in blobs)
            {
                await using var content = await _blobs.OpenReadAsync(sha256, cancellationToken);
                if (content is null)
                {
                    // A missing original is reported by 'lake verify'; the export still carries the rest.
                    continue;
                }

                await WriteEntryAsync(zip, $"{ExportArchive.OriginalsFolder}{sha256}/{SafePath(path, sha256)}", manifest, stream => content.CopyToAsync(stream, cancellationToken), cancellationToken);
            }

            var datasets = (await _store.ListDatasetsAsync(cancellationToken))
                .Where(d => everything || datasetNames.Contains(d.Name))
                .ToList();
            await WriteEntryAsync(zip, ExportArchive.DatasetsEntry, manifest, stream => JsonSerializer.SerializeAsync(stream, datasets, Json, cancellationToken), cancellationToken);
            datasetCount = datasets.Count;

            var imports = new List<object>();
            foreach (var import in await _store.ListImportsAsync(int.MaxValue, cancellationToken))
            {
                if (everything || importIds.Contains(import.Id))
                {
                    imports.Add(new { import, files = await _store.GetImportFilesAsync(import.Id, cancellationToken) });
                }
            }

            await WriteEntryAsync(zip, ExportArchive.ImportsEntry, manifest, stream => JsonSerializer.SerializeAsync(stream, imports, Json, cancellationToken), cancellationToken);
            importCount = imports.Count;

            var manifestDocument = new JsonObject
            {
                ["format"] = ExportArchive.ManifestFormat,
                ["version"] = ExportArchive.ManifestVersion,
                ["createdAt"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
                ["filter"] = JsonSerializer.SerializeToNode(filter, Json),
                ["records"] = records,
                ["files"] = manifest,
            };
            var entry = zip.CreateEntry(ExportArchive.ManifestEntry, CompressionLevel.Optimal);
            await using var manifestStream = entry.Open();
            await manifestStream.WriteAsync(Encoding.UTF8.GetBytes(manifestDocument.ToJsonString(new JsonSerializerOptions { WriteIndented = true })), cancellationToken);
        }

        // The counts are of what datasets.json and imports.json list. An export of everything lists every import,
        // also one with no record left after a deletion, which the record loop above never reaches.
        var summary = new ExportSummary(records, blobs.Count, datasetCount, importCount);
        _audit.Append(scope?.TokenId, "export", DescribeFilter(filter),
            string.Create(CultureInfo.InvariantCulture, $"ok: {summary.Records} records, {summary.Originals} originals"));
        return summary;
    }

    private static string DescribeFilter(ExportFilter filter)
    {
        if (filter.IsEmpty)
        {
            return "all";
        }

        var parts = new List<string>();
        if (filter.Datasets.Count > 0)
        {
            parts.Add("datasets=" + string.Join(',', filter.Datasets));
        }

        if (filter.Kinds.Count > 0)
        {
            parts.Add("kinds=" + string.Join(',', filter.Kinds));
        }

        if (filter.From is { } from)
        {
            parts.Add("from=" + from.ToString("O", CultureInfo.InvariantCulture));
        }

        if (filter.To is { } to)
        {
            parts.Add("to=" + to.ToString("O", CultureInfo.InvariantCulture));
        }

        return string.Join(' ', parts);
    }

    /// <summary>Every stored blob with a path it had in an import (the first one), for an unfiltered export.</summary>
    private IEnumerable<(string Sha256, string Path)> AllBlobPaths()
    {
        using var connection = _store.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT b.sha256,
                coalesce((SELECT f.path FROM import_files f WHERE f.blob_sha256 = b.sha256 ORDER BY f.import_id, f.seq LIMIT 1),
                         (SELECT i.source FROM imports i WHERE i.source_blob = b.sha256 LIMIT 1),
                         b.sha256)
            FROM blobs b ORDER BY b.sha256
            """;
        using var reader = command.ExecuteReader();
        var result = new List<(string, string)>();
        while (reader.Read())
        {
            result.Add((reader.GetString(0), reader.GetString(1)));
        }

        return result;
    }

    /// <summary>The blobs that records link (<c>record_blob_links</c>): media files of photos and mail attachments.</summary>
    private List<string> LinkedBlobs(IEnumerable<string> recordIds)
    {
        using var connection = _store.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT DISTINCT l.blob_sha256 FROM records r JOIN record_blob_links l ON l.seq = r.seq
            WHERE r.id IN (SELECT value FROM json_each($ids))
            """;
        command.Parameters.AddWithValue("$ids", JsonSerializer.Serialize(recordIds));
        using var reader = command.ExecuteReader();
        var result = new List<string>();
        while (reader.Read())
        {
            var sha256 = reader.GetString(0);
            if (ExportedRecordParser.IsSha256(sha256))
            {
                result.Add(sha256);
            }
        }

        return result;
    }

    /// <summary>The path a blob had in its first import, or its hash when no import lists it.</summary>
    private string BlobPath(string sha256)
    {
        using var connection = _store.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT path FROM import_files WHERE blob_sha256 = $sha ORDER BY import_id, seq LIMIT 1";
        command.Parameters.AddWithValue("$sha", sha256);
        return command.ExecuteScalar() as string ?? sha256;
    }

    /// <summary>Keeps a stored path usable as a zip entry name: relative, with no '..' and no empty parts.</summary>
    private static string SafePath(string path, string sha256)
    {
        var parts = path.Replace('\\', '/').Split('/', StringSplitOptions.RemoveEmptyEntries)
            .Where(p => p is not ("." or ".."))
            .Select(p => p.Replace(':', '_'))
            .ToList();
        return parts.Count == 0 ? sha256 : string.Join('/', parts);
    }

    private static async Task WriteEntryAsync(ZipArchive zip, string name, JsonArray manifest, Func<Stream, Task> write, CancellationToken cancellationToken)
    {
        var entry = zip.CreateEntry(name, CompressionLevel.Optimal);
        await using var stream = entry.Open();
        await using var hashing = new HashingWriteStream(stream);
        await write(hashing);

        // No flush here: flushing an entry stream that got no bytes makes its deflater write an empty block before
        // the entry's local header, so an export with no records would no longer start with a zip signature.
        manifest.Add(new JsonObject { ["path"] = name, ["sha256"] = hashing.Sha256(), ["size"] = hashing.Length });
    }

    private static JsonObject ToJson(LakeRecord record) => new()
    {
        ["id"] = record.Id,
        ["dataset"] = record.Dataset,
        ["kind"] = record.Kind,
        ["start"] = record.Start.ToString("O", CultureInfo.InvariantCulture),
        ["startOffsetKnown"] = record.StartOffsetKnown,
        ["end"] = record.End?.ToString("O", CultureInfo.InvariantCulture),
        ["latitude"] = record.Latitude,
        ["longitude"] = record.Longitude,
        ["accuracyMeters"] = record.AccuracyMeters,
        ["title"] = record.Title,
        ["text"] = record.Text,
        ["attributes"] = record.Attributes?.DeepClone(),
        ["provenance"] = new JsonObject
        {
            ["blob"] = record.Provenance.BlobSha256,
            ["path"] = record.Provenance.Path,
            ["pointer"] = record.Provenance.Pointer,
            ["byteOffset"] = record.Provenance.ByteOffset,
            ["importId"] = record.Provenance.ImportId,
        },
    };

    /// <summary>Passes writes through while computing their SHA-256 and length.</summary>
    private sealed class HashingWriteStream(Stream inner) : Stream
    {
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => Written;

        public long Written { get; private set; }

        public override long Position
        {
            get => Written;
            set => throw new NotSupportedException();
        }

        public string Sha256() => Convert.ToHexStringLower(_hash.GetCurrentHash());

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            _hash.AppendData(buffer);
            inner.Write(buffer);
            Written += buffer.Length;
        }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            _hash.AppendData(buffer.Span);
            await inner.WriteAsync(buffer, cancellationToken);
            Written += buffer.Length;
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush() => inner.Flush();

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _hash.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
