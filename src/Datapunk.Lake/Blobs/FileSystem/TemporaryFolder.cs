namespace Datapunk.Lake.Blobs.FileSystem;

/// <summary>The <c>.tmp</c> folder where blob stores on the file system write a blob before renaming it into place.</summary>
public static class TemporaryFolder
{
    /// <summary>Writes and removes a probe file; false when the folder does not accept writes.</summary>
    public static async Task<bool> IsWritableAsync(string folder, CancellationToken cancellationToken)
    {
        var probe = Path.Combine(folder, "probe-" + Guid.NewGuid().ToString("N"));
        try
        {
            await File.WriteAllBytesAsync(probe, [1], cancellationToken);
            File.Delete(probe);
            return true;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>
    /// Removes files last written more than <paramref name="olderThan"/> ago: those that an interrupted write left
    /// behind. Younger files may belong to a write still running in another process.
    /// </summary>
    public static int Clean(string folder, TimeSpan olderThan)
    {
        var removed = 0;
        var cutoff = DateTime.UtcNow - olderThan;
        foreach (var file in Directory.EnumerateFiles(folder))
        {
            if (File.GetLastWriteTimeUtc(file) < cutoff)
            {
                File.Delete(file);
                removed++;
            }
        }

        return removed;
    }
}
