using System.Text.Json;
using System.Text.Json.Nodes;
using Datapunk.Lake.Ingestion.Json;
using Datapunk.Lake.Records;
using static Datapunk.Lake.Ingestion.Google.LocationHistory.LocationAttributes;

namespace Datapunk.Lake.Ingestion.Google.LocationHistory;

/// <summary>
/// Turns one semantic segment of the on-device Timeline export into records. The Android file
/// (<c>semanticSegments</c> items) and the iOS file (root array items) share this shape and differ in details that
/// are all accepted here. Coordinates come as <c>"lat°, lng°"</c>, as <c>{"latLng": "lat°, lng°"}</c> or as
/// <c>"geo:lat,lng"</c>, numbers as JSON numbers or strings, the place id as <c>placeId</c> or <c>placeID</c>, and
/// path points with an ISO <c>time</c> or with <c>durationMinutesOffsetFromStartTime</c>.
/// </summary>
internal static class TimelineSegments
{
    /// <summary>Origin attribute of a location record taken from a segment's <c>timelinePath</c>.</summary>
    public const string PathOrigin = "timelinePath";

    /// <summary>
    /// Reads a segment: a <c>visit</c> gives a visit record, an <c>activity</c> an activity-segment record and each
    /// <c>timelinePath</c> point a location record. A <c>timelineMemory</c> (a trip summary) gives none.
    /// </summary>
    public static IEnumerable<RecordDraft> Read(JsonElement segment, string pointer, ItemPosition item)
    {
        if (segment.ValueKind != JsonValueKind.Object)
        {
            throw item.Error("The segment is not an object.", pointer);
        }

        var start = ReadTime(segment, "startTime", pointer, item)
            ?? throw item.Error("The segment has no 'startTime'.", $"{pointer}/startTime");
        var end = ReadTime(segment, "endTime", pointer, item);

        if (segment.GetObjectOrNull("visit") is { } visit)
        {
            yield return ReadVisit(visit, start, end, $"{pointer}/visit", item);
        }

        if (segment.GetObjectOrNull("activity") is { } activity)
        {
            yield return ReadActivity(activity, start, end, $"{pointer}/activity", item);
        }

        var index = 0;
        foreach (var point in segment.GetArrayItems("timelinePath"))
        {
            yield return ReadPathPoint(point, start, $"{pointer}/timelinePath/{index++}", item);
        }
    }

