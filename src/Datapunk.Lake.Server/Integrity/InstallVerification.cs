namespace Datapunk.Lake.Server.Integrity;

/// <summary>The outcome of comparing an app folder with its install manifest.</summary>
/// <param name="ManifestFound">False when the folder has no manifest, so nothing could be compared.</param>
/// <param name="FilesChecked">Files listed in the manifest.</param>
/// <param name="Modified">Files whose SHA-256 differs from the manifest.</param>
/// <param name="Missing">Files in the manifest that are not in the folder.</param>
/// <param name="Unexpected">Files in the folder that the manifest does not list.</param>
public sealed record InstallVerification(
    string AppDirectory,
    bool ManifestFound,
    int FilesChecked,
    IReadOnlyList<string> Modified,
    IReadOnlyList<string> Missing,
    IReadOnlyList<string> Unexpected)
{
    public bool IsIntact => ManifestFound && Modified.Count == 0 && Missing.Count == 0 && Unexpected.Count == 0;

    public static InstallVerification NoManifest(string appDirectory) => new(appDirectory, false, 0, [], [], []);

    /// <summary>One line per difference, such as "modified: lake.dll", at most <paramref name="maximum"/> lines.</summary>
    public IEnumerable<string> DescribeDifferences(int maximum = int.MaxValue) =>
        Modified.Select(path => "modified: " + path)
            .Concat(Missing.Select(path => "missing: " + path))
            .Concat(Unexpected.Select(path => "unexpected: " + path))
            .Take(maximum);
}
