using System.CommandLine;
using Datapunk.Lake.Server.Integrity;

namespace Datapunk.Lake.Server.Cli;

/// <summary><c>lake verify --install</c>: compares the installed app's files with the manifest written at build time.</summary>
internal static class VerifyCommand
{
    public const int Intact = 0;

    public const int Differs = 1;

    public const int NotVerified = 2;

    public static Command Create()
    {
        var install = new Option<bool>("--install")
        {
            Description = $"Verify the installed app's files against {InstallManifest.FileName}.",
        };
        var appDirectory = new Option<string?>("--app-dir")
        {
            Description = "The app folder to verify. Default: the folder of this lake executable.",
        };
        var command = new Command("verify", "Verify the integrity of the lake's installation.") { install, appDirectory };
        command.SetAction(async (result, cancellationToken) =>
        {
            if (!result.GetValue(install))
            {
                Console.Error.WriteLine("Nothing to verify: pass --install to check the installed app's files against its manifest.");
                return NotVerified;
            }

            var directory = result.GetValue(appDirectory) ?? InstallVerifier.CurrentAppDirectory;
            InstallVerification verification;
            try
            {
                verification = await InstallVerifier.VerifyAsync(directory, cancellationToken);
            }
            catch (FormatException exception)
            {
                Console.Error.WriteLine(exception.Message);
                return NotVerified;
            }

            return Report(verification, Console.Out, Console.Error);
        });
        return command;
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
