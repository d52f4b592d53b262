using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Datapunk.Lake.Blobs;
using Datapunk.Lake.Imports;
using Datapunk.Lake.Ingestion.Archives;
using Datapunk.Lake.Ingestion.Json;
using Datapunk.Lake.Sovereignty.Export;
using Datapunk.Lake.Storage;

namespace Datapunk.Lake.Ingestion;

/// <summary>
/// Runs imports: stores every original as a blob first, then matches each file to an importer by content
/// and writes its records in one transaction per file.
/// </summary>
/// <remarks>
/// The order of the steps is what keeps the invariants:
/// 1. The bytes of a file go to the blob store before anything parses them, so a parse failure never loses one.
/// 2. A file's records are written in a transaction that also marks the file as parsed; a crash before the
///    commit leaves nothing, and the next run parses the file again.
/// 3. Record ids come from each kind's merge key and are inserted with "insert or ignore", so running an
///    import again, or importing an overlapping export, adds no duplicates.
/// </remarks>
public sealed class ImportEngine
{
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(1);

    private readonly IRecordStore _store;
    private readonly IBlobStore _blobs;
    private readonly FormatRegistry _formats;
    private readonly ImportLimits _limits;
    private readonly Func<string, CancellationToken, Task>? _importCommitted;

    /// <param name="importCommitted">
    /// Runs with the import's id once every file and post-pass of it committed, before it is marked succeeded (the
    /// lake re-wraps the import's blob keys under its datasets' keys there). It is not called for a failed or
    /// cancelled import, so it must also pick up such imports later.
    /// </param>
    public ImportEngine(IRecordStore store, IBlobStore blobs, FormatRegistry formats, ImportLimits limits, Func<string, CancellationToken, Task>? importCommitted = null)
    {
        _store = store;
        _blobs = blobs;
        _formats = formats;
        _limits = limits;
        _importCommitted = importCommitted;
    }

    /// <summary>Runs a queued import to its end. Per-file problems are reported in the import, not thrown.</summary>
    public async Task<ImportSummary> RunAsync(ImportJob job, IReadOnlyList<ImportSource> sources, IImportObserver? observer, CancellationToken cancellationToken)
    {
        var run = new Run(job, observer ?? NullImportObserver.Instance) { Store = _store };
        job.TransitionTo(ImportState.Running);
        await _store.UpdateImportAsync(job.Summary, cancellationToken);

        try
        {
            foreach (var source in sources)
            {
                await ImportSourceAsync(run, source, cancellationToken);
            }

            await RunPostPassesAsync(run, cancellationToken);
            if (_importCommitted is not null)
            {
                await _importCommitted(job.Id, cancellationToken);
            }

            job.TransitionTo(ImportState.Succeeded);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            job.TransitionTo(ImportState.Cancelled, "The import was cancelled. Run it again to finish it; files already parsed are not parsed twice.");
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or ArchiveReadException)
        {
            job.TransitionTo(ImportState.Failed, exception.Message);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // Anything else is a defect, but the import must still end as failed, not stay "Running" for good.
            job.TransitionTo(ImportState.Failed, $"The import stopped on an unexpected error ({exception.GetType().Name}): {exception.Message}");
            await _store.UpdateImportAsync(job.Summary, CancellationToken.None);
            throw;
        }

        await _store.UpdateImportAsync(job.Summary, CancellationToken.None);
        return job.Summary;
    }

    private async Task RunPostPassesAsync(Run run, CancellationToken cancellationToken)
    {
        if (_formats.PostPasses.Count == 0)
        {
            return;
        }

        var files = await _store.GetImportFilesAsync(run.Job.Id, cancellationToken);
        var context = new ImportPostPassContext(_store, _blobs, run.Job.Id, run.Job.Summary.Account, files);
        foreach (var pass in _formats.PostPasses)
        {
            var added = await pass.RunAsync(context, cancellationToken);
            run.Job.Update(s => s with { RecordsAdded = s.RecordsAdded + added });
        }
    }

