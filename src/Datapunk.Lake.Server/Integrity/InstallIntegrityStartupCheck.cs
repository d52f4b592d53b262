using Datapunk.Lake.Server.Hosting;

namespace Datapunk.Lake.Server.Integrity;

/// <summary>
/// Verifies the app's files against the install manifest before the server takes requests. In
/// <see cref="InstallVerificationMode.Enforce"/> mode a difference stops the host; otherwise it is logged.
/// </summary>
internal sealed class InstallIntegrityStartupCheck(
    IConfiguration configuration,
    IHostEnvironment environment,
    ILogger<InstallIntegrityStartupCheck> logger) : IHostedService
{
    /// <summary>The folder to verify; the running app's folder unless a test sets another.</summary>
    public string AppDirectory { get; init; } = InstallVerifier.CurrentAppDirectory;

    private const int DifferencesLogged = 20;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var mode = InstallVerificationSettings.ReadMode(configuration, environment, out var explicitlySet);
        if (mode == InstallVerificationMode.Off)
        {
            Log.InstallVerificationOff(logger);
            return;
        }

        var result = await InstallVerifier.VerifyAsync(AppDirectory, cancellationToken);
        if (!result.ManifestFound)
        {
            // A build from source (dotnet run, tests) has no manifest; only an image that promises one must have it.
            if (mode == InstallVerificationMode.Enforce && explicitlySet)
            {
                Log.InstallManifestMissingRefused(logger, result.AppDirectory, InstallManifest.FileName);
                throw new InvalidOperationException(
                    $"Refusing to start: {InstallManifest.FileName} is missing from {result.AppDirectory}, so the installed files cannot be verified. Reinstall the app or image, or set {InstallVerificationSettings.ModeKey}=warn.");
            }

            Log.InstallManifestMissing(logger, result.AppDirectory, InstallManifest.FileName);
            return;
        }

        if (result.IsIntact)
        {
            Log.InstallVerified(logger, result.FilesChecked, result.AppDirectory);
            return;
        }

        var differences = string.Join("; ", result.DescribeDifferences(DifferencesLogged));
        var count = result.Modified.Count + result.Missing.Count + result.Unexpected.Count;
        if (mode == InstallVerificationMode.Enforce)
        {
            Log.InstallDifferencesRefused(logger, count, result.AppDirectory, differences);
            throw new InvalidOperationException(
                $"Refusing to start: {count} installed files differ from {InstallManifest.FileName} ({differences}). Reinstall the app or image.");
        }

        Log.InstallDifferencesWarned(logger, count, result.AppDirectory, differences);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
