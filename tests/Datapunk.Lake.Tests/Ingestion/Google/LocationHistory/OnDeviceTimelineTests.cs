using Datapunk.Lake.Ingestion.Google.LocationHistory;
using Datapunk.Lake.Records;
using Datapunk.Lake.Tests.Support;

namespace Datapunk.Lake.Tests.Ingestion.Google.LocationHistory;

public sealed class OnDeviceTimelineTests
{
    private const string Path = "Zeitachse.json";

    /// <summary>Every segment and raw signal variant of the Android export, with coordinates with and without spaces and degree signs.</summary>
    private const string Timeline = """
        {
          "semanticSegments": [
            {
              "startTime": "2024-03-09T18:00:00.000+01:00",
              "endTime": "2024-03-09T19:30:00.000+01:00",
              "startTimeTimezoneUtcOffsetMinutes": 60,
              "endTimeTimezoneUtcOffsetMinutes": 60,
              "visit": {
                "hierarchyLevel": 0,
                "probability": 0.83,
                "topCandidate": {
                  "placeId": "ChIJLU7jZClu5kcR4PcOOO6p3I0",
                  "semanticType": "UNKNOWN",
                  "probability": 0.61,
                  "placeLocation": { "latLng": "48.8583701°, 2.2944813°" }
                }
              }
            },
            {
              "startTime": "2024-03-09T19:30:00.000+01:00",
              "endTime": "2024-03-09T20:05:00.000+01:00",
              "activity": {
                "start": { "latLng": "48.8583701°, 2.2944813°" },
                "end": { "latLng": "48.8606°,2.3376°" },
                "distanceMeters": 2871.5,
                "probability": 0.97,
                "topCandidate": { "type": "IN_SUBWAY", "probability": 0.71 }
              }
            },
            {
              "startTime": "2024-03-09T20:05:00.000+01:00",
              "endTime": "2024-03-09T22:00:00.000+01:00",
              "timelinePath": [
                { "point": "48.8606°, 2.3376°", "time": "2024-03-09T20:10:00.000+01:00" },
                { "point": "48.8620° , 2.3350°", "time": "2024-03-09T20:12:00.000+01:00" }
              ]
            },
            {
              "startTime": "2024-03-01T00:00:00.000+01:00",
              "endTime": "2024-03-10T00:00:00.000+01:00",
              "timelineMemory": {
                "trip": { "distanceFromOriginKms": 344, "destinations": [ { "identifier": { "placeId": "ChIJD7fiBh9u5kcRYJSMaMOCCwQ" } } ] }
              }
            }
          ],
          "rawSignals": [
            {
              "position": {
                "LatLng": "51.5007292°, -0.1246254°",
                "accuracyMeters": 13,
                "altitudeMeters": 21.4,
                "source": "WIFI",
                "timestamp": "2024-03-11T09:15:42.250+00:00",
                "speedMetersPerSecond": 0.5
              }
            },
            { "activityRecord": { "probableActivities": [ { "type": "STILL", "confidence": 0.92 } ], "timestamp": "2024-03-11T09:15:43.000+00:00" } },
            { "wifiScan": { "deliveryTime": "2024-03-11T09:15:44.000+00:00", "devicesRecords": [ { "mac": 123456789, "rawRssi": -60 } ] } }
          ],
          "userLocationProfile": {
            "frequentPlaces": [ { "placeId": "ChIJhome", "placeLocation": "48.8566°, 2.3522°", "label": "HOME" } ]
          }
        }
        """;

    [Fact]
    public async Task OwnTimeline_ImportsFiveRecords()
    {
        await using var lake = await TempLake.CreateAsync("me@example.com");
        var summary = await lake.ImportTextAsync(Path, Timeline);

        var records = await lake.AllRecordsAsync();
        Assert.Equal(0, summary.Errors);
        Assert.Equal(5, records.Count);
        Assert.Single(records.OfKind(RecordKinds.Visit));
        Assert.Single(records.OfKind(RecordKinds.ActivitySegment));
        Assert.Equal(3, records.OfKind(RecordKinds.Location).Count);
        Assert.All(records, r => Assert.Equal("google/location-history/me@example.com", r.Dataset));
    }

