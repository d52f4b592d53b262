using Datapunk.Lake.Imports;
using Datapunk.Lake.Tests.Support;
using static Datapunk.Lake.Tests.Ingestion.Engine.TakeoutFixtures;

namespace Datapunk.Lake.Tests.Ingestion.Engine;

public sealed class AtomicityTests
{
    [Fact]
    public async Task BrokenThousandthItem_AddsNoRecordOfTheFile()
    {
        await using var lake = await TempLake.CreateAsync();
        var broken = RecordsJson(0, 1500, i => i == 999 ? """{ "latitudeE7": 1, "longitudeE7": 2 }""" : null);
        var zip = Path.Combine(TempLake.NewDirectory(), "takeout.zip");
        WriteZip(zip, (RecordsPath, Utf8(broken)), ("Takeout/Other/Records.json", Utf8(RecordsJson(5000, 3))));

        var summary = await lake.ImportAsync(zip);

        var report = Assert.Single(await lake.Lake.Records.GetImportFilesAsync(summary.Id, CancellationToken.None), f => f.Path == RecordsPath);
        Assert.Equal(FileOutcome.Error, report.Outcome);
        Assert.StartsWith("/locations/999 (byte ", report.Position, StringComparison.Ordinal);
        Assert.Contains("Location 999", report.Message, StringComparison.Ordinal);
        Assert.Equal(0, report.RecordsAdded);
        Assert.Equal(3, await lake.Lake.Records.CountRecordsAsync(CancellationToken.None));
        Assert.Equal(3, summary.RecordsAdded);
        Assert.Equal(3, Assert.Single(await lake.Lake.Records.ListDatasetsAsync(CancellationToken.None)).RecordCount);
    }

    [Fact]
    public async Task BrokenFile_IsParsedAgainOnceFixed()
    {
        await using var lake = await TempLake.CreateAsync();
        await lake.ImportTextAsync("Records.json", RecordsJson(0, 10, i => i == 9 ? "{}" : null));

        var summary = await lake.ImportTextAsync("Records.json", RecordsJson(0, 10));

        Assert.Equal(10, summary.RecordsAdded);
        Assert.Equal(0, summary.Duplicates);
    }
}
