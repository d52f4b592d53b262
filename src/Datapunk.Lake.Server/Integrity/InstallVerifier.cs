using System.Security.Cryptography;

namespace Datapunk.Lake.Server.Integrity;

/// <summary>Compares the files of an installed app with the manifest written when it was built.</summary>
public static class InstallVerifier
{
    /// <summary>The folder of the running app, where the build stage puts the manifest.</summary>
    public static string CurrentAppDirectory => AppContext.BaseDirectory;

    /// <summary>
    /// Hashes every file under <paramref name="appDirectory"/> and compares it with the manifest there: a changed,
    /// missing or added file is a difference, since an added assembly can be loaded as easily as a changed one.
    /// </summary>
    /// <exception cref="FormatException">The manifest is malformed.</exception>
    public static async Task<InstallVerification> VerifyAsync(string appDirectory, CancellationToken cancellationToken)
    {
        var root = Path.GetFullPath(appDirectory);
        var manifestPath = Path.Combine(root, InstallManifest.FileName);
        if (!File.Exists(manifestPath))
        {
            return InstallVerification.NoManifest(root);
        }

        var manifest = await InstallManifest.ReadAsync(manifestPath, cancellationToken);
        var modified = new List<string>();
        var missing = new List<string>();
        foreach (var (relativePath, expected) in manifest.Files.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            var path = Path.Combine(root, relativePath);
            if (!File.Exists(path))
            {
                missing.Add(relativePath);
                continue;
            }

            if (!string.Equals(await HashFileAsync(path, cancellationToken), expected, StringComparison.Ordinal))
            {
                modified.Add(relativePath);
            }
        }

        var unexpected = Directory.EnumerateFiles(root, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.None })
            .Select(path => Path.GetRelativePath(root, path).Replace(Path.DirectorySeparatorChar, '/'))
            .Where(relativePath => relativePath != InstallManifest.FileName && !manifest.Files.ContainsKey(relativePath))
            .Order(StringComparer.Ordinal)
            .ToList();

        return new InstallVerification(root, true, manifest.Files.Count, modified, missing, unexpected);
    }

    private static async Task<string> HashFileAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 81920, useAsync: true);
        var hash = await SHA256.HashDataAsync(stream, cancellationToken);
        return Convert.ToHexStringLower(hash);
    }
}
