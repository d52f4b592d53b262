using Datapunk.Lake.Imports;
using Datapunk.Lake.Tests.Support;
using static Datapunk.Lake.Tests.Ingestion.Engine.TakeoutFixtures;

namespace Datapunk.Lake.Tests.Ingestion.Engine;

public sealed class InputKindTests
{
    [Fact]
    public async Task Zip_ImportsItsRecords()
    {
        await using var lake = await TempLake.CreateAsync();
        var zip = Path.Combine(TempLake.NewDirectory(), "takeout.zip");
        WriteZip(zip, (RecordsPath, Utf8(RecordsJson(0, 3))));

        var summary = await lake.ImportAsync(zip);

        Assert.Equal(ImportState.Succeeded, summary.State);
        Assert.Equal(0, summary.Errors);
        Assert.Equal(3, summary.RecordsAdded);
        Assert.Equal(3, (await lake.AllRecordsAsync()).Count);
    }

    [Fact]
    public async Task Tgz_ImportsItsRecords()
    {
        await using var lake = await TempLake.CreateAsync();
        var tgz = Path.Combine(TempLake.NewDirectory(), "takeout.tgz");
        WriteTgz(tgz, (RecordsPath, Utf8(RecordsJson(0, 4))), ("Takeout/archive_browser.html", Utf8("<html></html>")));

        var summary = await lake.ImportAsync(tgz);

        Assert.Equal(0, summary.Errors);
        Assert.Equal(4, summary.RecordsAdded);
        Assert.Equal(1, summary.FilesKept);
        var record = (await lake.AllRecordsAsync())[0];
        Assert.Equal(RecordsPath, record.Provenance.Path);
    }

    [Fact]
    public async Task Tgz_ExtractsNothingButBlobs()
    {
        await using var lake = await TempLake.CreateAsync();
        var tgz = Path.Combine(TempLake.NewDirectory(), "takeout.tgz");
        var records = Utf8(RecordsJson(0, 2));
        WriteTgz(tgz, (RecordsPath, records));

        await lake.ImportAsync(tgz);

        // The archive is read as a stream: the only files written are the content-addressed blobs of the
        // archive and of its entry, never an extracted tree.
        var names = BlobFiles(lake.Lake).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(new[] { Sha256OfFile(tgz), Sha256(records) }.Order(StringComparer.Ordinal), names);
        Assert.Empty(TemporaryFiles(lake.Lake));
    }

    [Fact]
    public async Task Folder_ImportsEveryFile()
    {
        await using var lake = await TempLake.CreateAsync();
        var folder = TempLake.NewDirectory();
        Directory.CreateDirectory(Path.Combine(folder, "Takeout", "Location History"));
        await File.WriteAllTextAsync(Path.Combine(folder, RecordsPath), RecordsJson(0, 5));
        await File.WriteAllTextAsync(Path.Combine(folder, "Takeout", "index.html"), "<html></html>");

        var summary = await lake.ImportAsync(folder);

        Assert.Equal(5, summary.RecordsAdded);
        Assert.Equal(1, summary.FilesParsed);
        Assert.Equal(1, summary.FilesKept);
    }

    [Fact]
    public async Task SingleFile_ImportsItsRecords()
    {
        await using var lake = await TempLake.CreateAsync();
        var file = Path.Combine(TempLake.NewDirectory(), "Records.json");
        await File.WriteAllTextAsync(file, RecordsJson(0, 2));

        var summary = await lake.ImportAsync(file);

        Assert.Equal(2, summary.RecordsAdded);
        Assert.Equal(Sha256OfFile(file), summary.SourceBlob);
    }

    [Fact]
    public async Task MultiPartTakeout_GivenTogether_IsOneImport()
    {
        await using var lake = await TempLake.CreateAsync();
        var folder = TempLake.NewDirectory();
        var (part1, part2) = WriteTwoParts(folder);

        var summary = await lake.ImportAsync(part1, part2);

        Assert.Equal(0, summary.Errors);
        Assert.Equal(7, summary.RecordsAdded);
        Assert.Equal(2, summary.FilesParsed);
        Assert.Single(await lake.Lake.Records.ListImportsAsync(10, CancellationToken.None));
        var paths = (await lake.AllRecordsAsync()).Select(r => r.Provenance.Path).Distinct().Order(StringComparer.Ordinal);
        Assert.Equal(["Takeout/Location History (Timeline)/Records.json", RecordsPath], paths);
    }

    [Fact]
    public async Task MultiPartTakeout_InOneFolder_IsOneImport()
    {
        await using var lake = await TempLake.CreateAsync();
        var folder = TempLake.NewDirectory();
        WriteTwoParts(folder);

        var summary = await lake.ImportAsync(folder);

        Assert.Equal(0, summary.Errors);
        Assert.Equal(7, summary.RecordsAdded);
        Assert.Equal(2, summary.FilesParsed);
        var files = await lake.Lake.Records.GetImportFilesAsync(summary.Id, CancellationToken.None);
        Assert.Equal(2, files.Count(f => f.Format == "archive.zip"));
    }

    /// <summary>Writes a two-part Takeout as Google splits it: whole files spread over numbered zips.</summary>
    private static (string Part1, string Part2) WriteTwoParts(string folder)
    {
        var part1 = Path.Combine(folder, "takeout-20240101T000000Z-001.zip");
        var part2 = Path.Combine(folder, "takeout-20240101T000000Z-002.zip");
        WriteZip(part1, (RecordsPath, Utf8(RecordsJson(0, 3))), ("Takeout/archive_browser.html", Utf8("<html>part 1</html>")));
        WriteZip(part2, ("Takeout/Location History (Timeline)/Records.json", Utf8(RecordsJson(100, 4))));
        return (part1, part2);
    }
}
