using Datapunk.Lake.Records;
using Datapunk.Lake.Tests.Support;

namespace Datapunk.Lake.Tests.Ingestion.Google;

public sealed class TimelineEditsTests
{
    private const string CorpusFile = "Freika+dawarich/spec/fixtures/files/google/edge_cases/timeline_edits.json";

    [Fact]
    public async Task CorpusTimelineEdits_GivesLocation()
    {
        await using var lake = await TempLake.CreateAsync("me@example.com");
        var summary = await lake.ImportAsync(Corpus.File(CorpusFile));

        var fix = Assert.Single(await lake.AllRecordsAsync());
        Assert.Equal(0, summary.Errors);
        Assert.Equal("google/location-history/me@example.com", fix.Dataset);
        Assert.Equal(RecordKinds.Location, fix.Kind);
        Assert.Equal(RecordId.For(fix.Dataset, RecordKinds.Location, "1755268338000"), fix.Id);
        Assert.Equal(DateTimeOffset.Parse("2025-08-15T14:32:18Z", System.Globalization.CultureInfo.InvariantCulture), fix.Start);
        Assert.Equal(35.5831402, fix.Latitude);
        Assert.Equal(-119.3393903, fix.Longitude);
        Assert.Equal(12.0, fix.AccuracyMeters);
        Assert.Equal("-1613859921", (string)fix.Attributes!["deviceId"]!);
        Assert.Equal("/timelineEdits/0", fix.Provenance.Pointer);
    }

    [Fact]
    public async Task SameFixInRecordsJson_IsOneRecord()
    {
        await using var lake = await TempLake.CreateAsync();
        await lake.ImportAsync(Corpus.File(CorpusFile));
        var again = await lake.ImportTextAsync("Takeout/Location History/Records.json", """
            {"locations": [{"latitudeE7": 355831402, "longitudeE7": -1193393903, "accuracy": 12, "timestamp": "2025-08-15T14:32:18.000Z"}]}
            """);

        Assert.Single(await lake.AllRecordsAsync());
        Assert.Equal(1, again.Duplicates);
    }

    [Fact]
    public async Task PlaceAggregatesAndOtherSignals_AreSkipped()
    {
        await using var lake = await TempLake.CreateAsync();
        var summary = await lake.ImportTextAsync("Takeout/Location History/Timeline Edits.json", """
            {"timelineEdits": [
              {"deviceId": "1", "placeAggregates": {"placeAggregateInfo": [{"score": 1.5}], "windowSizeHrs": 24}},
              {"deviceId": "1", "rawSignal": {"signal": {"wifiScan": {"deliveryTime": "2025-08-15T14:32:18.000Z"}}}},
              {"deviceId": "2", "rawSignal": {"signal": {"position": {"point": {"latE7": 10, "lngE7": 20}, "accuracyMm": 500, "timestamp": "2025-08-15T16:00:00.000+02:00", "altitudeMeters": 95.5, "source": "WIFI"}}}}
            ]}
            """);

        var fix = Assert.Single(await lake.AllRecordsAsync());
        Assert.Equal(0, summary.Errors);
        Assert.Equal(0.5, fix.AccuracyMeters);
        Assert.Equal(TimeSpan.FromHours(2), fix.Start.Offset);
        Assert.Equal(95.5, (double)fix.Attributes!["altitude"]!);
        Assert.Equal("/timelineEdits/2", fix.Provenance.Pointer);
    }
}
