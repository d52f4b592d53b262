using Datapunk.Lake.Blobs;
using Datapunk.Lake.Imports;
using Datapunk.Lake.Records;

namespace Datapunk.Lake.Storage;

/// <summary>
/// Records, datasets, imports and blob metadata. The embedded default is SQLite; other databases implement the
/// same contract and pass the same contract tests.
/// </summary>
public interface IRecordStore
{
    /// <summary>Applies every schema migration that the database has not seen yet.</summary>
    Task MigrateAsync(CancellationToken cancellationToken);

    Task RegisterBlobAsync(BlobPutResult blob, CancellationToken cancellationToken);

    /// <summary>
    /// Removes each candidate blob that no record comes from or links, no file report lists, and no other import
    /// than <paramref name="importId"/> has as its source or parse mark: its file and key (through <paramref name="blobs"/>), its blob row and its
    /// parse marks. Returns the hashes removed. Removes nothing while another import is queued or running.
    /// </summary>
    /// <param name="ignoreOwnFileReports">Whether file reports of <paramref name="importId"/> itself do not count as references.</param>
    Task<IReadOnlyList<string>> RemoveUnreferencedBlobsAsync(string importId, IReadOnlyCollection<string> candidates, IBlobStore blobs, CancellationToken cancellationToken, bool ignoreOwnFileReports = false);

    Task<bool> IsBlobRegisteredAsync(string sha256, CancellationToken cancellationToken);

    Task CreateImportAsync(ImportSummary import, CancellationToken cancellationToken);

    Task UpdateImportAsync(ImportSummary import, CancellationToken cancellationToken);

    /// <summary>
    /// Marks as failed the queued or running imports that a process on this host started and that process is gone
    /// (it crashed or was killed). Returns how many were marked.
    /// </summary>
    /// <remarks>NOTE: a process id reused by an unrelated process keeps its import "Running" until that process ends.</remarks>
    Task<int> FailAbandonedImportsAsync(Func<int, bool> isProcessAlive, CancellationToken cancellationToken);

    Task AddImportFileAsync(string importId, ImportFileReport report, CancellationToken cancellationToken);

    Task<ImportSummary?> GetImportAsync(string id, CancellationToken cancellationToken);

    Task<IReadOnlyList<ImportSummary>> ListImportsAsync(int limit, CancellationToken cancellationToken);

    Task<IReadOnlyList<ImportFileReport>> GetImportFilesAsync(string importId, CancellationToken cancellationToken);

    /// <summary>True when this content was already parsed to the end by this format version for this account.</summary>
    Task<bool> IsFileParsedAsync(FileParseKey key, CancellationToken cancellationToken);

    /// <summary>How many records the earlier parse of this file produced, or null when it was never parsed to the end.</summary>
    Task<long?> GetParsedRecordCountAsync(FileParseKey key, CancellationToken cancellationToken);

    /// <summary>
    /// Opens a writer for the records of one file. Nothing it writes is visible until <see cref="IFileRecordWriter.Commit"/>;
    /// disposing it without a commit discards every record it took.
    /// </summary>
    IFileRecordWriter BeginFile(string importId, string path, FileParseKey key);

    Task<RecordPage> QueryRecordsAsync(RecordQuery query, CancellationToken cancellationToken);

    Task<LakeRecord?> GetRecordAsync(string id, CancellationToken cancellationToken);

    /// <summary>
    /// Sets one top-level attribute of a stored record, for passes that link records after their files were parsed.
    /// Returns false when no record has that id.
    /// </summary>
    Task<bool> SetRecordAttributeAsync(string id, string name, string value, CancellationToken cancellationToken);

    Task<IReadOnlyList<DatasetSummary>> ListDatasetsAsync(CancellationToken cancellationToken);

    Task<long> CountRecordsAsync(CancellationToken cancellationToken);

    /// <summary>Checks that the database responds; used by readiness checks.</summary>
    Task<bool> PingAsync(CancellationToken cancellationToken);
}

/// <summary>Identifies one parse of one file: the same content, format version and account give the same records.</summary>
public sealed record FileParseKey(string BlobSha256, string Format, int FormatVersion, string Account);

/// <summary>Writes the records of one file in one transaction.</summary>
public interface IFileRecordWriter : IDisposable
{
    /// <summary>
    /// Adds a record. Returns false when a record with the same id already exists (a duplicate) or was deleted and
    /// left a tombstone; both count as duplicates.
    /// </summary>
    bool Add(RecordDraft draft);

    /// <summary>
    /// Adds a record read back from a lake export with its own id, times, place, text, attributes and provenance
    /// (blob, path, pointer and byte offset). Only its import becomes this writer's. The insert-or-ignore and
    /// tombstone rules of <see cref="Add"/> apply. Importers use <see cref="Add"/>, whose id comes from the merge key.
    /// </summary>
    bool AddExported(LakeRecord record);

    long Added { get; }

    /// <summary>Records already in the lake, or skipped for another reason than a tombstone.</summary>
    long Duplicates { get; }

    /// <summary>Records skipped because a deletion left a tombstone for their id; not counted in <see cref="Duplicates"/>.</summary>
    long Tombstoned { get; }

    /// <summary>Makes every added record visible at once and marks the file as parsed.</summary>
    void Commit();
}

/// <summary>A filter over records, in start-time order.</summary>
public sealed record RecordQuery
{
    public DateTimeOffset? From { get; init; }

    public DateTimeOffset? To { get; init; }

    public IReadOnlyList<string> Kinds { get; init; } = [];

    public IReadOnlyList<string> Datasets { get; init; } = [];

    public BoundingBox? Box { get; init; }

    public int Limit { get; init; } = 100;

    /// <summary>An opaque cursor from a previous page.</summary>
    public string? Cursor { get; init; }
}

/// <summary>An area in WGS84 degrees. A box that crosses the antimeridian is not supported.</summary>
public sealed record BoundingBox(double MinLongitude, double MinLatitude, double MaxLongitude, double MaxLatitude);

public sealed record RecordPage(IReadOnlyList<LakeRecord> Items, string? NextCursor);

public sealed record DatasetSummary(string Name, long RecordCount, DateTimeOffset? First, DateTimeOffset? Last);
