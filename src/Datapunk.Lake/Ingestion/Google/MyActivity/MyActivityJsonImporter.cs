using System.Text.Json;
using Datapunk.Lake.Ingestion.Json;
using Datapunk.Lake.Records;

namespace Datapunk.Lake.Ingestion.Google.MyActivity;

/// <summary>
/// My Activity in JSON, for any product: <c>My Activity/PRODUCT/MyActivity.json</c> (<c>My Activity.json</c> in older
/// exports, translated folder and file names in other languages), and YouTube's <c>watch-history.json</c> and
/// <c>search-history.json</c>, which have the same shape.
/// </summary>
/// <remarks>
/// The file is a root array of entries: <c>header</c> (product name), <c>title</c>, <c>titleUrl</c>, <c>time</c>
/// (ISO 8601 in UTC with milli- or microseconds), <c>products</c>, <c>subtitles</c> [{name, url}],
/// <c>details</c> [{name}], <c>locationInfos</c> [{name, url, source, sourceUrl}], <c>activityControls</c>,
/// and sometimes <c>description</c>. The kind comes from the title's verb (<see cref="ActivityTitles"/>), and
/// the dataset from the header. Merge key: see <see cref="ActivityRecords"/>; it matches the HTML export.
/// </remarks>
public sealed class MyActivityJsonImporter : IFormatImporter
{
    public string Format => "google.my-activity.json";

    public int Version => 1;

    public string Description => "Google My Activity (JSON), every product, incl. YouTube watch and search history";

    public string ExamplePath => "Takeout/My Activity/Search/MyActivity.json";

    public bool CanRead(FileSniff sniff)
    {
        if (!sniff.Json.IsArray)
        {
            return false;
        }

        if (sniff.Json.Has("time") && sniff.Json.Has("title") && (sniff.Json.Has("header") || sniff.Json.Has("products")))
        {
            return true;
        }

        // An empty array shows no shape, so only the file name can tell.
        return sniff.Json.TopNames.Count == 0 && sniff.HeadIsWholeFile && IsActivityFileName(sniff.FileName);
    }

    public IEnumerable<RecordDraft> Read(Stream content, ImportFileContext context)
    {
        using var reader = new JsonStreamReader(content);
        reader.Expect(JsonTokenType.StartArray, "the root array of My Activity entries");
        foreach (var item in reader.ReadArrayItems())
        {
            var pointer = $"/{item.Index}";
            var entry = ReadEntry(item, pointer, reader);
            yield return ActivityRecords.ToDraft(entry, context.Account, pointer, item.Offset);
        }

        reader.ExpectEnd();
    }

    private static ActivityEntry ReadEntry(JsonItem item, string pointer, JsonStreamReader reader)
    {
        var element = item.Element;
        var position = $"{pointer} ({reader.PositionAt(item.Offset)})";
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new ImportFormatException($"Entry {item.Index} is not an object.", position);
        }

        var timeText = element.GetStringOrNull("time");
        if (!GoogleTime.TryParseIso(timeText, out var time))
        {
            var found = timeText is null ? "no 'time'" : $"the time '{timeText}'";
            throw new ImportFormatException($"Entry {item.Index} has {found}; expected an ISO 8601 time such as 2021-01-05T18:03:04.123Z.", position);
        }

        return new ActivityEntry
        {
            Header = element.GetStringOrNull("header"),
            Title = element.GetStringOrNull("title") ?? "",
            TitleUrl = element.GetStringOrNull("titleUrl"),
            Time = time,
            Description = element.GetStringOrNull("description"),
            Products = Strings(element.GetArrayItems("products")),
            Subtitles = [.. element.GetArrayItems("subtitles").Select(s => new ActivityLink(s.GetStringOrNull("name") ?? "", s.GetStringOrNull("url")))],
            Details = [.. element.GetArrayItems("details").Select(d => d.GetStringOrNull("name")).OfType<string>()],
            Locations = [.. element.GetArrayItems("locationInfos").Select(l => new ActivityLocation(
                l.GetStringOrNull("name"), l.GetStringOrNull("url"), l.GetStringOrNull("source"), l.GetStringOrNull("sourceUrl")))],
            ActivityControls = Strings(element.GetArrayItems("activityControls")),
        };
    }

    private static List<string> Strings(IEnumerable<JsonElement> items) =>
        [.. items.Where(i => i.ValueKind == JsonValueKind.String).Select(i => i.GetString()!)];

    /// <summary>
    /// True for the names My Activity files get: "MyActivity.json", "My Activity.json", translated ones such as
    /// "MeineAktivitäten.json", "MonActivité.json" or "MiActividad.json", and YouTube's history files.
    /// </summary>
    private static bool IsActivityFileName(string fileName) =>
        fileName.EndsWith(".json", StringComparison.OrdinalIgnoreCase)
        && (fileName.Contains("activit", StringComparison.OrdinalIgnoreCase)
            || fileName.Contains("aktivit", StringComparison.OrdinalIgnoreCase)
            || fileName.Contains("actividad", StringComparison.OrdinalIgnoreCase)
            || fileName.StartsWith("watch-history", StringComparison.OrdinalIgnoreCase)
            || fileName.StartsWith("search-history", StringComparison.OrdinalIgnoreCase));
}
