using Datapunk.Lake.Imports;

namespace Datapunk.Lake.Server.Hosting;

/// <summary>
/// Every log message of the server. Event ids: 1000–1099 imports, 1100–1199 storage, 1200–1299 HTTP and
/// hosting, 1300–1399 access, 1400–1499 audit, 1500–1599 search, 1600–1699 operations.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(1000, LogLevel.Information, "Import {ImportId} queued from {Source}")]
    public static partial void ImportQueued(ILogger logger, string importId, string source);

    [LoggerMessage(1001, LogLevel.Information, "Import {ImportId} started")]
    public static partial void ImportStarted(ILogger logger, string importId);

    [LoggerMessage(1002, LogLevel.Information, "Import {ImportId} finished as {State}: {Records} records added, {Errors} file errors")]
    public static partial void ImportFinished(ILogger logger, string importId, ImportState state, long records, int errors);

    [LoggerMessage(1003, LogLevel.Error, "Import {ImportId} stopped on an unexpected error")]
    public static partial void ImportCrashed(ILogger logger, Exception exception, string importId);

    [LoggerMessage(1004, LogLevel.Debug, "Upload for import {ImportId} stored as blob {Sha256} ({Bytes} bytes)")]
    public static partial void UploadStored(ILogger logger, string importId, string sha256, long bytes);

    [LoggerMessage(1400, LogLevel.Information, "Retention ran {Policies} policies and deleted {Records} records")]
    public static partial void RetentionRan(ILogger logger, int policies, long records);

    [LoggerMessage(1401, LogLevel.Error, "Retention run failed")]
    public static partial void RetentionFailed(ILogger logger, Exception exception);

    [LoggerMessage(1200, LogLevel.Information, "Datapunk Lake listening on {Url} with data directory {DataDirectory}")]
    public static partial void Listening(ILogger logger, string url, string dataDirectory);

    [LoggerMessage(1500, LogLevel.Information, "Embedded {Count} records in {Milliseconds} ms; {Pending} still wait")]
    public static partial void EmbeddingsIndexed(ILogger logger, long count, long milliseconds, long pending);

    [LoggerMessage(1501, LogLevel.Error, "Embedding records failed; retrying in {DelaySeconds} s")]
    public static partial void EmbeddingFailed(ILogger logger, Exception exception, double delaySeconds);
}
