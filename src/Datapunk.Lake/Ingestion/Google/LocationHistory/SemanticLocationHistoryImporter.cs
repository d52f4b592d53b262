using System.Text.Json;
using System.Text.Json.Nodes;
using Datapunk.Lake.Ingestion.Json;
using Datapunk.Lake.Records;
using static Datapunk.Lake.Ingestion.Google.LocationHistory.LocationAttributes;

namespace Datapunk.Lake.Ingestion.Google.LocationHistory;

/// <summary>
/// Semantic Location History, one file per month (<c>Semantic Location History/2023/2023_MAY.json</c>):
/// the stays and movements that Google Maps Timeline inferred, as <c>{"timelineObjects": [...]}</c>.
/// </summary>
/// <remarks>
/// <para>
/// Each timeline object contains a <c>placeVisit</c> or an <c>activitySegment</c>. Both have a <c>duration</c> with
/// either <c>startTimestampMs</c>/<c>endTimestampMs</c> (epoch milliseconds as strings, older exports, so the
/// offset is unknown) or ISO 8601 <c>startTimestamp</c>/<c>endTimestamp</c>. Coordinates are E7 integers
/// (<c>latitudeE7</c>/<c>longitudeE7</c>, or <c>latE7</c>/<c>lngE7</c> in paths).
/// </para>
/// <para>
/// A place visit becomes a <c>visit</c> record at the location's coordinates (or <c>centerLatE7</c>/<c>centerLngE7</c>
/// when the location has none), titled with the place name or else its address. Each entry of
/// <c>childVisits</c> (a stay inside a larger one, such as a shop in a mall) becomes a visit record of its own
/// with <c>hierarchyLevel</c> 1, and deeper nesting counts on.
/// An activity segment becomes an <c>activity-segment</c> record at its start location (or at its first waypoint
/// when the start location has no coordinates), titled with its activity type. Its attributes hold the end location,
/// distance, activity guesses, waypoints, the simplified raw path, the transit path and the parking event.
/// </para>
/// <para>
/// Merge keys (see <see cref="LocationMergeKeys"/>): visits and activity segments use start and end time in epoch
/// milliseconds, plus <c>/level N</c> for nested visits, and nothing else, so the same stay from this file and
/// from the on-device Timeline export is one record when both give the same times. The key fails to meet when
/// Google re-segments a day between two exports (after an edit in Timeline, or a re-run of its inference), because
/// the new segments get new times, and both versions are then kept. A visit with no end time has an empty END.
/// </para>
/// </remarks>
public sealed class SemanticLocationHistoryImporter : IFormatImporter
{
    public string Format => "google.location-history.semantic";

    public int Version => 1;

    public string Description => "Google Location History place visits and activity segments (Semantic Location History, monthly files)";

    public string ExamplePath => "Takeout/Location History/Semantic Location History/2023/2023_MAY.json";

    public bool CanRead(FileSniff sniff) => sniff.Json.IsObject && sniff.Json.Has("timelineObjects");

    public IEnumerable<RecordDraft> Read(Stream content, ImportFileContext context)
    {
        var dataset = GoogleDatasets.LocationHistory(context.Account);
        using var reader = new JsonStreamReader(content);
        reader.Expect(JsonTokenType.StartObject, "the root object of a Semantic Location History file");

        while (reader.Read() == JsonTokenType.PropertyName)
        {
            if (reader.PropertyName != "timelineObjects")
            {
                reader.SkipValue();
                continue;
            }

            reader.Expect(JsonTokenType.StartArray, "the 'timelineObjects' array");
            foreach (var item in reader.ReadArrayItems())
            {
                var file = new ItemPosition(dataset, reader, item.Offset);
                foreach (var draft in ReadTimelineObject(item, file))
                {
                    yield return draft;
                }
            }
        }

        if (reader.TokenType != JsonTokenType.EndObject)
        {
            throw new ImportFormatException("Expected the end of the root object.", reader.PositionAt(reader.TokenOffset));
        }

        reader.ExpectEnd();
    }

    private static IEnumerable<RecordDraft> ReadTimelineObject(JsonItem item, ItemPosition file)
    {
        var pointer = $"/timelineObjects/{item.Index}";
        if (item.Element.ValueKind != JsonValueKind.Object)
        {
            throw file.Error($"Timeline object {item.Index} is not an object.", pointer);
        }

        if (item.Element.GetObjectOrNull("placeVisit") is { } visit)
        {
            foreach (var draft in ReadVisit(visit, $"{pointer}/placeVisit", 0, file))
            {
                yield return draft;
            }
        }

        if (item.Element.GetObjectOrNull("activitySegment") is { } segment)
        {
            yield return ReadActivitySegment(segment, $"{pointer}/activitySegment", file);
        }
    }

