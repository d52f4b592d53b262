using System.Globalization;

namespace Datapunk.Lake.Server.Integrity;

/// <summary>
/// The SHA-256 of every file of a published app, written at build time into <see cref="FileName"/> in the app
/// folder. The format is that of <c>sha256sum</c>: one "HASH  relative/path" line per file.
/// </summary>
public sealed class InstallManifest
{
    public const string FileName = "install-manifest.sha256";

    private InstallManifest(IReadOnlyDictionary<string, string> files)
    {
        Files = files;
    }

    /// <summary>Lower-case hex SHA-256 by path relative to the app folder, with '/' separators.</summary>
    public IReadOnlyDictionary<string, string> Files { get; }

    /// <exception cref="FormatException">A line is not "64-hex-digit-hash, two spaces (or space and '*'), path".</exception>
    public static async Task<InstallManifest> ReadAsync(string path, CancellationToken cancellationToken)
    {
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        var lines = await File.ReadAllLinesAsync(path, cancellationToken);
        for (var index = 0; index < lines.Length; index++)
        {
            var line = lines[index];
            if (line.Length == 0)
            {
                continue;
            }

            // sha256sum writes "HASH  PATH" in text mode and "HASH *PATH" in binary mode.
            if (line.Length < 67 || line[64] != ' ' || (line[65] != ' ' && line[65] != '*') || !IsLowerHex(line.AsSpan(0, 64)))
            {
                throw new FormatException(
                    $"Invalid line {(index + 1).ToString(CultureInfo.InvariantCulture)} in {path}: expected a lower-case SHA-256, two spaces and a path, as sha256sum writes.");
            }

            var relativePath = line[66..];
            if (!files.TryAdd(relativePath, line[..64]))
            {
                throw new FormatException($"Invalid manifest {path}: '{relativePath}' is listed twice.");
            }
        }

        return new InstallManifest(files);
    }

    private static bool IsLowerHex(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (!char.IsAsciiDigit(c) && c is not (>= 'a' and <= 'f'))
            {
                return false;
            }
        }

        return true;
    }
}
