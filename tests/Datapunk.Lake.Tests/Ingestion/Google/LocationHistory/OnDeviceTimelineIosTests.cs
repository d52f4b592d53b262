using Datapunk.Lake.Records;
using Datapunk.Lake.Tests.Support;

namespace Datapunk.Lake.Tests.Ingestion.Google.LocationHistory;

public sealed class OnDeviceTimelineIosTests
{
    private const string Path = "location-history.json";

    /// <summary>The iOS variants: geo URIs with negative latitude, numbers as strings, <c>placeID</c>, minute offsets.</summary>
    private const string History = """
        [
          {
            "endTime": "2024-01-20T13:45:00.000+11:00",
            "startTime": "2024-01-20T11:02:10.000+11:00",
            "visit": {
              "hierarchyLevel": "0",
              "topCandidate": {
                "probability": "0.912345",
                "semanticType": "Searched Address",
                "placeID": "ChIJ3S-JXmauEmsRUcIaWtf4MzE",
                "placeLocation": "geo:-33.856784,151.215297"
              },
              "probability": "0.850000"
            }
          },
          {
            "endTime": "2024-01-20T14:20:00.000+11:00",
            "startTime": "2024-01-20T13:45:00.000+11:00",
            "activity": {
              "probability": "0.990000",
              "end": "geo:-33.870453,151.208755",
              "topCandidate": { "type": "walking", "probability": "0.870000" },
              "distanceMeters": "2150.500000",
              "start": "geo:-33.856784,151.215297"
            }
          },
          {
            "endTime": "2024-01-20T16:00:00.000+11:00",
            "startTime": "2024-01-20T14:00:00.000+11:00",
            "timelinePath": [
              { "point": "geo:-33.860000,151.212000", "durationMinutesOffsetFromStartTime": "12" },
              { "point": "geo:-33.870453,151.208755", "durationMinutesOffsetFromStartTime": "20" }
            ]
          },
          {
            "endTime": "2024-01-21T00:00:00.000+11:00",
            "startTime": "2024-01-18T00:00:00.000+11:00",
            "timelineMemory": { "destinations": [ { "identifier": "ChIJP3Sa8ziYEmsRUKgyFmh9AQM" } ], "distanceFromOriginKms": "880" }
          }
        ]
        """;

    [Fact]
    public async Task OwnHistory_ImportsFourRecords()
    {
        await using var lake = await TempLake.CreateAsync();
        var summary = await lake.ImportTextAsync(Path, History);

        var records = await lake.AllRecordsAsync();
        Assert.Equal(0, summary.Errors);
        Assert.Equal(4, records.Count);
        Assert.Single(records.OfKind(RecordKinds.Visit));
        Assert.Single(records.OfKind(RecordKinds.ActivitySegment));
        Assert.Equal(2, records.OfKind(RecordKinds.Location).Count);
    }

    [Fact]
    public async Task Visit_ParsesGeoUriAndStringNumbers()
    {
        await using var lake = await TempLake.CreateAsync();
        await lake.ImportTextAsync(Path, History);

        var visit = Assert.Single((await lake.AllRecordsAsync()).OfKind(RecordKinds.Visit));
        Assert.Equal("2024-01-20T11:02:10.000+11:00", LocationRecords.Iso(visit.Start));
        Assert.Equal("2024-01-20T13:45:00.000+11:00", LocationRecords.Iso(visit.End));
        Assert.Equal(-33.856784, visit.Latitude);
        Assert.Equal(151.215297, visit.Longitude);
        Assert.Equal("ChIJ3S-JXmauEmsRUcIaWtf4MzE", visit.Text("placeId"));
        Assert.Equal("Searched Address", visit.Text("semanticType"));
        Assert.Equal(0.912345, visit.Number("candidateProbability"));
        Assert.Equal(0.85, visit.Number("probability"));
        Assert.Equal(0, visit.Number("hierarchyLevel"));
        Assert.Equal("/0/visit", visit.Provenance.Pointer);
    }

    [Fact]
    public async Task Activity_ParsesStringDistance()
    {
        await using var lake = await TempLake.CreateAsync();
        await lake.ImportTextAsync(Path, History);

        var segment = Assert.Single((await lake.AllRecordsAsync()).OfKind(RecordKinds.ActivitySegment));
        Assert.Equal("2024-01-20T13:45:00.000+11:00", LocationRecords.Iso(segment.Start));
        Assert.Equal("2024-01-20T14:20:00.000+11:00", LocationRecords.Iso(segment.End));
        Assert.Equal(-33.856784, segment.Latitude);
        Assert.Equal(151.215297, segment.Longitude);
        Assert.Equal("walking", segment.Title);
        Assert.Equal(2150.5, segment.Number("distanceMeters"));
        Assert.Equal(0.87, segment.Number("candidateProbability"));
        Assert.Equal(0.99, segment.Number("probability"));
        Assert.Equal(-33.870453, segment.Object("end")["latitude"]!.GetValue<double>());
        Assert.Equal(151.208755, segment.Object("end")["longitude"]!.GetValue<double>());
    }

