using System.Text.Json;
using Datapunk.Lake.Ingestion.Json;
using Datapunk.Lake.Records;

namespace Datapunk.Lake.Ingestion.Google.LocationHistory;

/// <summary>
/// The on-device Timeline export from an iPhone (2024 onward, <c>location-history.json</c>): a root array of
/// segments, each with <c>startTime</c>/<c>endTime</c> and one of <c>visit</c>, <c>activity</c>,
/// <c>timelinePath</c> or <c>timelineMemory</c>.
/// </summary>
/// <remarks>
/// <para>
/// Unlike the Android file, coordinates are geo URIs (<c>"geo:48.858370,2.294481"</c>), most numbers are strings
/// (<c>"distanceMeters": "1523.4"</c>, <c>"hierarchyLevel": "0"</c>), the place id is spelled <c>placeID</c>, and path
/// points carry whole minutes after the segment start (<c>durationMinutesOffsetFromStartTime</c>) instead of a time.
/// Records are made as for Android (see <see cref="TimelineSegments"/>): visit, activity-segment and one location per
/// path point. The <c>timelineMemory</c> trip summaries give none, though the original file is stored whole.
/// </para>
/// <para>
/// Merge keys are those of <see cref="OnDeviceTimelineImporter"/>. Path points are only as precise as the minute, so
/// they seldom meet a Records.json fix. Two points of one segment at the same minute are one record, the first one.
/// </para>
/// </remarks>
public sealed class OnDeviceTimelineIosImporter : IFormatImporter
{
    public string Format => "google.location-history.timeline-ios";

    public int Version => 1;

    public string Description => "Google Maps Timeline exported from an iPhone (location-history.json, 2024 onward)";

    public string ExamplePath => "location-history.json";

    public bool CanRead(FileSniff sniff) =>
        sniff.Json.IsArray && sniff.Json.Has("startTime") && sniff.Json.Has("endTime")
        && (sniff.Json.Has("visit") || sniff.Json.Has("activity") || sniff.Json.Has("timelinePath") || sniff.Json.Has("timelineMemory"));

    public IEnumerable<RecordDraft> Read(Stream content, ImportFileContext context)
    {
        var dataset = GoogleDatasets.LocationHistory(context.Account);
        using var reader = new JsonStreamReader(content);
        reader.Expect(JsonTokenType.StartArray, "the root array of location-history.json");

        foreach (var item in reader.ReadArrayItems())
        {
            var position = new ItemPosition(dataset, reader, item.Offset);
            foreach (var draft in TimelineSegments.Read(item.Element, $"/{item.Index}", position))
            {
                yield return draft;
            }
        }

        reader.ExpectEnd();
    }
}
