using System.Globalization;
using System.Text.Json.Nodes;
using Datapunk.Lake.Records;

namespace Datapunk.Lake.Ingestion.Google.YouTube;

/// <summary>
/// YouTube subscriptions, <c>YouTube and YouTube Music/subscriptions/subscriptions.csv</c>: one row per channel with
/// the columns "Channel Id", "Channel Url", "Channel Title" (translated in other languages).
/// </summary>
/// <remarks>
/// The columns are read by position, and the file is recognised by a three-column header whose first name
/// contains "id" and second "url", as the English header has.
/// NOTE: translated headers are assumed to keep that shape; none has been checked against a real export. Merge key: the channel id.
/// NOTE: the file says nothing about when a subscription began, so every record is dated 1970-01-01 UTC with
/// the attribute <c>undated</c>; a time query will not find them by date.
/// </remarks>
public sealed class YouTubeSubscriptionsCsvImporter : IFormatImporter
{
    public string Format => "google.youtube.subscriptions.csv";

    public int Version => 1;

    public string Description => "YouTube subscriptions (subscriptions.csv)";

    public string ExamplePath => "Takeout/YouTube and YouTube Music/subscriptions/subscriptions.csv";

    public bool CanRead(FileSniff sniff)
    {
        var names = CsvHead.HeaderNames(sniff);
        return names.Count == 3
            && names[0].Contains("id", StringComparison.OrdinalIgnoreCase)
            && names[1].Contains("url", StringComparison.OrdinalIgnoreCase);
    }

    public IEnumerable<RecordDraft> Read(Stream content, ImportFileContext context)
    {
        var dataset = GoogleDatasets.YouTube(context.Account);
        using var reader = CsvHead.Open(content);
        foreach (var row in reader)
        {
            var channelId = CsvHead.Value(row, 0);
            var url = CsvHead.Value(row, 1);
            var title = CsvHead.Value(row, 2);
            if (channelId is null && url is null && title is null)
            {
                continue;
            }

            var line = string.Create(CultureInfo.InvariantCulture, $"line {row.LineNumberFrom}");
            if (channelId is null)
            {
                throw new ImportFormatException($"The subscription on {line} has no channel id in its first column.", line);
            }

            var attributes = new JsonObject { ["channelId"] = channelId, ["undated"] = true };
            if (url is not null)
            {
                attributes["url"] = url;
            }

            yield return new RecordDraft
            {
                Dataset = dataset,
                Kind = RecordKinds.Subscription,
                MergeKey = channelId,
                Start = DateTimeOffset.UnixEpoch,
                StartOffsetKnown = false,
                Title = title ?? channelId,
                Text = title,
                Attributes = attributes,
                Pointer = line,
            };
        }
    }
}
