using System.Text.Json;
using Datapunk.Lake.Ingestion.Json;
using Datapunk.Lake.Records;

namespace Datapunk.Lake.Ingestion.Google.LocationHistory;

/// <summary>
/// Location History <c>Records.json</c> (<c>Location History.json</c> in exports before 2020): every raw
/// position fix the account recorded, as <c>{"locations": [...]}</c>.
/// </summary>
/// <remarks>
/// Each item has <c>latitudeE7</c>/<c>longitudeE7</c> and a time, either <c>timestampMs</c> (epoch milliseconds as a
/// string, older exports) or <c>timestamp</c> (ISO 8601, since about 2022). Optional: accuracy, altitude,
/// verticalAccuracy, velocity, heading, source, deviceTag, platformType, and <c>activity</c>: a list of
/// guesses at what the person was doing, each with its own time.
/// Merge key: the fix time in milliseconds. Two fixes of one account at the same millisecond are the same
/// fix, which lets the on-device Timeline export (whose coordinates have fewer digits) merge with this file.
/// Items are read into a <see cref="RecordsJsonItem"/> and their attributes written as JSON text, because a
/// <c>JsonDocument</c> and a <c>JsonObject</c> per item cost about a fifth of the import's CPU time.
/// </remarks>
public sealed class RecordsJsonImporter : IFormatImporter
{
    public string Format => "google.location-history.records";

    public int Version => 1;

    public string Description => "Google Location History raw fixes (Records.json, Location History.json)";

    public string ExamplePath => "Takeout/Location History/Records.json";

    public bool CanRead(FileSniff sniff) =>
        sniff.Json.IsObject && sniff.Json.Has("locations")
        && (sniff.Json.NestedNames.Contains("latitudeE7") || sniff.Json.NestedNames.Contains("timestampMs")
            || sniff.Json.NestedNames.Contains("timestamp") || sniff.Json.TopNames.Count == 1);

    public IEnumerable<RecordDraft> Read(Stream content, ImportFileContext context)
    {
        var dataset = GoogleDatasets.LocationHistory(context.Account);
        using var attributes = new RecordsJsonAttributeWriter();
        using var reader = new JsonStreamReader(content, context.MaxJsonValueBytes);
        reader.Expect(JsonTokenType.StartObject, "the root object of Records.json");

        while (reader.Read() == JsonTokenType.PropertyName)
        {
            if (reader.PropertyName != "locations")
            {
                reader.SkipValue();
                continue;
            }

            reader.Expect(JsonTokenType.StartArray, "the 'locations' array");
            var index = 0;
            while (reader.TryReadElement(RecordsJsonItem.Read, out var item, out var offset))
            {
                yield return ReadLocation(item, index++, offset, dataset, attributes, reader);
            }
        }

        if (reader.TokenType != JsonTokenType.EndObject)
        {
            throw new ImportFormatException("Expected the end of the root object.", reader.PositionAt(reader.TokenOffset));
        }

        reader.ExpectEnd();
    }

    private static RecordDraft ReadLocation(RecordsJsonItem location, int index, long offset, string dataset, RecordsJsonAttributeWriter attributes, JsonStreamReader reader)
    {
        var pointer = $"/locations/{index}";
        if (!location.IsObject)
        {
            throw new ImportFormatException($"Location {index} is not an object.", $"{pointer} ({reader.PositionAt(offset)})");
        }

        var (time, offsetKnown) = ReadTime(location.Timestamp, location.TimestampMs)
            ?? throw new ImportFormatException($"Location {index} has neither a valid 'timestamp' nor 'timestampMs'.", $"{pointer} ({reader.PositionAt(offset)})");

        return new RecordDraft
        {
            Dataset = dataset,
            Kind = RecordKinds.Location,
            MergeKey = GoogleTime.Key(time),
            Start = time,
            StartOffsetKnown = offsetKnown,
            Latitude = location.LatitudeE7 is { } lat ? E7.Latitude(lat) : null,
            Longitude = location.LongitudeE7 is { } lon ? E7.Longitude(lon) : null,
            AccuracyMeters = location.Accuracy,
            AttributesJson = attributes.Write(location),
            Pointer = pointer,
            ByteOffset = offset,
        };
    }

    /// <summary>Reads the fix time: ISO <c>timestamp</c> keeps its offset; epoch <c>timestampMs</c> has none.</summary>
    internal static (DateTimeOffset Time, bool OffsetKnown)? ReadTime(string? timestamp, string? timestampMs)
    {
        if (GoogleTime.TryParseIso(timestamp, out var iso))
        {
            return (iso, true);
        }

        if (GoogleTime.TryParseEpochMilliseconds(timestampMs, out var epoch))
        {
            return (epoch, false);
        }

        return null;
    }
}
