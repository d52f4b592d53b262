using System.IO.Compression;
using Datapunk.Lake.Imports;
using Datapunk.Lake.Tests.Support;

namespace Datapunk.Lake.Tests;

/// <summary>The sample archive that the README's first command imports.</summary>
public sealed class SampleArchiveTests
{
    private static string SampleZip => Path.Combine(RepositoryRoot.Path, "samples", "takeout-sample.zip");

    private static string SampleFolder => Path.Combine(RepositoryRoot.Path, "samples", "takeout");

    [Fact]
    public void SampleZip_MatchesFolder()
    {
        using var archive = ZipFile.OpenRead(SampleZip);
        var files = Directory.EnumerateFiles(SampleFolder, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(SampleFolder, f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)
            .ToList();

        Assert.Equal(files, archive.Entries.Select(e => e.FullName).Order(StringComparer.Ordinal).ToList());
        foreach (var entry in archive.Entries)
        {
            using var stream = entry.Open();
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            Assert.Equal(File.ReadAllBytes(Path.Combine(SampleFolder, entry.FullName)), copy.ToArray());
        }
    }

    [Fact]
    public async Task SampleZip_ImportsWithoutErrors()
    {
        await using var lake = await TempLake.CreateAsync();

        var summary = await lake.ImportAsync(SampleZip);

        Assert.Equal(ImportState.Succeeded, summary.State);
        Assert.Equal(0, summary.Errors);
        Assert.True(summary.RecordsAdded >= 4, $"Only {summary.RecordsAdded} records were added.");
    }
}
