using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Datapunk.Lake.Blobs;
using Datapunk.Lake.Ingestion;
using Datapunk.Lake.Ingestion.Archives;
using Datapunk.Lake.Storage;

namespace Datapunk.Lake.Sovereignty.Export;

/// <summary>
/// Imports a lake export (written by <see cref="LakeExporter"/>) as what it is: the records of
/// <c>records.ndjson</c> with their ids and provenance, and every original under <c>originals/</c> as a blob with its
/// own hash. The originals are not parsed again, so a filtered export gives back exactly the records it holds.
/// </summary>
/// <remarks>
/// The steps, which <see cref="ImportEngine"/> runs in this order:
/// 1. <see cref="VerifyAsync"/> checks the whole archive before anything is stored: every entry against the SHA-256
///    and size in <c>manifest.json</c>, every line of <c>records.ndjson</c>, and that each record's original is in the
///    export or already in this lake. Any problem fails the export with the entry (and the line) named.
/// 2. <see cref="StoreOriginalAsync"/> stores each original. A blob is named by the SHA-256 of its content, so it gets
///    the hash it had in the exporting lake.
/// 3. <see cref="WriteRecords"/> writes the records in one transaction, like the records of any file, with
///    insert-or-ignore and the tombstone check, so a second import of an export adds nothing and a deleted record
///    stays deleted.
/// The manifest detects damage and edits that did not also rewrite the manifest; it is not a signature.
/// </remarks>
internal sealed class ExportRestorer(IRecordStore store, IBlobStore blobs, ImportLimits limits)
{
    /// <summary>The maximum bytes of <c>manifest.json</c> read to recognise an export. The exporter writes <c>format</c> first.</summary>
    private const int FormatProbeBytes = 4096;

    /// <summary>
    /// Returns whether a zip is a lake export: it has <c>records.ndjson</c> and a <c>manifest.json</c> whose <c>format</c> is
    /// <see cref="ExportArchive.ManifestFormat"/>. A zip without a readable central directory counts as an export when
    /// its first entry is <c>records.ndjson</c>, as the exporter writes it, so that a cut export fails as one.
    /// </summary>
    public static bool IsExport(Stream zip, ReadOnlySpan<byte> head)
    {
        zip.Position = 0;
        ZipArchive archive;
        try
        {
            archive = new ZipArchive(zip, ZipArchiveMode.Read, leaveOpen: true);
        }
        catch (Exception exception) when (exception is InvalidDataException or IOException)
        {
            return string.Equals(FirstLocalEntryName(head), ExportArchive.RecordsEntry, StringComparison.Ordinal);
        }

        using (archive)
        {
            var manifest = archive.GetEntry(ExportArchive.ManifestEntry);
            if (manifest is null || archive.GetEntry(ExportArchive.RecordsEntry) is null)
            {
                return false;
            }

            try
            {
                using var stream = manifest.Open();
                var probe = new byte[FormatProbeBytes];
                var length = stream.ReadAtLeast(probe, probe.Length, throwOnEndOfStream: false);
                return string.Equals(TopLevelFormat(probe.AsSpan(0, length)), ExportArchive.ManifestFormat, StringComparison.Ordinal);
            }
            catch (InvalidDataException)
            {
                // A manifest that cannot be inflated is reported by the archive's normal import as a damaged entry.
                return false;
            }
        }
    }

    /// <summary>Checks the whole export and returns it opened, ready to store and write.</summary>
    /// <exception cref="ImportFormatException">The export is damaged, changed or invalid. Nothing was stored.</exception>
    public async Task<VerifiedExport> VerifyAsync(Stream zip, CancellationToken cancellationToken)
    {
        zip.Position = 0;
        ZipArchive archive;
        try
        {
            archive = new ZipArchive(zip, ZipArchiveMode.Read, leaveOpen: true);
        }
        catch (Exception exception) when (exception is InvalidDataException or IOException)
        {
            throw new ImportFormatException(
                $"The lake export has no readable zip central directory ({exception.Message}); it is probably truncated. Copy or write the export again. Nothing was imported from it.",
                "end of file",
                exception);
        }

        try
        {
            var export = await Task.Run(() => Verify(archive, cancellationToken), cancellationToken);
            foreach (var (sha256, line) in export.ForeignBlobs)
            {
                if (!await store.IsBlobRegisteredAsync(sha256, cancellationToken))
                {
                    throw new ImportFormatException(
                        string.Create(CultureInfo.InvariantCulture,
                            $"Line {line} of {ExportArchive.RecordsEntry} in the lake export names the original {sha256}, which is neither in the export nor stored in this lake. Run 'lake verify' on the lake that wrote the export. Nothing was imported from the export."),
                        ExportedRecordParser.Position(line));
                }
            }

            return export;
        }
        catch
        {
            archive.Dispose();
            throw;
        }
    }

