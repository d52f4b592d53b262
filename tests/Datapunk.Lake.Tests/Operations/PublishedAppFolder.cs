using System.Diagnostics;
using Datapunk.Lake.Server.Integrity;
using Datapunk.Lake.Tests.Support;

namespace Datapunk.Lake.Tests.Operations;

/// <summary>
/// A folder of real assemblies copied from the test output, with a manifest written by the same script as the
/// image build (<c>deploy/write-install-manifest.sh</c>). Deleted on dispose.
/// </summary>
public sealed class PublishedAppFolder : IDisposable
{
    private static readonly string[] CopiedFiles = ["lake.dll", "Datapunk.Lake.dll", "System.CommandLine.dll"];

    private PublishedAppFolder(string path)
    {
        Path = path;
    }

    public string Path { get; }

    public static async Task<PublishedAppFolder> CreateAsync()
    {
        var folder = new PublishedAppFolder(TempLake.NewDirectory());
        foreach (var name in CopiedFiles)
        {
            File.Copy(System.IO.Path.Combine(AppContext.BaseDirectory, name), System.IO.Path.Combine(folder.Path, name));
        }

        // A nested file, as published apps have under runtimes/.
        var nested = System.IO.Path.Combine(folder.Path, "runtimes", "linux-x64", "native");
        Directory.CreateDirectory(nested);
        File.Copy(System.IO.Path.Combine(AppContext.BaseDirectory, "Datapunk.Lake.dll"), System.IO.Path.Combine(nested, "libsample.so"));

        await RunManifestScriptAsync(folder.Path);
        return folder;
    }

    public string FilePath(string relativePath) => System.IO.Path.Combine(Path, relativePath);

    /// <summary>Adds one to the byte at <paramref name="offset"/>, as a disk error or a tampering would.</summary>
    public void ChangeOneByte(string relativePath, long offset)
    {
        using var stream = new FileStream(FilePath(relativePath), FileMode.Open, FileAccess.ReadWrite);
        stream.Position = offset;
        var original = stream.ReadByte();
        stream.Position = offset;
        stream.WriteByte((byte)(original + 1));
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);

    private static async Task RunManifestScriptAsync(string appDirectory)
    {
        var script = System.IO.Path.Combine(RepositoryRoot.Path, "deploy", "write-install-manifest.sh");
        using var process = Process.Start(new ProcessStartInfo("/bin/sh", [script, appDirectory])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"write-install-manifest.sh failed: {error}");
        Assert.True(File.Exists(System.IO.Path.Combine(appDirectory, InstallManifest.FileName)));
    }
}