    private async Task ImportSourceAsync(Run run, ImportSource source, CancellationToken cancellationToken)
    {
        if (source.BlobSha256 is { } sha)
        {
            if (run.Job.Summary.FilesStored > 0)
            {
                // The upload stored this blob and counted it before the import began.
                run.AdoptStoredBlob(sha);
            }

            await ImportStoredAsync(run, sha, source.DisplayName, topLevel: true, cancellationToken);
            return;
        }

        var path = source.LocalPath ?? throw new ArgumentException("An import source needs a local path or a blob.", nameof(source));
        if (Directory.Exists(path))
        {
            var root = Path.GetFullPath(path);
            var files = Directory.EnumerateFiles(root, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint })
                .Order(StringComparer.Ordinal)
                .ToList();
            run.Job.Update(s => s with { BytesTotal = s.BytesTotal + files.Sum(f => new FileInfo(f).Length) });
            foreach (var file in files)
            {
                var relative = Path.GetRelativePath(root, file).Replace('\\', '/');
                await ImportLocalFileAsync(run, file, relative, cancellationToken);
            }

            return;
        }

        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"'{path}' does not exist. Pass a Takeout .zip or .tgz, an extracted folder or a single export file.", path);
        }

        run.Job.Update(s => s with { BytesTotal = s.BytesTotal + new FileInfo(path).Length });
        await ImportLocalFileAsync(run, path, source.DisplayName, cancellationToken);
    }

    private async Task ImportLocalFileAsync(Run run, string file, string displayPath, CancellationToken cancellationToken)
    {
        BlobPutResult blob;
        await using (var input = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan))
        {
            blob = await StoreAsync(run, input, cancellationToken);
        }

        if (run.Job.Summary.SourceBlob is null)
        {
            run.Job.Update(s => s with { SourceBlob = blob.Sha256 });
        }

        await ImportStoredAsync(run, blob.Sha256, displayPath, topLevel: true, cancellationToken, alreadyCounted: true);
    }

    /// <summary>Expands a stored archive, or parses a stored file. A stored file that does not decrypt is a file error.</summary>
    private async Task ImportStoredAsync(Run run, string sha256, string path, bool topLevel, CancellationToken cancellationToken, bool alreadyCounted = false)
    {
        try
        {
            await ImportStoredContentAsync(run, sha256, path, topLevel, alreadyCounted, cancellationToken);
        }
        catch (CryptographicException exception)
        {
            await FinishFileAsync(run, DamagedBlobReport(run, path, sha256, exception), cancellationToken);
        }
    }

    private async Task ImportStoredContentAsync(Run run, string sha256, string path, bool topLevel, bool alreadyCounted, CancellationToken cancellationToken)
    {
        await using var content = await _blobs.OpenReadAsync(sha256, cancellationToken)
            ?? throw new IOException($"Blob {sha256} of '{path}' is missing from the blob store.");
        var length = content.CanSeek ? content.Length : 0;
        var head = await ReadHeadAsync(content, cancellationToken);

        if (!alreadyCounted)
        {
            run.Job.Update(s => s with { BytesTotal = s.BytesTotal + length, SourceBlob = s.SourceBlob ?? sha256 });
        }

        var kind = ArchiveReaders.Detect(head.Span);
        if (topLevel && kind == ArchiveKind.Zip && ExportRestorer.IsExport(content, head.Span))
        {
            await RestoreExportAsync(run, content, sha256, path, length, cancellationToken);
            run.Job.Update(s => s with { BytesDone = s.BytesDone + length });
            return;
        }

        if (topLevel && kind != ArchiveKind.None)
        {
            content.Position = 0;
            await ExpandArchiveAsync(run, content, kind, sha256, path, length, cancellationToken);
            return;
        }

        content.Position = 0;
        await ParseAsync(run, content, sha256, length, path, cancellationToken);
        run.Job.Update(s => s with { BytesDone = s.BytesDone + length });
    }

    private async Task ExpandArchiveAsync(Run run, Stream content, ArchiveKind kind, string archiveSha, string archivePath, long archiveLength, CancellationToken cancellationToken)
    {
        var archiveReport = new ImportFileReport(run.NextSequence(), archivePath, archiveSha, archiveLength, "archive." + kind.ToString().ToLowerInvariant(), FileOutcome.Parsed, 0, 0, null, null);
        var counting = new CountingStream(content);

        IEnumerable<ArchiveEntry> entries = kind switch
        {
            ArchiveKind.Zip => ArchiveReaders.ReadZip(counting, damage => archiveReport = archiveReport with { Outcome = FileOutcome.Error, Message = damage, Position = "end of file" }),
            _ => ArchiveReaders.ReadTar(counting),
        };

        var before = run.Job.Summary;
        var entryCount = 0;
        try
        {
            foreach (var entry in entries)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (++entryCount > _limits.MaxEntries)
                {
                    throw new ArchiveReadException($"The archive contains more than {_limits.MaxEntries:N0} files, the maximum for one import.", $"entry {entryCount}");
                }

                await ImportEntryAsync(run, entry, entryCount, kind, counting, cancellationToken);
            }
        }
        catch (ArchiveReadException exception)
        {
            archiveReport = archiveReport with { Outcome = FileOutcome.Error, Message = exception.Message, Position = exception.Position };
        }

        if (archiveReport.Outcome == FileOutcome.Parsed && OnlyDeletedRecords(before, run.Job.Summary)
            && await RemoveArchiveAsync(run, archiveSha))
        {
            archiveReport = archiveReport with
            {
                Message = "The archive was not kept, because every record in it was deleted before; delete with --allow-reimport to import it again.",
            };
        }

        await FinishFileAsync(run, archiveReport, cancellationToken);
        run.Job.Update(s => s with { BytesDone = s.BytesDone + archiveLength });
    }

    /// <summary>
    /// True when the files of an archive gave only records that a deletion had tombstoned: nothing added, no
    /// duplicate and no file already imported, so no record in the lake comes from the archive. Files kept
    /// unparsed (such as Takeout's archive_browser.html) do not count, because each is stored as a blob of its own.
    /// </summary>
    private static bool OnlyDeletedRecords(ImportSummary before, ImportSummary after) =>
        after.SkippedDeleted > before.SkippedDeleted
        && after.RecordsAdded == before.RecordsAdded
        && after.Duplicates == before.Duplicates
        && after.FilesUnchanged == before.FilesUnchanged;

    /// <summary>
    /// Removes an archive whose every record was deleted before, so that importing a deleted export again leaves
    /// no readable copy of it. Returns false when something else still references the archive.
    /// </summary>
    private async Task<bool> RemoveArchiveAsync(Run run, string archiveSha)
    {
        var removed = await _store.RemoveUnreferencedBlobsAsync(run.Job.Id, [archiveSha], _blobs, CancellationToken.None, ignoreOwnFileReports: true);
        run.UncountRemovedBlobs(removed);
        if (removed.Count == 0)
        {
            return false;
        }

        if (run.Job.Summary.SourceBlob == archiveSha)
        {
            run.Job.Update(s => s with { SourceBlob = null });
        }

        return true;
    }

    private async Task ImportEntryAsync(Run run, ArchiveEntry entry, int index, ArchiveKind kind, CountingStream archive, CancellationToken cancellationToken)
    {
        var path = ArchivePaths.Normalize(entry.Path, out var problem);
        var displayPath = path ?? entry.Path;
        run.Observer.FileStarted(displayPath, entry.DeclaredLength);

        BlobPutResult blob;
        try
        {
            var archiveStart = archive.BytesRead;
            await using var raw = entry.Open();

            // A zip states each entry's compressed size; a tar.gz does not, so its ratio is taken over the
            // compressed bytes consumed since the entry began.
            var compressed = entry.CompressedLength is { } known && kind == ArchiveKind.Zip
                ? () => known
                : (Func<long>)(() => archive.BytesRead - archiveStart);
            await using var guarded = new GuardedStream(raw, _limits, compressed, entry.DeclaredLength);
            blob = await StoreAsync(run, guarded, cancellationToken);
        }
        catch (Exception exception) when (exception is ArchiveBombException or InvalidDataException or IOException or NotSupportedException
                                            or SharpCompress.Common.ArchiveException or SharpCompress.Common.IncompleteArchiveException)
        {
            var message = exception is ArchiveBombException
                ? exception.Message + " Nothing of it was stored; the archive itself is kept."
                : $"The entry cannot be read: {exception.Message}. The archive is probably truncated or damaged; download or export it again.";
            await FinishFileAsync(run, new ImportFileReport(run.NextSequence(), displayPath, null, entry.DeclaredLength ?? 0, null, FileOutcome.Error, 0, 0, message, $"entry {index} of the archive"), cancellationToken);
            if (exception is not ArchiveBombException && kind != ArchiveKind.Zip)
            {
                // A streamed archive cannot go on past an entry it could not read.
                throw new ArchiveReadException(
                    $"The archive cannot be read past this entry ({exception.Message.TrimEnd('.')}), because a tar or gzip archive has no index to skip ahead with. Download or export it again; the entries before this one were imported.",
                    $"entry {index}",
                    exception);
            }

            return;
        }

        if (path is null)
        {
            var message = $"Rejected entry '{entry.Path}': {problem ?? "the entry path is empty"}. Its bytes were stored as blob {blob.Sha256} but not parsed.";
            await FinishFileAsync(run, new ImportFileReport(run.NextSequence(), entry.Path, blob.Sha256, blob.Length, null, FileOutcome.Error, 0, 0, message, $"entry {index} of the archive"), cancellationToken);
            return;
        }

        try
        {
            await using var content = await _blobs.OpenReadAsync(blob.Sha256, cancellationToken)
                ?? throw new IOException($"Blob {blob.Sha256} of '{path}' vanished from the blob store right after it was stored.");
            await ParseAsync(run, content, blob.Sha256, blob.Length, path, cancellationToken);
        }
        catch (CryptographicException exception)
        {
            await FinishFileAsync(run, DamagedBlobReport(run, path, blob.Sha256, exception), cancellationToken);
        }
    }

    /// <summary>The error of a file whose stored blob does not decrypt (its file or key is damaged or gone).</summary>
    private static ImportFileReport DamagedBlobReport(Run run, string path, string sha256, CryptographicException exception) =>
        new(run.NextSequence(), path, sha256, 0, null, FileOutcome.Error, 0, 0,
            $"The stored blob {sha256} of this file cannot be read: {exception.Message.TrimEnd('.')}. Run lake verify to list damaged blobs, then restore the blob folder from a backup or import the original file again.",
            null);

    /// <summary>
    /// Imports a lake export: its originals as blobs and the records of its records.ndjson as they were exported,
    /// all of them or none (see <see cref="ExportRestorer"/>). The originals are not parsed again.
    /// </summary>
    private async Task RestoreExportAsync(Run run, Stream content, string sha256, string path, long length, CancellationToken cancellationToken)
    {
        run.Observer.FileStarted(path, length);
        var key = new FileParseKey(sha256, ExportArchive.ImportFormat, ExportArchive.ManifestVersion, run.Job.Summary.Account);
        if (await _store.GetParsedRecordCountAsync(key, cancellationToken) is { } earlierRecords)
        {
            await FinishFileAsync(run, new ImportFileReport(run.NextSequence(), path, sha256, length, ExportArchive.ImportFormat, FileOutcome.Unchanged, 0, earlierRecords,
                "Already imported earlier; nothing new in this file.", null), cancellationToken);
            return;
        }

        var restorer = new ExportRestorer(_store, _blobs, _limits);
        ImportFileReport report;
        try
        {
            using var export = await restorer.VerifyAsync(content, cancellationToken);
            var originals = new List<string> { sha256 };
            foreach (var original in export.Originals)
            {
                originals.Add(original.Sha256);
                run.Observer.FileStarted(original.Path, original.Size);
                var blob = await restorer.StoreOriginalAsync(export, original, cancellationToken);
                if (blob.Created)
                {
                    run.CountStoredBlob(blob.Sha256);
                }

                await FinishFileAsync(run, new ImportFileReport(run.NextSequence(), original.Path, original.Sha256, original.Size, ExportArchive.OriginalFormat, FileOutcome.Kept, 0, 0,
                    $"Restored from the lake export; not parsed again, because its records come from {ExportArchive.RecordsEntry}.", null), cancellationToken);
            }

            run.StartFile(path, length);
            var (added, duplicates, tombstoned) = await Task.Run(() => restorer.WriteRecords(export, run.Job.Id, key, run.CountRecord, cancellationToken), cancellationToken);
            run.Job.Update(s => s with { SkippedDeleted = s.SkippedDeleted + tombstoned });
            run.EndFile();
            var skipped = tombstoned > 0
                ? string.Create(CultureInfo.InvariantCulture, $"{tombstoned:N0} records skipped because they were deleted before.")
                : null;

            // An export whose every record was deleted before leaves neither itself nor its originals behind. Its
            // own file reports list them, so they do not count as references here.
            // NOTE: an original of such an export that no record named is removed with the rest.
            if (added == 0 && duplicates == 0 && tombstoned > 0)
            {
                var removed = await _store.RemoveUnreferencedBlobsAsync(run.Job.Id, originals, _blobs, CancellationToken.None, ignoreOwnFileReports: true);
                run.UncountRemovedBlobs(removed);
                if (removed.Contains(sha256, StringComparer.Ordinal))
                {
                    skipped += " The export and its originals were not kept, because none of its records was added; delete with --allow-reimport to import it again.";
                    if (run.Job.Summary.SourceBlob == sha256)
                    {
                        run.Job.Update(s => s with { SourceBlob = null });
                    }
                }
            }

            report = new ImportFileReport(run.NextSequence(), path, sha256, length, ExportArchive.ImportFormat, FileOutcome.Parsed, added, duplicates, skipped, null);
        }
        catch (ImportFormatException exception)
        {
            run.EndFile();
            report = new ImportFileReport(run.NextSequence(), path, sha256, length, ExportArchive.ImportFormat, FileOutcome.Error, 0, 0,
                $"{exception.Message} The export itself is stored as blob {sha256}.", exception.Position);
        }

        await FinishFileAsync(run, report, cancellationToken);
    }

    private async Task<BlobPutResult> StoreAsync(Run run, Stream content, CancellationToken cancellationToken)
    {
        var blob = await _blobs.PutAsync(content, cancellationToken);
        await _store.RegisterBlobAsync(blob, cancellationToken);
        if (blob.Created)
        {
            run.CountStoredBlob(blob.Sha256);
        }

        return blob;
    }

    /// <summary>Detects the format of one stored file and writes its records, all of them or none.</summary>
    private async Task ParseAsync(Run run, Stream content, string sha256, long length, string path, CancellationToken cancellationToken)
    {
        run.Observer.FileStarted(path, length);
        var head = await ReadHeadAsync(content, cancellationToken);
        content.Position = 0;
        var sniff = new FileSniff(path, length, SkipByteOrderMark(head));
        var importer = _formats.Detect(sniff);

        if (importer is null)
        {
            await FinishFileAsync(run, await DescribeUnparsedAsync(run, content, sniff, sha256, cancellationToken), cancellationToken);
            return;
        }

        var key = new FileParseKey(sha256, importer.Format, importer.Version, run.Job.Summary.Account);
        // Every record of a file parsed before is a duplicate now, so the summary counts them as skipped.
        if (await _store.GetParsedRecordCountAsync(key, cancellationToken) is { } earlierRecords)
        {
            await FinishFileAsync(run, new ImportFileReport(run.NextSequence(), path, sha256, length, importer.Format, FileOutcome.Unchanged, 0, earlierRecords,
                "Already imported earlier; nothing new in this file.", null), cancellationToken);
            return;
        }

        run.StartFile(path, length);
        var progress = new ProgressStream(content, bytes => run.ReportFileProgress(bytes));
        var derivedBlobs = new List<BlobPutResult>();
        var context = new ImportFileContext(path, run.Job.Summary.Account, sha256, length, cancellationToken, _limits.MaxJsonValueBytes)
        {
            StoreBlob = derived => StoreDerivedBlob(derived, derivedBlobs, cancellationToken),
        };
        ImportFileReport report;
        long tombstoned = 0;
        try
        {
            // The parse is synchronous (Utf8JsonReader and the SQLite writer are), so it runs on a pool thread.
            report = await Task.Run(() =>
            {
                using var writer = _store.BeginFile(run.Job.Id, path, key);
                using var drafts = importer.Read(progress, context).GetEnumerator();
                while (MoveNext(drafts, importer, progress))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    writer.Add(drafts.Current);
                    run.CountRecord();
                }

                writer.Commit();
                tombstoned = writer.Tombstoned;
                var skipped = tombstoned > 0
                    ? string.Create(CultureInfo.InvariantCulture, $"{tombstoned:N0} records skipped because they were deleted before.")
                    : null;
                return new ImportFileReport(run.NextSequence(), path, sha256, length, importer.Format, FileOutcome.Parsed, writer.Added, writer.Duplicates, skipped, null);
            }, cancellationToken);
        }
        catch (ImportFormatException exception)
        {
            report = new ImportFileReport(run.NextSequence(), path, sha256, length, importer.Format, FileOutcome.Error, 0, 0,
                $"{exception.Message} No record of this file was added; the original is stored as blob {sha256}.", exception.Position);
        }
        catch (CryptographicException exception)
        {
            report = DamagedBlobReport(run, path, sha256, exception) with { Size = length, Format = importer.Format };
        }
        finally
        {
            // Registered only now: the file's record transaction held the write lock while the importer ran.
            foreach (var derived in derivedBlobs)
            {
                await _store.RegisterBlobAsync(derived, CancellationToken.None);
            }
        }

        run.Job.Update(s => s with { SkippedDeleted = s.SkippedDeleted + tombstoned });
        report = await RemoveUnreferencedAsync(run, report, tombstoned, derivedBlobs);
        run.EndFile();
        await FinishFileAsync(run, report, cancellationToken);
    }

    /// <summary>
    /// Removes the blobs of a parsed file that nothing references: a derived blob that no committed record links,
    /// because the parse failed or a tombstone kept its record out. The original goes too when every record it gave
    /// was tombstoned, so a deleted export imported again leaves no readable copy behind.
    /// </summary>
    private async Task<ImportFileReport> RemoveUnreferencedAsync(Run run, ImportFileReport report, long tombstoned, List<BlobPutResult> derivedBlobs)
    {
        var candidates = derivedBlobs.Select(blob => blob.Sha256).ToList();
        var originalDeleted = report.Outcome == FileOutcome.Parsed && report.RecordsAdded == 0 && tombstoned > 0 && report.BlobSha256 is not null;
        if (originalDeleted)
        {
            candidates.Add(report.BlobSha256!);
        }

        var removed = await _store.RemoveUnreferencedBlobsAsync(run.Job.Id, candidates, _blobs, CancellationToken.None);
        run.UncountRemovedBlobs(removed);
        if (!originalDeleted || !removed.Contains(report.BlobSha256!, StringComparer.Ordinal))
        {
            return report;
        }

        if (run.Job.Summary.SourceBlob == report.BlobSha256)
        {
            run.Job.Update(s => s with { SourceBlob = null });
        }

        return report with
        {
            Message = string.Create(CultureInfo.InvariantCulture,
                $"{tombstoned:N0} records skipped because they were deleted before. The original was not kept, because none of its records was added; delete with --allow-reimport to import it again."),
        };
    }

    /// <summary>
    /// Advances an importer, turning any exception it throws other than cancellation into an
    /// <see cref="ImportFormatException"/>, so a bug or an unforeseen input in one importer fails one file,
    /// not the whole import. Exceptions of the record writer are not caught here: they fail the import.
    /// </summary>
    private static bool MoveNext(IEnumerator<Records.RecordDraft> drafts, IFormatImporter importer, ProgressStream progress)
    {
        try
        {
            return drafts.MoveNext();
        }
        catch (Exception exception) when (exception is not (ImportFormatException or OperationCanceledException or CryptographicException))
        {
            var position = string.Create(CultureInfo.InvariantCulture, $"near byte {progress.Position}");
            var message = exception is DecoderFallbackException || exception.InnerException is DecoderFallbackException
                ? "The text is not valid UTF-8. Check that the file was not re-encoded (for example to Latin-1) after export."
                : $"The importer {importer.Format} failed on this file: {exception.GetType().Name}: {exception.Message}";
            throw new ImportFormatException(message, position, exception);
        }
    }

    /// <summary>Stores a blob taken out of a file while the importer runs synchronously on a pool thread.</summary>
    private BlobPutResult StoreDerivedBlob(Stream content, List<BlobPutResult> stored, CancellationToken cancellationToken)
    {
        var blob = _blobs.PutAsync(content, cancellationToken).GetAwaiter().GetResult();
        stored.Add(blob);
        return blob;
    }

    /// <summary>Reports a file no importer claims: kept, unless it is empty or is JSON that does not parse.</summary>
    private async Task<ImportFileReport> DescribeUnparsedAsync(Run run, Stream content, FileSniff sniff, string sha256, CancellationToken cancellationToken)
    {
        if (sniff.Length == 0)
        {
            return new ImportFileReport(run.NextSequence(), sniff.Path, sha256, 0, null, FileOutcome.Error, 0, 0,
                "The file is empty (0 bytes), so there is nothing to import. The export may be incomplete; check the file where it came from (the original archive or the platform's download).", "byte 0");
        }

        var looksLikeJson = sniff.Json.Root != System.Text.Json.JsonValueKind.Undefined || sniff.Extension == ".json";
        if (!looksLikeJson)
        {
            return new ImportFileReport(run.NextSequence(), sniff.Path, sha256, sniff.Length, null, FileOutcome.Kept, 0, 0, "Kept, not parsed: no importer recognises this file.", null);
        }

        var error = await Task.Run(() => ValidateJson(content, _limits.MaxJsonValueBytes), cancellationToken);
        return error is null
            ? new ImportFileReport(run.NextSequence(), sniff.Path, sha256, sniff.Length, null, FileOutcome.Kept, 0, 0, "Kept, not parsed: valid JSON, but no importer recognises its structure.", null)
            : new ImportFileReport(run.NextSequence(), sniff.Path, sha256, sniff.Length, null, FileOutcome.Error, 0, 0,
                $"{error.Message} The original is stored as blob {sha256}.", error.Position);
    }

    private static ImportFormatException? ValidateJson(Stream content, int maxValueBytes)
    {
        using var reader = new JsonStreamReader(content, maxValueBytes);
        try
        {
            if (reader.Read() == System.Text.Json.JsonTokenType.None)
            {
                return new ImportFormatException("The file contains no JSON value.", "byte 0");
            }

            if (reader.TokenType is System.Text.Json.JsonTokenType.StartObject or System.Text.Json.JsonTokenType.StartArray)
            {
                var depth = 1;
                while (depth > 0)
                {
                    var token = reader.Read();
                    if (token == System.Text.Json.JsonTokenType.None)
                    {
                        return new ImportFormatException("The file ends in the middle of the JSON document; it is probably truncated. Export or download it again.", reader.PositionAt(reader.TokenOffset));
                    }

                    depth += token switch
                    {
                        System.Text.Json.JsonTokenType.StartObject or System.Text.Json.JsonTokenType.StartArray => 1,
                        System.Text.Json.JsonTokenType.EndObject or System.Text.Json.JsonTokenType.EndArray => -1,
                        _ => 0,
                    };
                }
            }

            reader.ExpectEnd();
            return null;
        }
        catch (ImportFormatException exception)
        {
            return exception;
        }
    }

    private static async Task FinishFileAsync(Run run, ImportFileReport report, CancellationToken cancellationToken)
    {
        run.Job.Update(s => s with
        {
            FilesDone = s.FilesDone + 1,
            FilesParsed = s.FilesParsed + (report.Outcome == FileOutcome.Parsed && !IsArchive(report) ? 1 : 0),
            FilesKept = s.FilesKept + (report.Outcome == FileOutcome.Kept ? 1 : 0),
            FilesUnchanged = s.FilesUnchanged + (report.Outcome == FileOutcome.Unchanged ? 1 : 0),
            Errors = s.Errors + (report.Outcome == FileOutcome.Error ? 1 : 0),
            RecordsAdded = s.RecordsAdded + report.RecordsAdded,
            Duplicates = s.Duplicates + report.Duplicates,
        });
        await run.Store.AddImportFileAsync(run.Job.Id, report, CancellationToken.None);
        run.Observer.FileFinished(report);
        cancellationToken.ThrowIfCancellationRequested();
    }

    private static bool IsArchive(ImportFileReport report) => report.Format?.StartsWith("archive.", StringComparison.Ordinal) == true;

    private static async Task<ReadOnlyMemory<byte>> ReadHeadAsync(Stream content, CancellationToken cancellationToken)
    {
        var buffer = new byte[FileSniff.HeadLength];
        var total = 0;
        int read;
        while (total < buffer.Length && (read = await content.ReadAsync(buffer.AsMemory(total), cancellationToken)) > 0)
        {
            total += read;
        }

        return buffer.AsMemory(0, total);
    }

    private static ReadOnlyMemory<byte> SkipByteOrderMark(ReadOnlyMemory<byte> head) =>
        head.Span.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? head[3..] : head;

    /// <summary>The state of one running import shared by its steps.</summary>
    private sealed class Run(ImportJob job, IImportObserver observer)
    {
        private readonly Stopwatch _sinceProgress = Stopwatch.StartNew();
        private readonly HashSet<string> _storedBlobs = new(StringComparer.Ordinal);
        private int _sequence;

        public ImportJob Job { get; } = job;

        public IImportObserver Observer { get; } = observer;

        public IRecordStore Store { get; set; } = null!;

        private string? _file;
        private long _fileLength;
        private long _fileBytes;
        private long _fileRecords;

        public int NextSequence() => Interlocked.Increment(ref _sequence);

        /// <summary>Counts a blob this import created in <see cref="ImportSummary.FilesStored"/>.</summary>
        public void CountStoredBlob(string sha256)
        {
            lock (_storedBlobs)
            {
                _storedBlobs.Add(sha256);
            }

            Job.Update(s => s with { FilesStored = s.FilesStored + 1 });
        }

        /// <summary>Remembers a blob that was counted as stored before the import began (an upload).</summary>
        public void AdoptStoredBlob(string sha256)
        {
            lock (_storedBlobs)
            {
                _storedBlobs.Add(sha256);
            }
        }

        /// <summary>Takes the blobs this import created and then removed again out of the stored count.</summary>
        public void UncountRemovedBlobs(IEnumerable<string> removed)
        {
            int count;
            lock (_storedBlobs)
            {
                count = removed.Count(_storedBlobs.Remove);
            }

            if (count > 0)
            {
                Job.Update(s => s with { FilesStored = s.FilesStored - count });
            }
        }

        public void StartFile(string path, long length)
        {
            (_file, _fileLength, _fileBytes, _fileRecords) = (path, length, 0, 0);
        }

        public void ReportFileProgress(long bytes)
        {
            _fileBytes = bytes;
            Publish();
        }

        public void CountRecord()
        {
            _fileRecords++;
            if ((_fileRecords & 0x3FF) == 0)
            {
                Publish();
            }
        }

        public void EndFile()
        {
            _file = null;
            Job.Update(s => s with { CurrentFile = null });
        }

        /// <summary>Shows the current file's progress in the import's state, at most about once a second.</summary>
        private void Publish()
        {
            if (_file is null || _sinceProgress.Elapsed < ProgressInterval)
            {
                return;
            }

            _sinceProgress.Restart();
            var current = new FileProgress(_file, _fileBytes, _fileLength, _fileRecords);
            Job.Update(s => s with { CurrentFile = current });
            Observer.Progress(Job.Summary);
        }
    }
}