    [Fact]
    public async Task Visit_KeepsPlaceTimesAndOffset()
    {
        await using var lake = await TempLake.CreateAsync();
        await lake.ImportTextAsync(Path, Timeline);

        var visit = Assert.Single((await lake.AllRecordsAsync()).OfKind(RecordKinds.Visit));
        Assert.Equal("2024-03-09T18:00:00.000+01:00", LocationRecords.Iso(visit.Start));
        Assert.True(visit.StartOffsetKnown);
        Assert.Equal("2024-03-09T19:30:00.000+01:00", LocationRecords.Iso(visit.End));
        Assert.Equal(48.8583701, visit.Latitude);
        Assert.Equal(2.2944813, visit.Longitude);
        Assert.Null(visit.Title);
        Assert.Equal("ChIJLU7jZClu5kcR4PcOOO6p3I0", visit.Text("placeId"));
        Assert.Equal("UNKNOWN", visit.Text("semanticType"));
        Assert.Equal(0.61, visit.Number("candidateProbability"));
        Assert.Equal(0.83, visit.Number("probability"));
        Assert.Equal(0, visit.Number("hierarchyLevel"));
        Assert.Equal("/semanticSegments/0/visit", visit.Provenance.Pointer);
    }

    [Fact]
    public async Task Activity_StartsAtStartLatLng()
    {
        await using var lake = await TempLake.CreateAsync();
        await lake.ImportTextAsync(Path, Timeline);

        var segment = Assert.Single((await lake.AllRecordsAsync()).OfKind(RecordKinds.ActivitySegment));
        Assert.Equal("2024-03-09T19:30:00.000+01:00", LocationRecords.Iso(segment.Start));
        Assert.Equal("2024-03-09T20:05:00.000+01:00", LocationRecords.Iso(segment.End));
        Assert.Equal(48.8583701, segment.Latitude);
        Assert.Equal(2.2944813, segment.Longitude);
        Assert.Equal("IN_SUBWAY", segment.Title);
        Assert.Equal(0.71, segment.Number("candidateProbability"));
        Assert.Equal(0.97, segment.Number("probability"));
        Assert.Equal(2871.5, segment.Number("distanceMeters"));
        Assert.Equal(48.8606, segment.Object("end")["latitude"]!.GetValue<double>());
        Assert.Equal(2.3376, segment.Object("end")["longitude"]!.GetValue<double>());
    }

    [Theory]
    [InlineData("2024-03-09T20:10:00.000+01:00", 48.8606, 2.3376, "/semanticSegments/2/timelinePath/0")]
    [InlineData("2024-03-09T20:12:00.000+01:00", 48.8620, 2.3350, "/semanticSegments/2/timelinePath/1")]
    public async Task TimelinePath_PointsBecomeLocations(string time, double latitude, double longitude, string pointer)
    {
        await using var lake = await TempLake.CreateAsync();
        await lake.ImportTextAsync(Path, Timeline);

        var point = (await lake.AllRecordsAsync()).At(RecordKinds.Location, time);
        Assert.Equal(latitude, point.Latitude);
        Assert.Equal(longitude, point.Longitude);
        Assert.Equal("timelinePath", point.Text("origin"));
        Assert.Equal(pointer, point.Provenance.Pointer);
    }

    [Fact]
    public async Task RawSignalPosition_BecomesLocation()
    {
        await using var lake = await TempLake.CreateAsync();
        await lake.ImportTextAsync(Path, Timeline);

        var fix = (await lake.AllRecordsAsync()).At(RecordKinds.Location, "2024-03-11T09:15:42.250+00:00");
        Assert.Equal(51.5007292, fix.Latitude);
        Assert.Equal(-0.1246254, fix.Longitude);
        Assert.Equal(13, fix.AccuracyMeters);
        Assert.Equal(21.4, fix.Number("altitudeMeters"));
        Assert.Equal(0.5, fix.Number("speedMetersPerSecond"));
        Assert.Equal("WIFI", fix.Text("source"));
        Assert.Equal(OnDeviceTimelineImporter.RawSignalOrigin, fix.Text("origin"));
        Assert.Equal("/rawSignals/0/position", fix.Provenance.Pointer);
    }

    [Fact]
    public async Task CorpusTimelineNewFormat_ImportsFiveRecords()
    {
        await using var lake = await TempLake.CreateAsync();
        var summary = await lake.ImportAsync(Corpus.File("Freika+dawarich/spec/fixtures/files/google/timeline_new_format.json"));

        var records = await lake.AllRecordsAsync();
        Assert.Equal(0, summary.Errors);
        Assert.Equal(5, records.Count);
        Assert.Single(records.OfKind(RecordKinds.Visit));
        Assert.Single(records.OfKind(RecordKinds.ActivitySegment));
        Assert.Equal(3, records.OfKind(RecordKinds.Location).Count);
    }

