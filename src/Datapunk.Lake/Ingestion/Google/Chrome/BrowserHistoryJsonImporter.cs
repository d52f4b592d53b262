using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Datapunk.Lake.Ingestion.Json;
using Datapunk.Lake.Records;

namespace Datapunk.Lake.Ingestion.Google.Chrome;

/// <summary>
/// Chrome's browsing history from Takeout, <c>Chrome/BrowserHistory.json</c> (<c>History.json</c> in older exports):
/// <c>{"Browser History": [{"page_transition", "title", "url", "client_id", "time_usec", "favicon_url"}]}</c>.
/// </summary>
/// <remarks>
/// <c>time_usec</c> is microseconds since the Unix epoch (UTC), with no time zone, so records have
/// <c>StartOffsetKnown = false</c>. Merge key: <c>time_usec</c> and the URL joined by '|'; one browser rarely opens
/// the same URL twice in one microsecond, and the key is exact across exports because both parts are copied verbatim.
/// </remarks>
public sealed class BrowserHistoryJsonImporter : IFormatImporter
{
    private const string HistoryProperty = "Browser History";

    public string Format => "google.chrome.browser-history";

    public int Version => 1;

    public string Description => "Chrome browsing history (BrowserHistory.json)";

    public string ExamplePath => "Takeout/Chrome/BrowserHistory.json";

    public bool CanRead(FileSniff sniff) => sniff.Json.IsObject && sniff.Json.Has(HistoryProperty);

    public IEnumerable<RecordDraft> Read(Stream content, ImportFileContext context)
    {
        var dataset = GoogleDatasets.Chrome(context.Account);
        using var reader = new JsonStreamReader(content);
        reader.Expect(JsonTokenType.StartObject, "the root object of BrowserHistory.json");

        while (reader.Read() == JsonTokenType.PropertyName)
        {
            if (reader.PropertyName != HistoryProperty)
            {
                reader.SkipValue();
                continue;
            }

            reader.Expect(JsonTokenType.StartArray, $"the '{HistoryProperty}' array");
            foreach (var item in reader.ReadArrayItems())
            {
                yield return ReadVisit(item, dataset, reader);
            }
        }

        if (reader.TokenType != JsonTokenType.EndObject)
        {
            throw new ImportFormatException("Expected the end of the root object.", reader.PositionAt(reader.TokenOffset));
        }

        reader.ExpectEnd();
    }

    private static RecordDraft ReadVisit(JsonItem item, string dataset, JsonStreamReader reader)
    {
        var visit = item.Element;
        var pointer = $"/Browser History/{item.Index}";
        var position = $"{pointer} ({reader.PositionAt(item.Offset)})";
        if (visit.ValueKind != JsonValueKind.Object)
        {
            throw new ImportFormatException($"Visit {item.Index} is not an object.", position);
        }

        var microseconds = visit.GetInt64OrNull("time_usec");
        if (microseconds is not { } usec || usec is < -62_135_596_800_000_000L or > 253_402_300_799_999_999L)
        {
            throw new ImportFormatException($"Visit {item.Index} has no valid 'time_usec' (microseconds since 1970-01-01 UTC).", position);
        }

        var url = visit.GetStringOrNull("url")
            ?? throw new ImportFormatException($"Visit {item.Index} has no 'url'.", position);

        var attributes = new JsonObject { ["url"] = url };
        foreach (var name in (ReadOnlySpan<string>)["page_transition", "client_id", "favicon_url"])
        {
            if (visit.GetStringOrNull(name) is { } value)
            {
                attributes[name] = value;
            }
        }

        var title = visit.GetStringOrNull("title");
        return new RecordDraft
        {
            Dataset = dataset,
            Kind = RecordKinds.WebVisit,
            MergeKey = string.Create(CultureInfo.InvariantCulture, $"{usec}|{url}"),
            Start = DateTimeOffset.UnixEpoch.AddTicks(usec * (TimeSpan.TicksPerMillisecond / 1000)),
            StartOffsetKnown = false,
            Title = string.IsNullOrWhiteSpace(title) ? url : title,
            Text = url,
            Attributes = attributes,
            Pointer = pointer,
            ByteOffset = item.Offset,
        };
    }
}
