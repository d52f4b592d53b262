namespace Datapunk.Lake.Tests.Support;

/// <summary>
/// The shared corpus of real export files, at <c>../shared/corpus</c> from the repository root. Tests that use it
/// fail, never skip, when it is missing.
/// </summary>
public static class Corpus
{
    public static string Root { get; } = FindRoot();

    /// <summary>The full path of a corpus file, given as 'owner+repo/path/in/repo'. Fails when it does not exist.</summary>
    public static string File(string relativePath)
    {
        var path = Path.Combine(Root, relativePath);
        Assert.True(System.IO.File.Exists(path), $"Corpus file missing: {path}");
        return path;
    }

    private static string FindRoot()
    {
        var repository = RepositoryRoot.Path;
        var corpus = Path.GetFullPath(Path.Combine(repository, "..", "shared", "corpus"));
        if (!Directory.Exists(corpus))
        {
            throw new DirectoryNotFoundException($"The shared corpus is missing: expected it at {corpus} (../shared/corpus from the repository root).");
        }

        return corpus;
    }
}

/// <summary>The repository root, found by walking up from the test binaries to the folder that holds the solution.</summary>
public static class RepositoryRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !System.IO.File.Exists(System.IO.Path.Combine(directory.FullName, "Datapunk.Lake.slnx")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new DirectoryNotFoundException("Cannot find Datapunk.Lake.slnx above " + AppContext.BaseDirectory);
    }
}
