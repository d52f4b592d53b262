using Datapunk.Lake.Records;
using Datapunk.Lake.Tests.Support;

namespace Datapunk.Lake.Tests.Ingestion.Google.LocationHistory;

public sealed class SemanticLocationHistoryTests
{
    private const string Path = "Takeout/Standortverlauf/Semantic Location History/2023/2023_MAI.json";

    /// <summary>
    /// A visit with ISO durations, a child visit with the same times, and an activity segment with epoch-millisecond
    /// durations, waypoints, a simplified raw path, a transit path and a parking event.
    /// </summary>
    private const string Month = """
        {
          "timelineObjects": [
            {
              "placeVisit": {
                "location": {
                  "latitudeE7": 488583701,
                  "longitudeE7": 22944813,
                  "placeId": "ChIJLU7jZClu5kcR4PcOOO6p3I0",
                  "address": "Champ de Mars, 5 Av. Anatole France, 75007 Paris, France",
                  "name": "Eiffel Tower",
                  "semanticType": "TYPE_SEARCHED_ADDRESS",
                  "sourceInfo": { "deviceTag": 1234567 },
                  "locationConfidence": 96.5
                },
                "duration": { "startTimestamp": "2023-05-06T08:15:00.123Z", "endTimestamp": "2023-05-06T10:40:30Z" },
                "placeConfidence": "HIGH_CONFIDENCE",
                "visitConfidence": 92,
                "otherCandidateLocations": [
                  { "latitudeE7": 488556000, "longitudeE7": 22945000, "placeId": "ChIJcandidate", "semanticType": "TYPE_UNKNOWN", "locationConfidence": 2.1 }
                ],
                "editConfirmationStatus": "CONFIRMED",
                "childVisits": [
                  {
                    "location": { "latitudeE7": 488582000, "longitudeE7": 22946000, "placeId": "ChIJchild", "address": "Avenue Gustave Eiffel, 75007 Paris" },
                    "duration": { "startTimestamp": "2023-05-06T08:15:00.123Z", "endTimestamp": "2023-05-06T10:40:30Z" },
                    "placeConfidence": "LOW_CONFIDENCE"
                  }
                ]
              }
            },
            {
              "activitySegment": {
                "startLocation": { "latitudeE7": 488583701, "longitudeE7": 22944813 },
                "endLocation": { "latitudeE7": 488606000, "longitudeE7": 23376000 },
                "duration": { "startTimestampMs": "1683369630000", "endTimestampMs": "1683370800000" },
                "distance": 3120,
                "activityType": "IN_SUBWAY",
                "confidence": "HIGH",
                "activities": [
                  { "activityType": "IN_SUBWAY", "probability": 87.5 },
                  { "activityType": "WALKING", "probability": 10.2 }
                ],
                "waypointPath": {
                  "waypoints": [
                    { "latE7": 488583701, "lngE7": 22944813 },
                    { "latE7": 488600000, "lngE7": 23000000 },
                    { "latE7": 488606000, "lngE7": 23376000 }
                  ],
                  "source": "INFERRED",
                  "distanceMeters": 3300.5,
                  "travelMode": "WALK"
                },
                "simplifiedRawPath": {
                  "points": [ { "latE7": 488590000, "lngE7": 23100000, "accuracyMeters": 12, "timestamp": "2023-05-06T10:50:00Z" } ]
                },
                "transitPath": {
                  "transitStops": [
                    { "latitudeE7": 488553000, "longitudeE7": 22896000, "placeId": "ChIJstopA", "name": "Bir-Hakeim" },
                    { "latitudeE7": 488606000, "longitudeE7": 23376000, "placeId": "ChIJstopB", "name": "Palais Royal" }
                  ],
                  "name": "6",
                  "linePlaceId": "ChIJline6",
                  "hexRgbColor": "75C695"
                },
                "parkingEvent": {
                  "location": { "latitudeE7": 488610000, "longitudeE7": 23380000, "accuracyMetres": 25 },
                  "method": "END_OF_ACTIVITY_SEGMENT",
                  "locationSource": "UNKNOWN",
                  "timestamp": "2023-05-06T11:00:30Z"
                }
              }
            }
          ]
        }
        """;

