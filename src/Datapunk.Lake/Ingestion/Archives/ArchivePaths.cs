namespace Datapunk.Lake.Ingestion.Archives;

/// <summary>Checks and normalises the paths of archive entries.</summary>
public static class ArchivePaths
{
    /// <summary>
    /// Returns the entry path with '/' separators and without a leading "./", or null with a reason when
    /// the path is absolute, has a drive letter, climbs out with "..", or holds a NUL character.
    /// </summary>
    /// <remarks>
    /// Entries are stored by content hash, never at their own path, so an unsafe path cannot overwrite anything;
    /// it is still rejected because such an entry was not written by a platform export.
    /// </remarks>
    public static string? Normalize(string path, out string? problem)
    {
        problem = null;
        var normalized = path.Replace('\\', '/');
        while (normalized.StartsWith("./", StringComparison.Ordinal))
        {
            normalized = normalized[2..];
        }

        if (normalized.Contains('\0', StringComparison.Ordinal))
        {
            problem = "the entry path contains a NUL character";
            return null;
        }

        if (normalized.StartsWith('/') || (normalized.Length >= 2 && char.IsAsciiLetter(normalized[0]) && normalized[1] == ':'))
        {
            problem = "the entry path is absolute, so it would escape the import root";
            return null;
        }

        foreach (var segment in normalized.Split('/'))
        {
            if (segment == "..")
            {
                problem = "the entry path contains '..', so it would escape the import root";
                return null;
            }
        }

        return normalized.Length == 0 ? null : normalized;
    }
}
