namespace Datapunk.Lake.Imports;

/// <summary>The state and counters of one import.</summary>
public sealed record ImportSummary
{
    public required string Id { get; init; }

    /// <summary>What the user handed in: a path or an upload name.</summary>
    public required string Source { get; init; }

    public required string Account { get; init; }

    public ImportState State { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? StartedAt { get; init; }

    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>SHA-256 of the archive or single file handed in; null for a folder.</summary>
    public string? SourceBlob { get; init; }

    public long BytesTotal { get; init; }

    public long BytesDone { get; init; }

    public int FilesDone { get; init; }

    public int FilesStored { get; init; }

    public int FilesParsed { get; init; }

    public int FilesUnchanged { get; init; }

    public int FilesKept { get; init; }

    public int Errors { get; init; }

    public long RecordsAdded { get; init; }

    public long Duplicates { get; init; }

    /// <summary>Records skipped because a deletion left a tombstone for them.</summary>
    public long SkippedDeleted { get; init; }

    /// <summary>The file being parsed now, while the import runs; its records are not counted until it commits.</summary>
    public FileProgress? CurrentFile { get; init; }

    /// <summary>Why the import failed or was cancelled; null otherwise.</summary>
    public string? Message { get; init; }
}

/// <summary>How far the parse of one file has come: bytes read and records read so far, not yet committed.</summary>
public sealed record FileProgress(string Path, long Bytes, long Length, long Records);

/// <summary>The outcome for one file of an import.</summary>
/// <param name="Position">Where in the file the error is: line and column, byte offset or JSON pointer.</param>
public sealed record ImportFileReport(
    int Sequence,
    string Path,
    string? BlobSha256,
    long Size,
    string? Format,
    FileOutcome Outcome,
    long RecordsAdded,
    long Duplicates,
    string? Message,
    string? Position);
