using Datapunk.Lake.Imports;
using Datapunk.Lake.Tests.Support;
using static Datapunk.Lake.Tests.Ingestion.Engine.TakeoutFixtures;

namespace Datapunk.Lake.Tests.Ingestion.Engine;

public sealed class IdempotencyTests
{
    [Fact]
    public async Task SameArchiveTwice_AddsNothing()
    {
        await using var lake = await TempLake.CreateAsync();
        var zip = Path.Combine(TempLake.NewDirectory(), "takeout.zip");
        WriteZip(zip, (RecordsPath, Utf8(RecordsJson(0, 10))), ("Takeout/index.html", Utf8("<html></html>")));
        await lake.ImportAsync(zip);
        var blobsBefore = BlobFiles(lake.Lake).Count;

        var second = await lake.ImportAsync(zip);

        Assert.Equal(ImportState.Succeeded, second.State);
        Assert.Equal(0, second.RecordsAdded);
        Assert.Equal(0, second.FilesStored);
        Assert.Equal(1, second.FilesUnchanged);
        Assert.Equal(blobsBefore, BlobFiles(lake.Lake).Count);
        Assert.Equal(10, (await lake.AllRecordsAsync()).Count);
        Assert.Equal(10, await lake.Lake.Records.CountRecordsAsync(CancellationToken.None));
    }

    [Fact]
    public async Task SameFileInTwoZips_AddsNoRecords()
    {
        await using var lake = await TempLake.CreateAsync();
        var folder = TempLake.NewDirectory();
        var records = Utf8(RecordsJson(0, 10));
        var first = Path.Combine(folder, "first.zip");
        var second = Path.Combine(folder, "second.zip");
        WriteZip(first, (RecordsPath, records));
        WriteZip(second, ("Takeout/Standortverlauf/Records.json", records), ("Takeout/new.txt", Utf8("new")));
        await lake.ImportAsync(first);

        var summary = await lake.ImportAsync(second);

        Assert.Equal(0, summary.RecordsAdded);
        Assert.Equal(1, summary.FilesUnchanged);
        Assert.Equal(2, summary.FilesStored);
        Assert.Equal(10, await lake.Lake.Records.CountRecordsAsync(CancellationToken.None));
    }

    [Fact]
    public async Task OverlappingRecordsJson_CountsSharedPointsAsDuplicates()
    {
        await using var lake = await TempLake.CreateAsync();
        var folder = TempLake.NewDirectory();
        var first = Path.Combine(folder, "2023.zip");
        var second = Path.Combine(folder, "2024.zip");
        WriteZip(first, (RecordsPath, Utf8(RecordsJson(0, 100))));
        WriteZip(second, (RecordsPath, Utf8(RecordsJson(50, 100))));
        await lake.ImportAsync(first);

        var summary = await lake.ImportAsync(second);

        Assert.Equal(50, summary.RecordsAdded);
        Assert.Equal(50, summary.Duplicates);
        var records = await lake.AllRecordsAsync();
        Assert.Equal(150, records.Count);
        Assert.Equal(150, records.Select(r => r.Id).Distinct(StringComparer.Ordinal).Count());
        var datasets = await lake.Lake.Records.ListDatasetsAsync(CancellationToken.None);
        Assert.Equal(150, Assert.Single(datasets).RecordCount);
    }

    [Fact]
    public async Task OverlapInOneImport_CountsDuplicates()
    {
        await using var lake = await TempLake.CreateAsync();
        var folder = TempLake.NewDirectory();
        var first = Path.Combine(folder, "a.zip");
        var second = Path.Combine(folder, "b.zip");
        WriteZip(first, (RecordsPath, Utf8(RecordsJson(0, 20))));
        WriteZip(second, (RecordsPath, Utf8(RecordsJson(10, 20))));

        var summary = await lake.ImportAsync(first, second);

        Assert.Equal(30, summary.RecordsAdded);
        Assert.Equal(10, summary.Duplicates);
        Assert.Equal(30, await lake.Lake.Records.CountRecordsAsync(CancellationToken.None));
    }
}