    [Theory]
    [InlineData("2024-01-20T14:12:00.000+11:00", -33.86, 151.212, "/2/timelinePath/0")]
    [InlineData("2024-01-20T14:20:00.000+11:00", -33.870453, 151.208755, "/2/timelinePath/1")]
    public async Task PathPoint_AddsMinutesToSegmentStart(string time, double latitude, double longitude, string pointer)
    {
        await using var lake = await TempLake.CreateAsync();
        await lake.ImportTextAsync(Path, History);

        var point = (await lake.AllRecordsAsync()).At(RecordKinds.Location, time);
        Assert.Equal(latitude, point.Latitude);
        Assert.Equal(longitude, point.Longitude);
        Assert.Equal(pointer, point.Provenance.Pointer);
    }

    [Fact]
    public async Task CorpusLocationHistory_ImportsEightRecords()
    {
        await using var lake = await TempLake.CreateAsync();
        var summary = await lake.ImportAsync(Corpus.File("Freika+dawarich/spec/fixtures/files/google/location-history.json"));

        var records = await lake.AllRecordsAsync();
        Assert.Equal(0, summary.Errors);
        Assert.Equal(8, summary.RecordsAdded);
        Assert.Equal(3, summary.Duplicates);
        Assert.Single(records.OfKind(RecordKinds.Visit));
        Assert.Empty(records.OfKind(RecordKinds.ActivitySegment));
        Assert.Equal(7, records.OfKind(RecordKinds.Location).Count);
    }

    [Fact]
    public async Task CorpusLocationHistory_VisitValues()
    {
        await using var lake = await TempLake.CreateAsync();
        await lake.ImportAsync(Corpus.File("Freika+dawarich/spec/fixtures/files/google/location-history.json"));

        var visit = Assert.Single((await lake.AllRecordsAsync()).OfKind(RecordKinds.Visit));
        Assert.Equal("2023-08-27T15:48:56.000-05:00", LocationRecords.Iso(visit.Start));
        Assert.Equal("2023-08-27T17:04:26.999-05:00", LocationRecords.Iso(visit.End));
        Assert.Equal(27.720022, visit.Latitude);
        Assert.Equal(-97.347951, visit.Longitude);
        Assert.Equal("ChIJxxP_Qwb2aIYRTwDNDLkUmD0", visit.Text("placeId"));
        Assert.Equal("Unknown", visit.Text("semanticType"));
        Assert.Equal(0.785181, visit.Number("candidateProbability"));
        Assert.Equal(0.71, visit.Number("probability"));
    }

    [Theory]
    [InlineData("2023-08-27T20:49:00.000+00:00", 27.720007, -97.348044, "/1/timelinePath/0")]
    [InlineData("2023-08-27T22:04:00.000+00:00", 27.701123, -97.362988, "/3/timelinePath/0")]
    [InlineData("2023-08-27T22:07:00.000+00:00", 27.687173, -97.363743, "/3/timelinePath/2")]
    [InlineData("2023-08-27T22:10:00.000+00:00", 27.686129, -97.381865, "/3/timelinePath/3")]
    [InlineData("2023-08-27T23:48:00.000+00:00", 27.686129, -97.381865, "/3/timelinePath/5")]
    [InlineData("2023-08-27T23:49:00.000+00:00", 27.696576, -97.376949, "/3/timelinePath/6")]
    [InlineData("2023-08-27T23:52:00.000+00:00", 27.709617, -97.375988, "/3/timelinePath/7")]
    public async Task CorpusLocationHistory_PathPointValues(string time, double latitude, double longitude, string pointer)
    {
        await using var lake = await TempLake.CreateAsync();
        await lake.ImportAsync(Corpus.File("Freika+dawarich/spec/fixtures/files/google/location-history.json"));

        var point = (await lake.AllRecordsAsync()).At(RecordKinds.Location, time);
        Assert.Equal(latitude, point.Latitude);
        Assert.Equal(longitude, point.Longitude);
        Assert.Equal(pointer, point.Provenance.Pointer);
    }

    [Fact]
    public async Task MalformedGeoUri_FailsFileWithPointer()
    {
        var broken = History.Replace("geo:-33.860000,151.212000", "geo:-33.860000", StringComparison.Ordinal);
        Assert.NotEqual(History, broken);

        await using var lake = await TempLake.CreateAsync();
        var summary = await lake.ImportTextAsync(Path, broken);

        var file = Assert.Single(await lake.Lake.Records.GetImportFilesAsync(summary.Id, CancellationToken.None));
        Assert.Equal(1, summary.Errors);
        Assert.Empty(await lake.AllRecordsAsync());
        Assert.StartsWith("/2/timelinePath/0/point (item at byte ", file.Position, StringComparison.Ordinal);
    }
}