    /// <summary>Reads a place visit and, after it, its child visits, depth first.</summary>
    private static IEnumerable<RecordDraft> ReadVisit(JsonElement visit, string pointer, int level, ItemPosition file)
    {
        var (start, offsetKnown, end) = ReadDuration(visit, pointer, file);
        var location = visit.GetObjectOrNull("location");
        var place = location is { } l ? ReadE7(l, "latitudeE7", "longitudeE7") : null;
        place ??= ReadE7(visit, "centerLatE7", "centerLngE7");

        var name = location?.GetStringOrNull("name");
        var address = location?.GetStringOrNull("address");
        var attributes = new JsonObject { ["hierarchyLevel"] = level };
        if (location is { } loc)
        {
            CopyString(loc, attributes, "placeId");
            CopyString(loc, attributes, "name");
            CopyString(loc, attributes, "address");
            CopyString(loc, attributes, "semanticType");
            CopyNumber(loc, attributes, "locationConfidence");
            CopyNumber(loc, attributes, "calibratedProbability");
            if (loc.GetObjectOrNull("sourceInfo") is { } source)
            {
                CopyScalar(source, attributes, "deviceTag");
            }
        }

        CopyString(visit, attributes, "placeConfidence");
        CopyNumber(visit, attributes, "visitConfidence");
        CopyString(visit, attributes, "editConfirmationStatus");
        CopyString(visit, attributes, "placeVisitType");
        CopyString(visit, attributes, "placeVisitImportance");
        var candidates = ReadCandidates(visit);
        if (candidates.Count > 0)
        {
            attributes["otherCandidateLocations"] = candidates;
        }

        yield return new RecordDraft
        {
            Dataset = file.Dataset,
            Kind = RecordKinds.Visit,
            MergeKey = LocationMergeKeys.Span(start, end, level),
            Start = start,
            StartOffsetKnown = offsetKnown,
            End = end,
            Latitude = place?.Latitude,
            Longitude = place?.Longitude,
            AccuracyMeters = location?.GetDoubleOrNull("accuracyMetres") ?? location?.GetDoubleOrNull("accuracyMeters"),
            Title = name ?? address,
            Text = name is not null ? address : null,
            Attributes = attributes,
            Pointer = pointer,
            ByteOffset = file.ItemOffset,
        };

        var index = 0;
        foreach (var child in visit.GetArrayItems("childVisits"))
        {
            var childPointer = $"{pointer}/childVisits/{index++}";
            if (child.ValueKind != JsonValueKind.Object)
            {
                throw file.Error("A child visit is not an object.", childPointer);
            }

            foreach (var draft in ReadVisit(child, childPointer, level + 1, file))
            {
                yield return draft;
            }
        }
    }

    private static RecordDraft ReadActivitySegment(JsonElement segment, string pointer, ItemPosition file)
    {
        var (start, offsetKnown, end) = ReadDuration(segment, pointer, file);
        var waypoints = ReadPath(segment.GetObjectOrNull("waypointPath"), "waypoints");
        var startPlace = segment.GetObjectOrNull("startLocation") is { } s ? ReadE7(s, "latitudeE7", "longitudeE7") : null;
        if (startPlace is null && waypoints.Count > 0)
        {
            startPlace = ((double)waypoints[0]!["latitude"]!, (double)waypoints[0]!["longitude"]!);
        }

        var attributes = new JsonObject();
        CopyString(segment, attributes, "activityType");
        CopyString(segment, attributes, "confidence");
        CopyNumber(segment, attributes, "distance", "distanceMeters");
        if (segment.GetObjectOrNull("endLocation") is { } endLocation && ReadE7(endLocation, "latitudeE7", "longitudeE7") is { } endPlace)
        {
            attributes["end"] = Point(endPlace.Latitude, endPlace.Longitude);
        }

        var activities = new JsonArray();
        foreach (var activity in segment.GetArrayItems("activities"))
        {
            var guess = new JsonObject();
            CopyString(activity, guess, "activityType");
            CopyNumber(activity, guess, "probability");
            activities.Add(guess);
        }

        if (activities.Count > 0)
        {
            attributes["activities"] = activities;
        }

        if (segment.GetObjectOrNull("waypointPath") is { } waypointPath)
        {
            attributes["waypoints"] = waypoints;
            CopyString(waypointPath, attributes, "travelMode");
            CopyNumber(waypointPath, attributes, "distanceMeters", "waypointDistanceMeters");
        }

        if (segment.GetObjectOrNull("simplifiedRawPath") is { } rawPath)
        {
            attributes["simplifiedRawPath"] = ReadPath(rawPath, "points");
        }

        if (segment.GetObjectOrNull("transitPath") is { } transit)
        {
            attributes["transitPath"] = ReadTransitPath(transit);
        }

        if (segment.GetObjectOrNull("parkingEvent") is { } parking)
        {
            attributes["parkingEvent"] = ReadParkingEvent(parking);
        }

        CopyString(segment, attributes, "editConfirmationStatus");

        return new RecordDraft
        {
            Dataset = file.Dataset,
            Kind = RecordKinds.ActivitySegment,
            MergeKey = LocationMergeKeys.Span(start, end),
            Start = start,
            StartOffsetKnown = offsetKnown,
            End = end,
            Latitude = startPlace?.Latitude,
            Longitude = startPlace?.Longitude,
            Title = segment.GetStringOrNull("activityType"),
            Attributes = attributes,
            Pointer = pointer,
            ByteOffset = file.ItemOffset,
        };
    }

