using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Datapunk.Lake.Ingestion.Json;
using Datapunk.Lake.Records;

namespace Datapunk.Lake.Ingestion.Google.Fit;

/// <summary>Google Fit sessions: one JSON object per workout (<c>Takeout/Fit/All Sessions/2021-03-01T08_00_00+01_00_RUNNING.json</c>).</summary>
/// <remarks>
/// Fields: <c>fitnessActivity</c> (<c>running</c>, <c>walking</c>, …), <c>startTime</c> and <c>endTime</c> (ISO 8601),
/// <c>duration</c> (seconds with an <c>s</c> suffix, as protobuf's Duration in JSON: <c>"1800s"</c>, <c>"1799.5s"</c>),
/// <c>segment</c> (<c>[{fitnessActivity, startTime, endTime}]</c>) and <c>aggregate</c>
/// (<c>[{metricName, floatValue | intValue}]</c>, e.g. <c>com.google.step_count.delta</c>).
/// Merge key: the start in epoch milliseconds, '/', and the activity. One person does not start two workouts of
/// one kind in the same millisecond, and a re-exported session keeps both.
/// </remarks>
public sealed class FitSessionImporter : IFormatImporter
{
    public string Format => "google.fit.session";

    public int Version => 1;

    public string Description => "Google Fit sessions (workouts, one JSON file each)";

    public string ExamplePath => "Takeout/Fit/All Sessions/2021-03-01T08_00_00+01_00_RUNNING.json";

    public bool CanRead(FileSniff sniff) =>
        sniff.Json.IsObject && sniff.Json.Has("fitnessActivity") && sniff.Json.Has("startTime");

    public IEnumerable<RecordDraft> Read(Stream content, ImportFileContext context)
    {
        using var document = SmallJsonDocument.Parse(content, "a Google Fit session");
        var session = document.RootElement;
        if (session.ValueKind != JsonValueKind.Object)
        {
            throw new ImportFormatException("A Google Fit session must be a JSON object.", "/");
        }

        var activity = session.GetStringOrNull("fitnessActivity") ?? "unknown";
        if (!GoogleTime.TryParseIso(session.GetStringOrNull("startTime"), out var start))
        {
            throw new ImportFormatException("The session has no valid 'startTime' (ISO 8601).", "/startTime");
        }

        DateTimeOffset? end = null;
        if (session.GetStringOrNull("endTime") is { } endText)
        {
            end = GoogleTime.TryParseIso(endText, out var parsedEnd)
                ? parsedEnd
                : throw new ImportFormatException($"'endTime' is '{endText}', which is not an ISO 8601 time.", "/endTime");
        }

        var attributes = new JsonObject { ["fitnessActivity"] = activity };
        if (session.GetStringOrNull("duration") is { } durationText)
        {
            attributes["durationSeconds"] = ParseDuration(durationText);
        }

        var aggregate = new JsonObject();
        var index = 0;
        foreach (var metric in session.GetArrayItems("aggregate"))
        {
            var name = metric.GetStringOrNull("metricName")
                ?? throw new ImportFormatException($"Aggregate {index} has no 'metricName'.", $"/aggregate/{index}");
            JsonNode? value = metric.GetInt64OrNull("intValue") is { } integer
                ? JsonValue.Create(integer)
                : metric.GetDoubleOrNull("floatValue") is { } real ? JsonValue.Create(real) : null;
            aggregate[name] = value;
            index++;
        }

        if (aggregate.Count > 0)
        {
            attributes["aggregate"] = aggregate;
        }

        var segments = new JsonArray();
        foreach (var segment in session.GetArrayItems("segment"))
        {
            segments.Add(new JsonObject
            {
                ["fitnessActivity"] = segment.GetStringOrNull("fitnessActivity"),
                ["startTime"] = segment.GetStringOrNull("startTime"),
                ["endTime"] = segment.GetStringOrNull("endTime"),
            });
        }

        if (segments.Count > 0)
        {
            attributes["segments"] = segments;
        }

        yield return new RecordDraft
        {
            Dataset = GoogleDatasets.Fit(context.Account),
            Kind = RecordKinds.Workout,
            MergeKey = $"{GoogleTime.Key(start)}/{activity}",
            Start = start,
            End = end,
            Title = activity,
            Attributes = attributes,
            Pointer = "/",
            ByteOffset = 0,
        };
    }

    /// <summary>Parses protobuf's JSON form of a Duration: decimal seconds followed by 's'.</summary>
    private static double ParseDuration(string text)
    {
        if (text.EndsWith('s')
            && double.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var seconds))
        {
            return seconds;
        }

        throw new ImportFormatException($"'duration' is '{text}', expected seconds followed by 's', such as \"1800s\".", "/duration");
    }
}