    [Fact]
    public async Task OwnMonth_ImportsVisitChildAndSegment()
    {
        await using var lake = await TempLake.CreateAsync("me@example.com");
        var summary = await lake.ImportTextAsync(Path, Month);

        var records = await lake.AllRecordsAsync();
        Assert.Equal(0, summary.Errors);
        Assert.Equal(3, summary.RecordsAdded);
        Assert.Equal(2, records.OfKind(RecordKinds.Visit).Count);
        Assert.Single(records.OfKind(RecordKinds.ActivitySegment));
        Assert.All(records, r => Assert.Equal("google/location-history/me@example.com", r.Dataset));
    }

    [Fact]
    public async Task PlaceVisit_KeepsPlaceTimesAndConfidence()
    {
        await using var lake = await TempLake.CreateAsync();
        await lake.ImportTextAsync(Path, Month);

        var visit = Assert.Single(await lake.AllRecordsAsync(), r => r.Provenance.Pointer == "/timelineObjects/0/placeVisit");
        Assert.Equal(RecordKinds.Visit, visit.Kind);
        Assert.Equal("2023-05-06T08:15:00.123+00:00", LocationRecords.Iso(visit.Start));
        Assert.True(visit.StartOffsetKnown);
        Assert.Equal("2023-05-06T10:40:30.000+00:00", LocationRecords.Iso(visit.End));
        Assert.Equal(48.8583701, visit.Latitude);
        Assert.Equal(2.2944813, visit.Longitude);
        Assert.Equal("Eiffel Tower", visit.Title);
        Assert.Equal("Champ de Mars, 5 Av. Anatole France, 75007 Paris, France", visit.Text);
        Assert.Equal("ChIJLU7jZClu5kcR4PcOOO6p3I0", visit.Text("placeId"));
        Assert.Equal("TYPE_SEARCHED_ADDRESS", visit.Text("semanticType"));
        Assert.Equal(96.5, visit.Number("locationConfidence"));
        Assert.Equal("HIGH_CONFIDENCE", visit.Text("placeConfidence"));
        Assert.Equal(92, visit.Number("visitConfidence"));
        Assert.Equal("CONFIRMED", visit.Text("editConfirmationStatus"));
        Assert.Equal(0, visit.Number("hierarchyLevel"));
        Assert.Equal(1234567, visit.Number("deviceTag"));
    }

    [Fact]
    public async Task PlaceVisit_KeepsOtherCandidates()
    {
        await using var lake = await TempLake.CreateAsync();
        await lake.ImportTextAsync(Path, Month);

        var visit = Assert.Single(await lake.AllRecordsAsync(), r => r.Provenance.Pointer == "/timelineObjects/0/placeVisit");
        var candidate = Assert.Single(visit.Array("otherCandidateLocations"))!;
        Assert.Equal(48.8556, candidate["latitude"]!.GetValue<double>());
        Assert.Equal(2.2945, candidate["longitude"]!.GetValue<double>());
        Assert.Equal("ChIJcandidate", candidate["placeId"]!.GetValue<string>());
        Assert.Equal(2.1, candidate["locationConfidence"]!.GetValue<double>());
    }

    [Fact]
    public async Task ChildVisit_IsOwnRecordDespiteSameTimes()
    {
        await using var lake = await TempLake.CreateAsync();
        await lake.ImportTextAsync(Path, Month);

        var child = Assert.Single(await lake.AllRecordsAsync(), r => r.Provenance.Pointer == "/timelineObjects/0/placeVisit/childVisits/0");
        Assert.Equal(RecordKinds.Visit, child.Kind);
        Assert.Equal("2023-05-06T08:15:00.123+00:00", LocationRecords.Iso(child.Start));
        Assert.Equal("2023-05-06T10:40:30.000+00:00", LocationRecords.Iso(child.End));
        Assert.Equal(48.8582, child.Latitude);
        Assert.Equal(2.2946, child.Longitude);
        Assert.Equal("Avenue Gustave Eiffel, 75007 Paris", child.Title);
        Assert.Null(child.Text);
        Assert.Equal(1, child.Number("hierarchyLevel"));
        Assert.Equal("LOW_CONFIDENCE", child.Text("placeConfidence"));
    }

