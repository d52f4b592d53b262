using Datapunk.Lake.Imports;

namespace Datapunk.Lake.Ingestion;

/// <summary>Hears about an import as it runs, to show progress.</summary>
public interface IImportObserver
{
    void FileStarted(string path, long? length);

    void FileFinished(ImportFileReport report);

    /// <summary>Called at most about once a second while a large file is read.</summary>
    void Progress(ImportSummary summary);
}

/// <summary>An observer that ignores everything.</summary>
public sealed class NullImportObserver : IImportObserver
{
    public static readonly NullImportObserver Instance = new();

    public void FileStarted(string path, long? length)
    {
    }

    public void FileFinished(ImportFileReport report)
    {
    }

    public void Progress(ImportSummary summary)
    {
    }
}

/// <summary>
/// What to import: a local file or folder, or a blob already in the store (an upload).
/// </summary>
public sealed record ImportSource(string DisplayName, string? LocalPath = null, string? BlobSha256 = null);
