using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Datapunk.Lake.Ingestion.Json;
using Datapunk.Lake.Records;

namespace Datapunk.Lake.Ingestion.Google.Fit;

/// <summary>
/// Google Fit data-source dumps: every data point of one data source
/// (<c>Takeout/Fit/All Data/raw_com.google.step_count.delta_com.google.android.gms_….json</c>).
/// </summary>
/// <remarks>
/// Shape: <c>{"Data Source": "derived:…", "Data Points": [{fitValue, originDataSourceId, dataTypeName, startTimeNanos,
/// endTimeNanos, modifiedTimeMillis, rawTimestampNanos}]}</c>, where each <c>fitValue</c> item is
/// <c>{"value": {"intVal" | "fpVal" | "stringVal" | "mapVal": …}}</c>. The array can hold millions of points, so it
/// is streamed one point at a time.
/// Times: nanoseconds since the epoch, as numbers or strings; every 64-bit value converts (see
/// <see cref="FitTime.FromNanoseconds"/>), and one that is not a 64-bit integer is an error naming its JSON pointer.
/// Merge key: <c>dataTypeName/originDataSourceId/startTimeNanos/endTimeNanos</c>. The same point appears in the raw
/// stream and in Google's merged streams with the same origin and times, and becomes one record.
/// </remarks>
public sealed class FitDataPointsImporter : IFormatImporter
{
    private const string PointsName = "Data Points";

    public string Format => "google.fit.data-points";

    public int Version => 1;

    public string Description => "Google Fit raw data points of one data source (All Data/*.json)";

    public string ExamplePath => "Takeout/Fit/All Data/raw_com.google.step_count.delta_com.google.android.gms_merge_step_deltas.json";

    public bool CanRead(FileSniff sniff) =>
        sniff.Json.IsObject && (sniff.Json.Has(PointsName) || (sniff.Json.Has("Data Source") && sniff.Json.TopNames.Count <= 2));

    public IEnumerable<RecordDraft> Read(Stream content, ImportFileContext context)
    {
        var dataset = GoogleDatasets.Fit(context.Account);
        string? dataSource = null;
        using var reader = new JsonStreamReader(content);
        reader.Expect(JsonTokenType.StartObject, "the root object of a Google Fit data-source file");

        while (reader.Read() == JsonTokenType.PropertyName)
        {
            if (reader.PropertyName == "Data Source")
            {
                dataSource = reader.Read() == JsonTokenType.String ? reader.StringValue : null;
                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                {
                    throw new ImportFormatException("'Data Source' must be a string.", reader.PositionAt(reader.TokenOffset));
                }

                continue;
            }

            if (reader.PropertyName != PointsName)
            {
                reader.SkipValue();
                continue;
            }

            reader.Expect(JsonTokenType.StartArray, "the 'Data Points' array");
            foreach (var item in reader.ReadArrayItems())
            {
                context.CancellationToken.ThrowIfCancellationRequested();
                yield return ReadPoint(item, dataset, dataSource, reader);
            }
        }

        if (reader.TokenType != JsonTokenType.EndObject)
        {
            throw new ImportFormatException("Expected the end of the root object.", reader.PositionAt(reader.TokenOffset));
        }

        reader.ExpectEnd();
    }

    private static RecordDraft ReadPoint(JsonItem item, string dataset, string? dataSource, JsonStreamReader reader)
    {
        var point = item.Element;
        var pointer = $"/{PointsName}/{item.Index}";
        if (point.ValueKind != JsonValueKind.Object)
        {
            throw new ImportFormatException($"Data point {item.Index} is not an object.", $"{pointer} ({reader.PositionAt(item.Offset)})");
        }

        var startNanos = ReadNanoseconds(point, "startTimeNanos", pointer, reader, item.Offset, required: true)!.Value;
        var endNanos = ReadNanoseconds(point, "endTimeNanos", pointer, reader, item.Offset, required: false);
        var dataType = point.GetStringOrNull("dataTypeName") ?? "unknown";
        var origin = point.GetStringOrNull("originDataSourceId") ?? "";

        var attributes = new JsonObject { ["dataTypeName"] = dataType };
        if (origin.Length > 0)
        {
            attributes["originDataSourceId"] = origin;
        }

        if (dataSource is not null)
        {
            attributes["dataSource"] = dataSource;
        }

        attributes["values"] = ReadValues(point);

        if (point.TryGetProperty("modifiedTimeMillis", out _))
        {
            var modified = point.GetInt64OrNull("modifiedTimeMillis");
            if (modified is null || !GoogleTime.TryFromEpochMilliseconds(modified.Value, out var modifiedTime))
            {
                throw new ImportFormatException(
                    $"'modifiedTimeMillis' of data point {item.Index} is not epoch milliseconds within the years 1 to 9999.",
                    $"{pointer}/modifiedTimeMillis ({reader.PositionAt(item.Offset)})");
            }

            attributes["modified"] = GoogleTime.Format(modifiedTime);
        }

        var end = endNanos is { } e ? FitTime.FromNanoseconds(e) : (DateTimeOffset?)null;
        return new RecordDraft
        {
            Dataset = dataset,
            Kind = RecordKinds.FitnessSample,
            MergeKey = $"{dataType}/{origin}/{FitTime.Key(startNanos)}/{(endNanos is { } k ? FitTime.Key(k) : "")}",
            Start = FitTime.FromNanoseconds(startNanos),
            StartOffsetKnown = false,
            End = end,
            Title = dataType,
            Attributes = attributes,
            Pointer = pointer,
            ByteOffset = item.Offset,
        };
    }

    private static long? ReadNanoseconds(JsonElement point, string name, string pointer, JsonStreamReader reader, long offset, bool required)
    {
        if (!point.TryGetProperty(name, out _))
        {
            return required
                ? throw new ImportFormatException($"The data point has no '{name}'.", $"{pointer} ({reader.PositionAt(offset)})")
                : null;
        }

        return point.GetInt64OrNull(name)
            ?? throw new ImportFormatException(
                $"'{name}' is not a 64-bit integer count of nanoseconds since the epoch.",
                $"{pointer}/{name} ({reader.PositionAt(offset)})");
    }

    /// <summary>Reads the <c>fitValue</c> list: numbers and strings as they are, a <c>mapVal</c> as its JSON.</summary>
    private static JsonArray ReadValues(JsonElement point)
    {
        var values = new JsonArray();
        foreach (var fitValue in point.GetArrayItems("fitValue"))
        {
            if (fitValue.GetObjectOrNull("value") is not { } value)
            {
                values.Add(null);
                continue;
            }

            if (value.GetInt64OrNull("intVal") is { } integer)
            {
                values.Add(integer);
            }
            else if (value.GetDoubleOrNull("fpVal") is { } real)
            {
                values.Add(real);
            }
            else if (value.GetStringOrNull("stringVal") is { } text)
            {
                values.Add(text);
            }
            else
            {
                values.Add(JsonNode.Parse(value.GetRawText()));
            }
        }

        return values;
    }
}
