using Datapunk.Lake.Records;
using Datapunk.Lake.Tests.Support;

namespace Datapunk.Lake.Tests.Ingestion.Google.LocationHistory;

/// <summary>Overlapping location sources of one account meet on their merge keys.</summary>
public sealed class LocationMergeTests
{
    private const string Records = """
        {"locations": [
          {"latitudeE7": 515007292, "longitudeE7": -1246254, "accuracy": 10, "source": "GPS", "timestamp": "2024-03-11T09:15:42.250Z"}
        ]}
        """;

    /// <summary>A raw position at the same instant as the Records.json fix, with fewer digits, and a visit of the same stay as <see cref="Semantic"/>.</summary>
    private const string Timeline = """
        {
          "semanticSegments": [
            {"startTime": "2024-03-09T18:00:00.000+01:00", "endTime": "2024-03-09T19:30:00.000+01:00",
             "visit": {"hierarchyLevel": 0, "topCandidate": {"placeId": "ChIJLU7jZClu5kcR4PcOOO6p3I0", "placeLocation": {"latLng": "48.858370°, 2.294481°"}}}}
          ],
          "rawSignals": [
            {"position": {"LatLng": "51.500729°, -0.124625°", "accuracyMeters": 13, "timestamp": "2024-03-11T09:15:42.250+00:00"}}
          ]
        }
        """;

    private const string Semantic = """
        {"timelineObjects": [
          {"placeVisit": {
            "location": {"latitudeE7": 488583701, "longitudeE7": 22944813, "placeId": "ChIJLU7jZClu5kcR4PcOOO6p3I0", "name": "Eiffel Tower"},
            "duration": {"startTimestamp": "2024-03-09T17:00:00Z", "endTimestamp": "2024-03-09T18:30:00.000Z"}}}
        ]}
        """;

    [Fact]
    public async Task RawSignal_MergesWithRecordsJsonFix()
    {
        await using var lake = await TempLake.CreateAsync();
        var first = await lake.ImportTextAsync("Takeout/Location History (Timeline)/Records.json", Records);
        var second = await lake.ImportTextAsync("Timeline.json", Timeline);

        var locations = (await lake.AllRecordsAsync()).OfKind(RecordKinds.Location);
        var fix = Assert.Single(locations);
        Assert.Equal(1, first.RecordsAdded);
        Assert.Equal(1, second.RecordsAdded);
        Assert.Equal(1, second.Duplicates);
        Assert.Equal(51.5007292, fix.Latitude);
        Assert.Equal(-0.1246254, fix.Longitude);
        Assert.Equal(10, fix.AccuracyMeters);
    }

    [Fact]
    public async Task RawSignalFirst_KeepsItsCoordinates()
    {
        await using var lake = await TempLake.CreateAsync();
        await lake.ImportTextAsync("Timeline.json", Timeline);
        var second = await lake.ImportTextAsync("Records.json", Records);

        var fix = Assert.Single((await lake.AllRecordsAsync()).OfKind(RecordKinds.Location));
        Assert.Equal(0, second.RecordsAdded);
        Assert.Equal(1, second.Duplicates);
        Assert.Equal(51.500729, fix.Latitude);
        Assert.Equal(-0.124625, fix.Longitude);
    }

    [Fact]
    public async Task SemanticVisit_MergesWithOnDeviceVisit()
    {
        await using var lake = await TempLake.CreateAsync();
        await lake.ImportTextAsync("Semantic Location History/2024/2024_MARCH.json", Semantic);
        var second = await lake.ImportTextAsync("Timeline.json", Timeline);

        var visit = Assert.Single((await lake.AllRecordsAsync()).OfKind(RecordKinds.Visit));
        Assert.Equal(1, second.Duplicates);
        Assert.Equal("Eiffel Tower", visit.Title);
        Assert.Equal("2024-03-09T17:00:00.000+00:00", LocationRecords.Iso(visit.Start));
    }

    [Fact]
    public async Task ShiftedVisit_StaysSeparate()
    {
        var resegmented = Semantic.Replace("2024-03-09T17:00:00Z", "2024-03-09T17:00:01Z", StringComparison.Ordinal);
        Assert.NotEqual(Semantic, resegmented);

        await using var lake = await TempLake.CreateAsync();
        await lake.ImportTextAsync("Semantic Location History/2024/2024_MARCH.json", resegmented);
        await lake.ImportTextAsync("Timeline.json", Timeline);

        Assert.Equal(2, (await lake.AllRecordsAsync()).OfKind(RecordKinds.Visit).Count);
    }

    [Theory]
    [InlineData("Semantic Location History/2024/2024_MARCH.json", Semantic)]
    [InlineData("Timeline.json", Timeline)]
    public async Task SameFileTwice_AddsNothing(string path, string content)
    {
        await using var lake = await TempLake.CreateAsync();
        var first = await lake.ImportTextAsync(path, content);
        var countAfterFirst = (await lake.AllRecordsAsync()).Count;
        var second = await lake.ImportTextAsync(path, content);

        Assert.True(first.RecordsAdded > 0);
        Assert.Equal(0, second.RecordsAdded);
        Assert.Equal(0, second.Errors);
        Assert.Equal(countAfterFirst, (await lake.AllRecordsAsync()).Count);
    }

    [Fact]
    public async Task CorpusIosFileTwice_AddsNothing()
    {
        await using var lake = await TempLake.CreateAsync();
        var path = Corpus.File("Freika+dawarich/spec/fixtures/files/google/location-history.json");
        await lake.ImportAsync(path);
        var second = await lake.ImportAsync(path);

        Assert.Equal(0, second.RecordsAdded);
        Assert.Equal(8, (await lake.AllRecordsAsync()).Count);
    }

    [Fact]
    public async Task ReformattedTimeline_OnlyDuplicates()
    {
        // The same items in a file with other bytes (so it is parsed again, not skipped as unchanged) must all merge.
        var reformatted = Timeline.Replace("\n", "\r\n", StringComparison.Ordinal) + " ";

        await using var lake = await TempLake.CreateAsync();
        var first = await lake.ImportTextAsync("Timeline.json", Timeline);
        var second = await lake.ImportTextAsync("Zeitachse.json", reformatted);

        Assert.Equal(2, first.RecordsAdded);
        Assert.Equal(0, second.RecordsAdded);
        Assert.Equal(2, second.Duplicates);
    }
}