    /// <summary>Stores one original of a verified export as a blob and registers it.</summary>
    public async Task<BlobPutResult> StoreOriginalAsync(VerifiedExport export, ExportOriginal original, CancellationToken cancellationToken)
    {
        var entry = export.Archive.GetEntry(original.Entry)!;
        BlobPutResult blob;
        await using (var content = OpenGuarded(entry))
        {
            blob = await blobs.PutAsync(content, cancellationToken);
        }

        if (!string.Equals(blob.Sha256, original.Sha256, StringComparison.Ordinal))
        {
            throw new IOException($"The entry '{original.Entry}' of the lake export read back as {blob.Sha256} after it was verified as {original.Sha256}. Import the export again.");
        }

        await store.RegisterBlobAsync(blob, cancellationToken);
        return blob;
    }

    /// <summary>
    /// Writes every record of <c>records.ndjson</c> in one transaction and marks the export as parsed. Synchronous,
    /// like an importer's parse: run it on a pool thread.
    /// </summary>
    public (long Added, long Duplicates, long Tombstoned) WriteRecords(VerifiedExport export, string importId, FileParseKey key, Action onRecord, CancellationToken cancellationToken)
    {
        var entry = export.Archive.GetEntry(ExportArchive.RecordsEntry)!;
        using var writer = store.BeginFile(importId, ExportArchive.RecordsEntry, key);
        using (var content = OpenGuarded(entry))
        {
            var lines = new NdjsonLineReader(content, limits.MaxJsonValueBytes);
            while (lines.TryReadLine(out var line))
            {
                cancellationToken.ThrowIfCancellationRequested();
                writer.AddExported(ExportedRecordParser.Parse(line, lines.LineNumber));
                onRecord();
            }
        }

        writer.Commit();
        return (writer.Added, writer.Duplicates, writer.Tombstoned);
    }

    private VerifiedExport Verify(ZipArchive archive, CancellationToken cancellationToken)
    {
        var entries = new Dictionary<string, ZipArchiveEntry>(StringComparer.Ordinal);
        foreach (var entry in archive.Entries)
        {
            if (entry.FullName.EndsWith('/') && entry.Length == 0)
            {
                continue;
            }

            if (!entries.TryAdd(entry.FullName, entry))
            {
                throw Changed(entry.FullName, "the zip contains two entries with this name");
            }
        }

        if (!entries.TryGetValue(ExportArchive.ManifestEntry, out var manifestEntry))
        {
            throw Changed(ExportArchive.ManifestEntry, "the entry is missing");
        }

        ExportManifest manifest;
        try
        {
            using var content = OpenGuarded(manifestEntry);
            manifest = ExportManifest.Read(content);
        }
        catch (Exception exception) when (exception is InvalidDataException or ArchiveBombException)
        {
            throw Changed(ExportArchive.ManifestEntry, $"the entry cannot be read ({exception.Message.TrimEnd('.')})");
        }

        var originals = CheckEntryList(entries, manifest);
        var originalHashes = originals.Select(o => o.Sha256).ToHashSet(StringComparer.Ordinal);
        var foreignBlobs = new Dictionary<string, long>(StringComparer.Ordinal);
        long records = 0;

        foreach (var (name, entry) in entries)
        {
            if (name == ExportArchive.ManifestEntry)
            {
                continue;
            }

            cancellationToken.ThrowIfCancellationRequested();
            var listed = manifest.Files[name];
            using var hashing = new HashingReadStream(OpenGuarded(entry));
            ImportFormatException? invalidLine = null;
            try
            {
                if (name == ExportArchive.RecordsEntry)
                {
                    (records, invalidLine) = CheckRecords(hashing, originalHashes, foreignBlobs, cancellationToken);
                }

                hashing.ReadToEnd();
            }
            catch (Exception exception) when (exception is InvalidDataException or ArchiveBombException)
            {
                throw Changed(name, $"the entry cannot be read ({exception.Message.TrimEnd('.')})");
            }

            var sha256 = hashing.Sha256();
            if (!string.Equals(sha256, listed.Sha256, StringComparison.Ordinal) || hashing.BytesRead != listed.Size)
            {
                var found = string.Create(CultureInfo.InvariantCulture, $"SHA-256 {sha256} and {hashing.BytesRead:N0} bytes");
                var expected = string.Create(CultureInfo.InvariantCulture, $"SHA-256 {listed.Sha256} and {listed.Size:N0} bytes");
                var lineNote = invalidLine is null ? "" : " The first invalid line: " + invalidLine.Message;
                throw new ImportFormatException(
                    $"The entry '{name}' of the lake export does not match {ExportArchive.ManifestEntry}: it has {found}, the manifest lists {expected}. The export was changed or damaged after it was written; nothing was imported from it.{lineNote}",
                    invalidLine?.Position ?? $"entry '{name}'");
            }

            if (invalidLine is not null)
            {
                throw invalidLine;
            }
        }

        if (records != manifest.Records)
        {
            throw Changed(ExportArchive.RecordsEntry, string.Create(CultureInfo.InvariantCulture,
                $"it has {records:N0} records, but {ExportArchive.ManifestEntry} says {manifest.Records:N0}"));
        }

        return new VerifiedExport(archive, manifest, originals, foreignBlobs);
    }

