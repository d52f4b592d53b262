using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
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
            foreach (var item in reader.ReadArrayItems())
            {
                yield return ReadLocation(item, dataset, reader);
            }
        }

        if (reader.TokenType != JsonTokenType.EndObject)
        {
            throw new ImportFormatException("Expected the end of the root object.", reader.PositionAt(reader.TokenOffset));
        }

        reader.ExpectEnd();
    }

    private static RecordDraft ReadLocation(JsonItem item, string dataset, JsonStreamReader reader)
    {
        var location = item.Element;
        var pointer = $"/locations/{item.Index}";
        if (location.ValueKind != JsonValueKind.Object)
        {
            throw new ImportFormatException($"Location {item.Index} is not an object.", $"{pointer} ({reader.PositionAt(item.Offset)})");
        }

        var (time, offsetKnown) = ReadTime(location)
            ?? throw new ImportFormatException($"Location {item.Index} has neither a valid 'timestamp' nor 'timestampMs'.", $"{pointer} ({reader.PositionAt(item.Offset)})");

        var latitude = location.GetInt64OrNull("latitudeE7");
        var longitude = location.GetInt64OrNull("longitudeE7");
        var attributes = new JsonObject();
        Copy(location, attributes, "source");
        Copy(location, attributes, "deviceTag");
        Copy(location, attributes, "platformType");
        Copy(location, attributes, "altitude");
        Copy(location, attributes, "verticalAccuracy");
        Copy(location, attributes, "velocity");
        Copy(location, attributes, "heading");

        var activities = ReadActivities(location);
        if (activities.Count > 0)
        {
            attributes["activity"] = activities;
        }

        return new RecordDraft
        {
            Dataset = dataset,
            Kind = RecordKinds.Location,
            MergeKey = GoogleTime.Key(time),
            Start = time,
            StartOffsetKnown = offsetKnown,
            Latitude = latitude is { } lat ? E7.Latitude(lat) : null,
            Longitude = longitude is { } lon ? E7.Longitude(lon) : null,
            AccuracyMeters = location.GetDoubleOrNull("accuracy"),
            Attributes = attributes.Count > 0 ? attributes : null,
            Pointer = pointer,
            ByteOffset = item.Offset,
        };
    }

    /// <summary>Reads the fix time: ISO <c>timestamp</c> keeps its offset; epoch <c>timestampMs</c> has none.</summary>
    private static (DateTimeOffset Time, bool OffsetKnown)? ReadTime(JsonElement element)
    {
        if (GoogleTime.TryParseIso(element.GetStringOrNull("timestamp"), out var iso))
        {
            return (iso, true);
        }

        if (GoogleTime.TryParseEpochMilliseconds(element.GetStringOrNull("timestampMs"), out var epoch))
        {
            return (epoch, false);
        }

        return null;
    }

    private static JsonArray ReadActivities(JsonElement location)
    {
        var result = new JsonArray();
        foreach (var entry in location.GetArrayItems("activity"))
        {
            var guesses = new JsonArray();
            foreach (var guess in entry.GetArrayItems("activity"))
            {
                guesses.Add(new JsonObject
                {
                    ["type"] = guess.GetStringOrNull("type"),
                    ["confidence"] = guess.GetInt64OrNull("confidence"),
                });
            }

            var time = ReadTime(entry);
            result.Add(new JsonObject
            {
                ["time"] = time is { } t ? GoogleTime.Format(t.Time) : null,
                ["guesses"] = guesses,
            });
        }

        return result;
    }

    private static void Copy(JsonElement source, JsonObject target, string name)
    {
        if (source.TryGetProperty(name, out var value) && value.ValueKind is JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False)
        {
            target[name] = value.ValueKind switch
            {
                JsonValueKind.Number when value.TryGetInt64(out var integer) => JsonValue.Create(integer),
                JsonValueKind.Number => JsonValue.Create(value.GetDouble()),
                JsonValueKind.String => JsonValue.Create(value.GetString()),
                _ => JsonValue.Create(value.GetBoolean()),
            };
        }
    }
}