    [Fact]
    public async Task ActivitySegment_EpochDurationHasUnknownOffset()
    {
        await using var lake = await TempLake.CreateAsync();
        await lake.ImportTextAsync(Path, Month);

        var segment = Assert.Single((await lake.AllRecordsAsync()).OfKind(RecordKinds.ActivitySegment));
        Assert.Equal("2023-05-06T10:40:30.000+00:00", LocationRecords.Iso(segment.Start));
        Assert.False(segment.StartOffsetKnown);
        Assert.Equal("2023-05-06T11:00:00.000+00:00", LocationRecords.Iso(segment.End));
        Assert.Equal(48.8583701, segment.Latitude);
        Assert.Equal(2.2944813, segment.Longitude);
        Assert.Equal("IN_SUBWAY", segment.Title);
        Assert.Equal("IN_SUBWAY", segment.Text("activityType"));
        Assert.Equal("HIGH", segment.Text("confidence"));
        Assert.Equal(3120, segment.Number("distanceMeters"));
        Assert.Equal(48.8606, segment.Object("end")["latitude"]!.GetValue<double>());
        Assert.Equal(2.3376, segment.Object("end")["longitude"]!.GetValue<double>());
        Assert.Equal(2, segment.Array("activities").Count);
        Assert.Equal(87.5, segment.Array("activities")[0]!["probability"]!.GetValue<double>());
    }

    [Fact]
    public async Task ActivitySegment_KeepsWaypointsAndRawPath()
    {
        await using var lake = await TempLake.CreateAsync();
        await lake.ImportTextAsync(Path, Month);

        var segment = Assert.Single((await lake.AllRecordsAsync()).OfKind(RecordKinds.ActivitySegment));
        var waypoints = segment.Array("waypoints");
        Assert.Equal(3, waypoints.Count);
        Assert.Equal(48.86, waypoints[1]!["latitude"]!.GetValue<double>());
        Assert.Equal(2.3, waypoints[1]!["longitude"]!.GetValue<double>());
        Assert.Equal("WALK", segment.Text("travelMode"));
        Assert.Equal(3300.5, segment.Number("waypointDistanceMeters"));

        var rawPoint = Assert.Single(segment.Array("simplifiedRawPath"))!;
        Assert.Equal(48.859, rawPoint["latitude"]!.GetValue<double>());
        Assert.Equal(2.31, rawPoint["longitude"]!.GetValue<double>());
        Assert.Equal("2023-05-06T10:50:00.000+00:00", rawPoint["time"]!.GetValue<string>());
        Assert.Equal(12, rawPoint["accuracyMeters"]!.GetValue<double>());
    }

    [Fact]
    public async Task ActivitySegment_KeepsTransitAndParking()
    {
        await using var lake = await TempLake.CreateAsync();
        await lake.ImportTextAsync(Path, Month);

        var segment = Assert.Single((await lake.AllRecordsAsync()).OfKind(RecordKinds.ActivitySegment));
        var transit = segment.Object("transitPath");
        Assert.Equal("6", transit["name"]!.GetValue<string>());
        Assert.Equal("ChIJline6", transit["linePlaceId"]!.GetValue<string>());
        Assert.Equal("75C695", transit["hexRgbColor"]!.GetValue<string>());
        var stops = Assert.IsType<System.Text.Json.Nodes.JsonArray>(transit["stops"]);
        Assert.Equal(2, stops.Count);
        Assert.Equal("Bir-Hakeim", stops[0]!["name"]!.GetValue<string>());
        Assert.Equal(48.8553, stops[0]!["latitude"]!.GetValue<double>());
        Assert.Equal(2.2896, stops[0]!["longitude"]!.GetValue<double>());

        var parking = segment.Object("parkingEvent");
        Assert.Equal(48.861, parking["latitude"]!.GetValue<double>());
        Assert.Equal(2.338, parking["longitude"]!.GetValue<double>());
        Assert.Equal(25, parking["accuracyMeters"]!.GetValue<double>());
        Assert.Equal("2023-05-06T11:00:30.000+00:00", parking["time"]!.GetValue<string>());
        Assert.Equal("END_OF_ACTIVITY_SEGMENT", parking["method"]!.GetValue<string>());
    }