    /// <summary>
    /// Reads <c>duration</c>: ISO <c>startTimestamp</c>/<c>endTimestamp</c> keep their offset, epoch
    /// <c>startTimestampMs</c>/<c>endTimestampMs</c> have none. The start is required, the end is not.
    /// </summary>
    private static (DateTimeOffset Start, bool OffsetKnown, DateTimeOffset? End) ReadDuration(JsonElement owner, string pointer, ItemPosition file)
    {
        var duration = owner.GetObjectOrNull("duration")
            ?? throw file.Error("The 'duration' object is missing.", $"{pointer}/duration");

        var start = ReadTimestamp(duration, "startTimestamp")
            ?? throw file.Error("The duration has neither a valid 'startTimestamp' nor 'startTimestampMs'.", $"{pointer}/duration");

        var end = ReadTimestamp(duration, "endTimestamp");
        if (end is null && (duration.TryGetProperty("endTimestamp", out _) || duration.TryGetProperty("endTimestampMs", out _)))
        {
            throw file.Error("The duration has an end time that is not a valid time.", $"{pointer}/duration");
        }

        return (start.Time, start.OffsetKnown, end?.Time);
    }

    private static (DateTimeOffset Time, bool OffsetKnown)? ReadTimestamp(JsonElement duration, string name)
    {
        if (GoogleTime.TryParseIso(duration.GetStringOrNull(name), out var iso))
        {
            return (iso, true);
        }

        if (GoogleTime.TryParseEpochMilliseconds(duration.GetStringOrNull(name + "Ms"), out var epoch))
        {
            return (epoch, false);
        }

        return null;
    }

    private static (double Latitude, double Longitude)? ReadE7(JsonElement element, string latitudeName, string longitudeName) =>
        element.GetInt64OrNull(latitudeName) is { } latitude && element.GetInt64OrNull(longitudeName) is { } longitude
            ? (E7.Latitude(latitude), E7.Longitude(longitude))
            : null;

    /// <summary>Reads the points of a waypoint path or a simplified raw path as degrees, with time and accuracy when given.</summary>
    private static JsonArray ReadPath(JsonElement? path, string arrayName)
    {
        var points = new JsonArray();
        if (path is not { } owner)
        {
            return points;
        }

        foreach (var point in owner.GetArrayItems(arrayName))
        {
            if (ReadE7(point, "latE7", "lngE7") is not { } place)
            {
                continue;
            }

            var node = Point(place.Latitude, place.Longitude);
            if (ReadTimestamp(point, "timestamp") is { } time)
            {
                node["time"] = GoogleTime.Format(time.Time);
            }

            CopyNumber(point, node, "accuracyMeters");
            points.Add(node);
        }

        return points;
    }

    private static JsonArray ReadCandidates(JsonElement visit)
    {
        var candidates = new JsonArray();
        foreach (var candidate in visit.GetArrayItems("otherCandidateLocations"))
        {
            var node = new JsonObject();
            if (ReadE7(candidate, "latitudeE7", "longitudeE7") is { } place)
            {
                node["latitude"] = place.Latitude;
                node["longitude"] = place.Longitude;
            }

            CopyString(candidate, node, "placeId");
            CopyString(candidate, node, "name");
            CopyString(candidate, node, "address");
            CopyString(candidate, node, "semanticType");
            CopyNumber(candidate, node, "locationConfidence");
            CopyNumber(candidate, node, "calibratedProbability");
            candidates.Add(node);
        }

        return candidates;
    }

    private static JsonObject ReadTransitPath(JsonElement transit)
    {
        var node = new JsonObject();
        CopyString(transit, node, "name");
        CopyString(transit, node, "linePlaceId");
        CopyString(transit, node, "hexRgbColor");
        var stops = new JsonArray();
        foreach (var stop in transit.GetArrayItems("transitStops"))
        {
            var stopNode = new JsonObject();
            if (ReadE7(stop, "latitudeE7", "longitudeE7") is { } place)
            {
                stopNode["latitude"] = place.Latitude;
                stopNode["longitude"] = place.Longitude;
            }

            CopyString(stop, stopNode, "name");
            CopyString(stop, stopNode, "placeId");
            CopyString(stop, stopNode, "address");
            stops.Add(stopNode);
        }

        node["stops"] = stops;
        return node;
    }

    private static JsonObject ReadParkingEvent(JsonElement parking)
    {
        var node = new JsonObject();
        if (parking.GetObjectOrNull("location") is { } location)
        {
            if (ReadE7(location, "latitudeE7", "longitudeE7") is { } place)
            {
                node["latitude"] = place.Latitude;
                node["longitude"] = place.Longitude;
            }

            CopyNumber(location, node, "accuracyMetres", "accuracyMeters");
        }

        if (ReadTimestamp(parking, "timestamp") is { } time)
        {
            node["time"] = GoogleTime.Format(time.Time);
        }

        CopyString(parking, node, "method");
        CopyString(parking, node, "locationSource");
        return node;
    }
}