    [Fact]
    public async Task CorpusTimelineNewFormat_VisitAndActivityValues()
    {
        await using var lake = await TempLake.CreateAsync();
        await lake.ImportAsync(Corpus.File("Freika+dawarich/spec/fixtures/files/google/timeline_new_format.json"));
        var records = await lake.AllRecordsAsync();

        var visit = records.At(RecordKinds.Visit, "2024-06-15T09:00:00.000+02:00");
        Assert.Equal("2024-06-15T10:00:00.000+02:00", LocationRecords.Iso(visit.End));
        Assert.Equal(48.8566, visit.Latitude);
        Assert.Equal(2.3522, visit.Longitude);
        Assert.Equal("ChIJtest123", visit.Text("placeId"));
        Assert.Equal(0.95, visit.Number("candidateProbability"));

        var activity = records.At(RecordKinds.ActivitySegment, "2024-06-15T10:00:00.000+02:00");
        Assert.Equal("2024-06-15T10:30:00.000+02:00", LocationRecords.Iso(activity.End));
        Assert.Equal(48.8566, activity.Latitude);
        Assert.Equal(2.3522, activity.Longitude);
        Assert.Equal("IN_PASSENGER_VEHICLE", activity.Title);
        Assert.Equal(0.85, activity.Number("candidateProbability"));
        Assert.Equal(48.8606, activity.Object("end")["latitude"]!.GetValue<double>());
        Assert.Equal(2.3376, activity.Object("end")["longitude"]!.GetValue<double>());
    }

    [Theory]
    [InlineData("2024-06-15T10:35:00.000+02:00", 48.8606, 2.3376, "timelinePath")]
    [InlineData("2024-06-15T10:40:00.000+02:00", 48.8620, 2.3350, "timelinePath")]
    [InlineData("2024-06-15T09:05:00.000+00:00", 48.8566, 2.3522, "rawSignals")]
    public async Task CorpusTimelineNewFormat_LocationValues(string time, double latitude, double longitude, string origin)
    {
        await using var lake = await TempLake.CreateAsync();
        await lake.ImportAsync(Corpus.File("Freika+dawarich/spec/fixtures/files/google/timeline_new_format.json"));

        var location = (await lake.AllRecordsAsync()).At(RecordKinds.Location, time);
        Assert.Equal(latitude, location.Latitude);
        Assert.Equal(longitude, location.Longitude);
        Assert.Equal(origin, location.Text("origin"));
    }

    [Fact]
    public async Task CorpusTimelineNewFormat_RawSignalKeepsAccuracy()
    {
        await using var lake = await TempLake.CreateAsync();
        await lake.ImportAsync(Corpus.File("Freika+dawarich/spec/fixtures/files/google/timeline_new_format.json"));

        var fix = (await lake.AllRecordsAsync()).At(RecordKinds.Location, "2024-06-15T09:05:00.000+00:00");
        Assert.Equal(15, fix.AccuracyMeters);
        Assert.Equal(35.0, fix.Number("altitudeMeters"));
        Assert.Equal(0.0, fix.Number("speedMetersPerSecond"));
    }

    [Fact]
    public async Task MalformedLatLng_FailsFileWithPointer()
    {
        var broken = Timeline.Replace("\"48.8606°,2.3376°\"", "\"48.8606°; 2.3376°\"", StringComparison.Ordinal);
        Assert.NotEqual(Timeline, broken);

        await using var lake = await TempLake.CreateAsync();
        var summary = await lake.ImportTextAsync(Path, broken);

        var file = Assert.Single(await lake.Lake.Records.GetImportFilesAsync(summary.Id, CancellationToken.None));
        Assert.Equal(1, summary.Errors);
        Assert.Equal(0, summary.RecordsAdded);
        Assert.Empty(await lake.AllRecordsAsync());
        Assert.StartsWith("/semanticSegments/1/activity/end/latLng (item at byte ", file.Position, StringComparison.Ordinal);
        Assert.Contains("48.8606°; 2.3376°", file.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NestedVisit_KeyedApartFromParent()
    {
        await using var lake = await TempLake.CreateAsync();
        await lake.ImportTextAsync(Path, """
            {"semanticSegments": [
              {"startTime": "2024-03-09T18:00:00.000+01:00", "endTime": "2024-03-09T19:30:00.000+01:00",
               "visit": {"hierarchyLevel": 0, "topCandidate": {"placeId": "ChIJmall", "placeLocation": {"latLng": "48.8700°, 2.3300°"}}}},
              {"startTime": "2024-03-09T18:00:00.000+01:00", "endTime": "2024-03-09T19:30:00.000+01:00",
               "visit": {"hierarchyLevel": 1, "topCandidate": {"placeId": "ChIJshop", "placeLocation": {"latLng": "48.8701°, 2.3301°"}}}}
            ]}
            """);

        var visits = (await lake.AllRecordsAsync()).OfKind(RecordKinds.Visit);
        Assert.Equal(2, visits.Count);
        Assert.Single(visits, v => v.Text("placeId") == "ChIJshop" && v.Number("hierarchyLevel") == 1);
    }
}
