using System.Text.Json;
using System.Text.Json.Nodes;
using Datapunk.Lake.Ingestion.Json;
using Datapunk.Lake.Records;

namespace Datapunk.Lake.Ingestion.Google.LocationHistory;

/// <summary>
/// <c>Timeline Edits.json</c>: the signals a phone uploaded for the Timeline and the place summaries built from them,
/// as <c>{"timelineEdits": [...]}</c>.
/// </summary>
/// <remarks>
/// Each item has a <c>deviceId</c> and one of: <c>rawSignal.signal.position</c> (<c>point {latE7, lngE7}</c>,
/// <c>accuracyMm</c>, <c>timestamp</c> in ISO 8601, optionally <c>altitudeMeters</c>, <c>source</c>,
/// <c>speedMetersPerSecond</c>), another raw signal (<c>wifiScan</c>, <c>activityRecord</c>) or
/// <c>placeAggregates</c>. Only positions become records, of kind location in the shared Location History dataset;
/// the other items are skipped, and stay in the stored original.
/// Merge key: the fix time in milliseconds, as in <see cref="RecordsJsonImporter"/>, so a fix that also appears in
/// Records.json is one record. Accuracy is converted from millimetres to metres.
/// </remarks>
public sealed class TimelineEditsImporter : IFormatImporter
{
    public string Format => "google.location-history.timeline-edits";

    public int Version => 1;

    public string Description => "Google Location History Timeline Edits.json (raw position signals)";

    public string ExamplePath => "Takeout/Location History/Timeline Edits.json";

    public bool CanRead(FileSniff sniff) => sniff.Json.IsObject && sniff.Json.Has("timelineEdits");

    public IEnumerable<RecordDraft> Read(Stream content, ImportFileContext context)
    {
        var dataset = GoogleDatasets.LocationHistory(context.Account);
        using var reader = new JsonStreamReader(content);
        reader.Expect(JsonTokenType.StartObject, "the root object of Timeline Edits.json");

        while (reader.Read() == JsonTokenType.PropertyName)
        {
            if (reader.PropertyName != "timelineEdits")
            {
                reader.SkipValue();
                continue;
            }

            reader.Expect(JsonTokenType.StartArray, "the 'timelineEdits' array");
            foreach (var item in reader.ReadArrayItems())
            {
                context.CancellationToken.ThrowIfCancellationRequested();
                if (ReadPosition(item, dataset, reader) is { } record)
                {
                    yield return record;
                }
            }
        }

        if (reader.TokenType != JsonTokenType.EndObject)
        {
            throw new ImportFormatException("Expected the end of the root object.", reader.PositionAt(reader.TokenOffset));
        }

        reader.ExpectEnd();
    }

    private static RecordDraft? ReadPosition(JsonItem item, string dataset, JsonStreamReader reader)
    {
        var pointer = $"/timelineEdits/{item.Index}";
        var position = item.Element.GetObjectOrNull("rawSignal")?.GetObjectOrNull("signal")?.GetObjectOrNull("position");
        if (position is not { } fix)
        {
            return null;
        }

        var where = $"{pointer}/rawSignal/signal/position ({reader.PositionAt(item.Offset)})";
        if (!GoogleTime.TryParseIso(fix.GetStringOrNull("timestamp"), out var time))
        {
            throw new ImportFormatException($"The position of edit {item.Index} has no valid 'timestamp' (ISO 8601).", where);
        }

        var point = fix.GetObjectOrNull("point");
        var latitude = point?.GetInt64OrNull("latE7");
        var longitude = point?.GetInt64OrNull("lngE7");
        if (latitude is null || longitude is null)
        {
            throw new ImportFormatException($"The position of edit {item.Index} has no 'point' with 'latE7' and 'lngE7'.", where);
        }

        var attributes = new JsonObject();
        if (item.Element.GetStringOrNull("deviceId") is { } device)
        {
            attributes["deviceId"] = device;
        }

        if (fix.GetStringOrNull("source") is { } source)
        {
            attributes["source"] = source;
        }

        if (fix.GetDoubleOrNull("altitudeMeters") is { } altitude)
        {
            attributes["altitude"] = altitude;
        }

        if (fix.GetDoubleOrNull("speedMetersPerSecond") is { } speed)
        {
            attributes["velocity"] = speed;
        }

        return new RecordDraft
        {
            Dataset = dataset,
            Kind = RecordKinds.Location,
            MergeKey = GoogleTime.Key(time),
            Start = time,
            Latitude = E7.Latitude(latitude.Value),
            Longitude = E7.Longitude(longitude.Value),
            AccuracyMeters = fix.GetDoubleOrNull("accuracyMm") is { } millimetres ? millimetres / 1000 : null,
            Attributes = attributes.Count > 0 ? attributes : null,
            Pointer = pointer,
            ByteOffset = item.Offset,
        };
    }
}