    /// <summary>Checks that the zip contains exactly the files the manifest lists, and returns the originals among them.</summary>
    private static List<ExportOriginal> CheckEntryList(Dictionary<string, ZipArchiveEntry> entries, ExportManifest manifest)
    {
        foreach (var name in entries.Keys.Where(n => n != ExportArchive.ManifestEntry && !manifest.Files.ContainsKey(n)))
        {
            throw Changed(name, $"the entry is not listed in {ExportArchive.ManifestEntry}");
        }

        foreach (var name in manifest.Files.Keys.Where(n => !entries.ContainsKey(n)))
        {
            throw Changed(name, $"{ExportArchive.ManifestEntry} lists the entry, but the zip does not contain it");
        }

        if (!manifest.Files.ContainsKey(ExportArchive.RecordsEntry))
        {
            throw Changed(ExportArchive.RecordsEntry, "the entry is missing");
        }

        var originals = new List<ExportOriginal>();
        foreach (var file in manifest.Files.Values.Where(f => f.Path.StartsWith(ExportArchive.OriginalsFolder, StringComparison.Ordinal)))
        {
            originals.Add(ToOriginal(file));
        }

        return originals;
    }

    /// <summary>Splits <c>originals/SHA256/PATH</c> and checks that the hash in the name is the hash of the content.</summary>
    private static ExportOriginal ToOriginal(ManifestFile file)
    {
        var rest = file.Path[ExportArchive.OriginalsFolder.Length..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var sha256 = slash < 0 ? rest : rest[..slash];
        var path = slash < 0 ? null : ArchivePaths.Normalize(rest[(slash + 1)..], out _);
        if (!ExportedRecordParser.IsSha256(sha256) || path is null)
        {
            throw Changed(file.Path, "an original's name must be originals/SHA256/PATH with a relative PATH");
        }

        if (!string.Equals(sha256, file.Sha256, StringComparison.Ordinal))
        {
            throw Changed(file.Path, $"the SHA-256 in the name is {sha256}, but {ExportArchive.ManifestEntry} lists {file.Sha256} for its content");
        }

        return new ExportOriginal(file.Path, sha256, path, file.Size);
    }

    /// <summary>
    /// Parses every line of records.ndjson, counting them and noting each original they name that the export does
    /// not contain. Returns the first invalid line instead of throwing it, so that the caller finishes the hash first.
    /// </summary>
    private (long Records, ImportFormatException? InvalidLine) CheckRecords(
        Stream content, HashSet<string> originals, Dictionary<string, long> foreignBlobs, CancellationToken cancellationToken)
    {
        var lines = new NdjsonLineReader(content, limits.MaxJsonValueBytes);
        try
        {
            while (lines.TryReadLine(out var line))
            {
                if ((lines.LineNumber & 0x3FF) == 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                }

                var record = ExportedRecordParser.Parse(line, lines.LineNumber);
                if (!originals.Contains(record.Provenance.BlobSha256))
                {
                    foreignBlobs.TryAdd(record.Provenance.BlobSha256, lines.LineNumber);
                }
            }
        }
        catch (ImportFormatException exception)
        {
            return (lines.LineNumber, exception);
        }

        return (lines.LineNumber, null);
    }

    private GuardedStream OpenGuarded(ZipArchiveEntry entry) =>
        new(entry.Open(), limits, () => entry.CompressedLength, entry.Length);

    private static ImportFormatException Changed(string entry, string problem) => new(
        $"The lake export is invalid at entry '{entry}': {problem}. Nothing was imported from it; write the export again with 'lake export'.",
        $"entry '{entry}'");

    /// <summary>Returns the value of <c>format</c> at the top of a JSON object, read from its first bytes, or null when it is absent.</summary>
    private static string? TopLevelFormat(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, isFinalBlock: false, default);
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1 && reader.ValueTextEquals("format"u8))
                {
                    return reader.Read() && reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                }
            }
        }
        catch (JsonException)
        {
            return null;
        }

        return null;
    }

    /// <summary>Returns the name in the first local file header of a zip (PKWARE APPNOTE 4.3.7), or null.</summary>
    private static string? FirstLocalEntryName(ReadOnlySpan<byte> head)
    {
        const int NameOffset = 30;
        if (head.Length < NameOffset || !head.StartsWith("PK\u0003\u0004"u8))
        {
            return null;
        }

        var nameLength = BinaryPrimitives.ReadUInt16LittleEndian(head[26..]);
        return head.Length < NameOffset + nameLength ? null : Encoding.UTF8.GetString(head.Slice(NameOffset, nameLength));
    }
}