    /// <summary>
    /// Reads a coordinate property given as a string or as an object with <c>latLng</c>. Returns null when it is
    /// missing. A string that does not parse throws an error that names its JSON pointer.
    /// </summary>
    public static (double Latitude, double Longitude)? ReadCoordinates(JsonElement owner, string name, string ownerPointer, ItemPosition item)
    {
        if (owner.ValueKind != JsonValueKind.Object || !owner.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        var pointer = $"{ownerPointer}/{name}";
        if (value.ValueKind == JsonValueKind.Object)
        {
            if (!value.TryGetProperty("latLng", out value) || value.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            pointer += "/latLng";
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            throw item.Error($"The coordinates are a JSON {value.ValueKind}, not a string such as \"48.8583701°, 2.2944813°\" or \"geo:48.858370,2.294481\".", pointer);
        }

        var text = value.GetString();
        if (!LatLngText.TryParse(text, out var latitude, out var longitude))
        {
            throw item.Error($"Invalid coordinates \"{text}\": expected latitude and longitude in degrees, such as \"48.8583701°, 2.2944813°\" or \"geo:48.858370,2.294481\".", pointer);
        }

        return (latitude, longitude);
    }

    /// <summary>Reads an ISO 8601 time with its offset. Returns null when missing, and throws for a value that does not parse.</summary>
    public static DateTimeOffset? ReadTime(JsonElement owner, string name, string ownerPointer, ItemPosition item)
    {
        if (owner.ValueKind != JsonValueKind.Object || !owner.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String || !GoogleTime.TryParseIso(value.GetString(), out var time))
        {
            throw item.Error($"Invalid time {value.GetRawText()}: expected ISO 8601 such as \"2024-06-15T09:00:00.000+02:00\".", $"{ownerPointer}/{name}");
        }

        return time;
    }

    private static RecordDraft ReadVisit(JsonElement visit, DateTimeOffset start, DateTimeOffset? end, string pointer, ItemPosition item)
    {
        var level = visit.GetInt64OrNull("hierarchyLevel") ?? 0;
        var attributes = new JsonObject { ["hierarchyLevel"] = level };
        CopyNumber(visit, attributes, "probability");
        CopyScalar(visit, attributes, "isTimelessVisit");

        (double Latitude, double Longitude)? place = null;
        if (visit.GetObjectOrNull("topCandidate") is { } candidate)
        {
            place = ReadCoordinates(candidate, "placeLocation", $"{pointer}/topCandidate", item);
            CopyString(candidate, attributes, "placeId");
            CopyString(candidate, attributes, "placeID", "placeId");
            CopyString(candidate, attributes, "semanticType");
            CopyNumber(candidate, attributes, "probability", "candidateProbability");
        }

        return new RecordDraft
        {
            Dataset = item.Dataset,
            Kind = RecordKinds.Visit,
            MergeKey = LocationMergeKeys.Span(start, end, level),
            Start = start,
            End = end,
            Latitude = place?.Latitude,
            Longitude = place?.Longitude,
            Attributes = attributes,
            Pointer = pointer,
            ByteOffset = item.ItemOffset,
        };
    }

    private static RecordDraft ReadActivity(JsonElement activity, DateTimeOffset start, DateTimeOffset? end, string pointer, ItemPosition item)
    {
        var startPlace = ReadCoordinates(activity, "start", pointer, item);
        var endPlace = ReadCoordinates(activity, "end", pointer, item);
        var candidate = activity.GetObjectOrNull("topCandidate");
        var attributes = new JsonObject();
        if (candidate is { } c)
        {
            CopyString(c, attributes, "type", "activityType");
            CopyNumber(c, attributes, "probability", "candidateProbability");
        }

        CopyNumber(activity, attributes, "probability");
        CopyNumber(activity, attributes, "distanceMeters");
        if (endPlace is { } e)
        {
            attributes["end"] = Point(e.Latitude, e.Longitude);
        }

        if (activity.GetObjectOrNull("parking") is { } parking)
        {
            var node = new JsonObject();
            if (ReadCoordinates(parking, "location", $"{pointer}/parking", item) is { } parkingPlace)
            {
                node["latitude"] = parkingPlace.Latitude;
                node["longitude"] = parkingPlace.Longitude;
            }

            if (ReadTime(parking, "startTime", $"{pointer}/parking", item) is { } parkingTime)
            {
                node["time"] = GoogleTime.Format(parkingTime);
            }

            attributes["parking"] = node;
        }

        return new RecordDraft
        {
            Dataset = item.Dataset,
            Kind = RecordKinds.ActivitySegment,
            MergeKey = LocationMergeKeys.Span(start, end),
            Start = start,
            End = end,
            Latitude = startPlace?.Latitude,
            Longitude = startPlace?.Longitude,
            Title = candidate?.GetStringOrNull("type"),
            Attributes = attributes,
            Pointer = pointer,
            ByteOffset = item.ItemOffset,
        };
    }

    /// <summary>
    /// Reads one path point. Android gives its own ISO <c>time</c>, while iOS gives whole minutes after the segment start
    /// (<c>durationMinutesOffsetFromStartTime</c>), so the point keeps the offset of the segment's start time.
    /// </summary>
    private static RecordDraft ReadPathPoint(JsonElement point, DateTimeOffset segmentStart, string pointer, ItemPosition item)
    {
        var place = ReadCoordinates(point, "point", pointer, item)
            ?? throw item.Error("The path point has no 'point' coordinates.", $"{pointer}/point");

        var time = ReadTime(point, "time", pointer, item);
        if (time is null && point.GetDoubleOrNull("durationMinutesOffsetFromStartTime") is { } minutes)
        {
            time = segmentStart.AddMinutes(minutes);
        }

        if (time is not { } at)
        {
            throw item.Error("The path point has neither 'time' nor a numeric 'durationMinutesOffsetFromStartTime'.", pointer);
        }

        return new RecordDraft
        {
            Dataset = item.Dataset,
            Kind = RecordKinds.Location,
            MergeKey = LocationMergeKeys.Fix(at),
            Start = at,
            Latitude = place.Latitude,
            Longitude = place.Longitude,
            Attributes = new JsonObject { ["origin"] = PathOrigin },
            Pointer = pointer,
            ByteOffset = item.ItemOffset,
        };
    }
}
