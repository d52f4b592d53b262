using System.CommandLine;
using System.CommandLine.Invocation;
using Datapunk.Lake.Server.Integrity;

namespace Datapunk.Lake.Server.Cli;

/// <summary><c>lake verify --install</c>: compares the installed app's files with the manifest written at build time.</summary>
internal static class VerifyCommand
{
    public const int Intact = 0;

    public const int Differs = 1;

    public const int NotVerified = 2;

    /// <summary>
    /// Adds <c>--install</c> and <c>--app-dir</c> to the <c>lake verify</c> command. With <c>--install</c> the command
    /// checks the installed app's files instead of the data, so it needs no data directory.
    /// </summary>
    /// <exception cref="InvalidOperationException"><paramref name="verify"/> has no asynchronous action to keep.</exception>
    public static Command AddInstallOption(Command verify)
    {
        var install = new Option<bool>("--install")
        {
            Description = $"Verify the installed app's files against {InstallManifest.FileName} instead of the data.",
        };
        var appDirectory = new Option<string?>("--app-dir")
        {
            Description = "With --install: the app folder to verify. Default: the folder of this lake executable.",
        };
        verify.Options.Add(install);
        verify.Options.Add(appDirectory);

        var verifyData = verify.Action as AsynchronousCommandLineAction
            ?? throw new InvalidOperationException("The verify command needs an asynchronous action before --install is added.");
        verify.SetAction(async (result, cancellationToken) => result.GetValue(install)
            ? await VerifyInstallAsync(result.GetValue(appDirectory), cancellationToken)
            : await verifyData.InvokeAsync(result, cancellationToken));
        return verify;
    }

    private static async Task<int> VerifyInstallAsync(string? appDirectory, CancellationToken cancellationToken)
    {
        var directory = appDirectory ?? InstallVerifier.CurrentAppDirectory;
        InstallVerification verification;
        try
        {
            verification = await InstallVerifier.VerifyAsync(directory, cancellationToken);
        }
        catch (FormatException exception)
        {
            await Console.Error.WriteLineAsync(exception.Message);
            return NotVerified;
        }

        return Report(verification, Console.Out, Console.Error);
    }

    public static int Report(InstallVerification verification, TextWriter output, TextWriter error)
    {
        if (!verification.ManifestFound)
        {
            error.WriteLine($"Not verified: {InstallManifest.FileName} is missing from {verification.AppDirectory}. Only a published build (the container image) has one.");
            return NotVerified;
        }

        if (verification.IsIntact)
        {
            output.WriteLine($"Install verified: {verification.FilesChecked} files in {verification.AppDirectory} match {InstallManifest.FileName}.");
            return Intact;
        }

        foreach (var line in verification.DescribeDifferences())
        {
            output.WriteLine(line);
        }

        var count = verification.Modified.Count + verification.Missing.Count + verification.Unexpected.Count;
        error.WriteLine($"Install differs: {count} files in {verification.AppDirectory} differ from {InstallManifest.FileName}. Reinstall the app or image.");
        return Differs;
    }
}
