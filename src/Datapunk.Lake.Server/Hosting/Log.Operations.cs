namespace Datapunk.Lake.Server.Hosting;

/// <summary>Log messages of operations: install integrity, health and metrics (event ids 1600–1699).</summary>
internal static partial class Log
{
    [LoggerMessage(1600, LogLevel.Information, "Install verified: {Files} files in {AppDirectory} match the manifest")]
    public static partial void InstallVerified(ILogger logger, int files, string appDirectory);

    [LoggerMessage(1601, LogLevel.Warning, "Install not verified: {Manifest} is missing from {AppDirectory}")]
    public static partial void InstallManifestMissing(ILogger logger, string appDirectory, string manifest);

    [LoggerMessage(1602, LogLevel.Critical, "Refusing to start: {Manifest} is missing from {AppDirectory} and verification is enforced")]
    public static partial void InstallManifestMissingRefused(ILogger logger, string appDirectory, string manifest);

    [LoggerMessage(1603, LogLevel.Warning, "{Count} installed files in {AppDirectory} differ from the manifest: {Differences}")]
    public static partial void InstallDifferencesWarned(ILogger logger, int count, string appDirectory, string differences);

    [LoggerMessage(1604, LogLevel.Critical, "Refusing to start: {Count} installed files in {AppDirectory} differ from the manifest: {Differences}")]
    public static partial void InstallDifferencesRefused(ILogger logger, int count, string appDirectory, string differences);

    [LoggerMessage(1605, LogLevel.Warning, "Install verification is off")]
    public static partial void InstallVerificationOff(ILogger logger);

    [LoggerMessage(1610, LogLevel.Warning, "Reading the store's figures for /metrics failed; the last figures stay in place")]
    public static partial void StoreStatisticsFailed(ILogger logger, Exception exception);

}