    [Fact]
    public async Task CorpusSemanticHistory_ImportsThreeSegments()
    {
        await using var lake = await TempLake.CreateAsync();
        var summary = await lake.ImportAsync(Corpus.File("Freika+dawarich/spec/fixtures/files/google/semantic_history.json"));

        var records = await lake.AllRecordsAsync();
        Assert.Equal(0, summary.Errors);
        Assert.Equal(3, records.Count);
        Assert.All(records, r => Assert.Equal(RecordKinds.ActivitySegment, r.Kind));
        Assert.All(records, r => Assert.Null(r.Title));
        Assert.All(records, r => Assert.Equal(2, r.Array("waypoints").Count));
    }

    [Theory]
    [InlineData("2013-12-01T07:05:14.222+00:00", "2013-12-01T07:11:13.214+00:00", 53.340744, 83.7026901, null)]
    [InlineData("2013-12-01T07:11:13.214+00:00", "2013-12-01T08:25:17.226+00:00", 53.3410301, 83.705101, 3853.0)]
    [InlineData("2013-12-01T08:25:17.226+00:00", "2013-12-01T09:11:45.637+00:00", 53.3519706, 83.7596359, 413.0)]
    public async Task CorpusSemanticHistory_SegmentStartsAtFirstWaypoint(string start, string end, double latitude, double longitude, double? distance)
    {
        await using var lake = await TempLake.CreateAsync();
        await lake.ImportAsync(Corpus.File("Freika+dawarich/spec/fixtures/files/google/semantic_history.json"));

        var segment = (await lake.AllRecordsAsync()).At(RecordKinds.ActivitySegment, start);
        Assert.Equal(end, LocationRecords.Iso(segment.End));
        Assert.True(segment.StartOffsetKnown);
        Assert.Equal(latitude, segment.Latitude);
        Assert.Equal(longitude, segment.Longitude);
        Assert.Equal(distance, segment.Number("distanceMeters"));
        Assert.Equal("LOW", segment.Text("confidence"));
        Assert.Equal("NOT_CONFIRMED", segment.Text("editConfirmationStatus"));
    }

    [Fact]
    public async Task CorpusVisitWithTimestampMs_ImportsOneVisit()
    {
        await using var lake = await TempLake.CreateAsync();
        var summary = await lake.ImportAsync(Corpus.File(
            "Freika+dawarich/spec/fixtures/files/google/location-history/with_placeVisit_with_location_with_coordinates_with_timestampMs.json"));

        var visit = Assert.Single(await lake.AllRecordsAsync());
        Assert.Equal(0, summary.Errors);
        Assert.Equal(RecordKinds.Visit, visit.Kind);
        Assert.Equal("2025-03-24T19:25:02.585+00:00", LocationRecords.Iso(visit.Start));
        Assert.False(visit.StartOffsetKnown);
        Assert.Null(visit.End);
        Assert.Equal(12.3522222, visit.Latitude);
        Assert.Equal(12.3522222, visit.Longitude);
        Assert.Null(visit.Title);
        Assert.Equal("/timelineObjects/0/placeVisit", visit.Provenance.Pointer);
    }

    [Fact]
    public async Task VisitWithoutStart_FailsFileWithPointer()
    {
        await using var lake = await TempLake.CreateAsync();
        var summary = await lake.ImportTextAsync(Path, """
            {"timelineObjects": [
              {"placeVisit": {"location": {"latitudeE7": 488583701, "longitudeE7": 22944813}, "duration": {"startTimestamp": "2023-05-06T08:15:00Z"}}},
              {"placeVisit": {"location": {"latitudeE7": 488583701, "longitudeE7": 22944813}, "duration": {"startTimestamp": "yesterday"}}}
            ]}
            """);

        var file = Assert.Single(await lake.Lake.Records.GetImportFilesAsync(summary.Id, CancellationToken.None));
        Assert.Equal(1, summary.Errors);
        Assert.Empty(await lake.AllRecordsAsync());
        Assert.StartsWith("/timelineObjects/1/placeVisit/duration (item at byte ", file.Position, StringComparison.Ordinal);
    }
}
