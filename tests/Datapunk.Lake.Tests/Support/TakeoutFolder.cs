namespace Datapunk.Lake.Tests.Support;

/// <summary>Writes a small export folder from relative paths and contents, for tests that need several files together.</summary>
public static class TakeoutFolder
{
    /// <summary>Creates a new temporary folder with the files and returns its path.</summary>
    public static string Create(params (string Path, object Content)[] files)
    {
        var folder = TempLake.NewDirectory();
        foreach (var (path, content) in files)
        {
            var full = Path.Combine(folder, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            if (content is byte[] bytes)
            {
                File.WriteAllBytes(full, bytes);
            }
            else
            {
                File.WriteAllText(full, (string)content);
            }
        }

        return folder;
    }
}
