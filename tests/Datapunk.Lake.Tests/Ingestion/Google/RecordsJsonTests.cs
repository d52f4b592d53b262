using Datapunk.Lake.Imports;
using Datapunk.Lake.Records;
using Datapunk.Lake.Tests.Support;

namespace Datapunk.Lake.Tests.Ingestion.Google;

public sealed class RecordsJsonTests
{
    [Fact]
    public async Task CorpusLocationHistoryJson_ImportsEveryFix()
    {
        await using var lake = await TempLake.CreateAsync();
        var summary = await lake.ImportAsync(Corpus.File("dogsheep+google-takeout-to-sqlite/tests/zip_contents/Takeout/Location History/Location History.json"));

        var records = await lake.AllRecordsAsync();
        Assert.Equal(0, summary.Errors);
        Assert.Equal(2, records.Count);
        Assert.All(records, r => Assert.Equal(RecordKinds.Location, r.Kind));
    }
}
