using System.Text.Json;
using System.Text.Json.Nodes;
using Datapunk.Lake.Ingestion.Json;
using Datapunk.Lake.Records;
using static Datapunk.Lake.Ingestion.Google.LocationHistory.LocationAttributes;

namespace Datapunk.Lake.Ingestion.Google.LocationHistory;

/// <summary>
/// The on-device Timeline export from Android (2024 onward, <c>Timeline.json</c>, translated as <c>Zeitachse.json</c>,
/// <c>Chronologie.json</c> and so on): a root object with <c>semanticSegments</c>, <c>rawSignals</c> and
/// <c>userLocationProfile</c>.
/// </summary>
/// <remarks>
/// <para>
/// Coordinates are strings in degrees such as <c>"48.8583701°, 2.2944813°"</c>, sometimes without the degree sign.
/// A string that does not parse fails the file with the JSON pointer of the value. Times are ISO 8601 with the
/// local offset, which records keep.
/// </para>
/// <para>
/// Records: each semantic segment's <c>visit</c> becomes a <c>visit</c>, its <c>activity</c> an
/// <c>activity-segment</c>, and each <c>timelinePath</c> point a <c>location</c> (see <see cref="TimelineSegments"/>).
/// Each <c>rawSignals</c> <c>position</c> becomes a <c>location</c> with its accuracy, altitude, speed and source.
/// Not turned into records, though the original file is stored whole: <c>timelineMemory</c> segments (trip
/// summaries), <c>rawSignals</c> <c>activityRecord</c> and <c>wifiScan</c> entries (activity guesses and Wi-Fi
/// access point scans without coordinates), and <c>userLocationProfile</c> (frequent places and the like, which
/// is a profile, not something that happened at a time).
/// </para>
/// <para>
/// Merge keys (see <see cref="LocationMergeKeys"/>): a <c>location</c> is keyed by its time in epoch milliseconds,
/// like a Records.json fix, so a raw position at the same instant as a Records.json fix is one record although
/// these coordinates have fewer digits than E7. Whichever file is imported first supplies the stored values.
/// A path point and a raw position at the same millisecond are also one record. Visits and activity segments
/// are keyed by start and end time in milliseconds (plus <c>/level N</c> for visits with <c>hierarchyLevel</c>
/// above 0), so they merge with the Semantic Location History and the iOS export when the times match. They do
/// not match when Google re-segmented the day between the exports, for example after an edit in Timeline.
/// </para>
/// </remarks>
public sealed class OnDeviceTimelineImporter : IFormatImporter
{
    /// <summary>Origin attribute of a location record taken from a <c>rawSignals</c> position.</summary>
    public const string RawSignalOrigin = "rawSignals";

    public string Format => "google.location-history.timeline";

    public int Version => 1;

    public string Description => "Google Maps Timeline exported from an Android phone (Timeline.json, 2024 onward)";

    public string ExamplePath => "Timeline.json";

    public bool CanRead(FileSniff sniff) =>
        sniff.Json.IsObject
        && (sniff.Json.Has("semanticSegments") || sniff.Json.Has("rawSignals") || sniff.Json.Has("userLocationProfile"));

    public IEnumerable<RecordDraft> Read(Stream content, ImportFileContext context)
    {
        var dataset = GoogleDatasets.LocationHistory(context.Account);
        using var reader = new JsonStreamReader(content);
        reader.Expect(JsonTokenType.StartObject, "the root object of Timeline.json");

        while (reader.Read() == JsonTokenType.PropertyName)
        {
            switch (reader.PropertyName)
            {
                case "semanticSegments":
                    reader.Expect(JsonTokenType.StartArray, "the 'semanticSegments' array");
                    foreach (var item in reader.ReadArrayItems())
                    {
                        var position = new ItemPosition(dataset, reader, item.Offset);
                        foreach (var draft in TimelineSegments.Read(item.Element, $"/semanticSegments/{item.Index}", position))
                        {
                            yield return draft;
                        }
                    }

                    break;

                case "rawSignals":
                    reader.Expect(JsonTokenType.StartArray, "the 'rawSignals' array");
                    foreach (var item in reader.ReadArrayItems())
                    {
                        if (ReadRawSignal(item, new ItemPosition(dataset, reader, item.Offset)) is { } draft)
                        {
                            yield return draft;
                        }
                    }

                    break;

                default:
                    reader.SkipValue();
                    break;
            }
        }

        if (reader.TokenType != JsonTokenType.EndObject)
        {
            throw new ImportFormatException("Expected the end of the root object.", reader.PositionAt(reader.TokenOffset));
        }

        reader.ExpectEnd();
    }

    /// <summary>Reads a raw signal. Returns null for the kinds that give no record (activity records, Wi-Fi scans).</summary>
    private static RecordDraft? ReadRawSignal(JsonItem item, ItemPosition position)
    {
        var pointer = $"/rawSignals/{item.Index}";
        if (item.Element.ValueKind != JsonValueKind.Object)
        {
            throw position.Error("The raw signal is not an object.", pointer);
        }

        if (item.Element.GetObjectOrNull("position") is not { } fix)
        {
            return null;
        }

        pointer += "/position";
        var time = TimelineSegments.ReadTime(fix, "timestamp", pointer, position)
            ?? throw position.Error("The position has no 'timestamp'.", $"{pointer}/timestamp");

        // Takeout spells it "LatLng"; accept the lower-case spelling of the segments as well.
        var place = TimelineSegments.ReadCoordinates(fix, "LatLng", pointer, position)
            ?? TimelineSegments.ReadCoordinates(fix, "latLng", pointer, position);

        var attributes = new JsonObject { ["origin"] = RawSignalOrigin };
        CopyString(fix, attributes, "source");
        CopyNumber(fix, attributes, "altitudeMeters");
        CopyNumber(fix, attributes, "speedMetersPerSecond");

        return new RecordDraft
        {
            Dataset = position.Dataset,
            Kind = RecordKinds.Location,
            MergeKey = LocationMergeKeys.Fix(time),
            Start = time,
            Latitude = place?.Latitude,
            Longitude = place?.Longitude,
            AccuracyMeters = fix.GetDoubleOrNull("accuracyMeters"),
            Attributes = attributes,
            Pointer = pointer,
            ByteOffset = item.Offset,
        };
    }
}
