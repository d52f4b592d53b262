using System.Globalization;
using System.Text.Json.Nodes;
using Datapunk.Lake.Records;

namespace Datapunk.Lake.Ingestion.Google.YouTube;

/// <summary>
/// Comments the account wrote on YouTube, <c>YouTube and YouTube Music/comments/comments.csv</c> (Takeout since
/// 2023), with the columns "Comment ID", "Channel ID", "Comment Create Timestamp", "Price", "Parent Comment ID",
/// "Post ID", "Video ID" and "Comment Text" (see <see cref="YouTubeCommentText"/>).
/// </summary>
/// <remarks>
/// Columns are found by their English names, in any order. The timestamp is ISO 8601 with an offset.
/// Merge key: the comment id, which YouTube assigns once per comment.
/// TODO: recognise the header in other languages once a translated comments.csv has been seen.
/// </remarks>
public sealed class YouTubeCommentsCsvImporter : IFormatImporter
{
    private const int MaxTitleLength = 120;

    public string Format => "google.youtube.comments.csv";

    public int Version => 1;

    public string Description => "YouTube comments (comments.csv)";

    public string ExamplePath => "Takeout/YouTube and YouTube Music/comments/comments.csv";

    public bool CanRead(FileSniff sniff)
    {
        var names = CsvHead.HeaderNames(sniff);
        return names.Contains("Comment ID") && names.Contains("Comment Text") && names.Contains("Comment Create Timestamp");
    }

    public IEnumerable<RecordDraft> Read(Stream content, ImportFileContext context)
    {
        var dataset = GoogleDatasets.YouTube(context.Account);
        using var reader = CsvHead.Open(content);
        var header = reader.Header;
        int Column(string name) => header.TryIndexOf(name, out var index) ? index : -1;

        var commentId = Column("Comment ID");
        var channelId = Column("Channel ID");
        var created = Column("Comment Create Timestamp");
        var price = Column("Price");
        var parentId = Column("Parent Comment ID");
        var postId = Column("Post ID");
        var videoId = Column("Video ID");
        var text = Column("Comment Text");
        if (commentId < 0 || created < 0 || text < 0)
        {
            throw new ImportFormatException("The header must name the columns 'Comment ID', 'Comment Create Timestamp' and 'Comment Text'.", "line 1");
        }

        foreach (var row in reader)
        {
            var line = string.Create(CultureInfo.InvariantCulture, $"line {row.LineNumberFrom}");
            var id = CsvHead.Value(row, commentId);
            if (id is null && row.Span.Trim().IsEmpty)
            {
                continue;
            }

            if (id is null)
            {
                throw new ImportFormatException($"The comment on {line} has no 'Comment ID'.", line);
            }

            var timestamp = CsvHead.Value(row, created);
            if (!GoogleTime.TryParseIso(timestamp, out var time))
            {
                throw new ImportFormatException($"The comment on {line} has the timestamp '{timestamp}', which is not an ISO 8601 time.", line);
            }

            var (body, links) = YouTubeCommentText.Read(CsvHead.Value(row, text) ?? "");
            var attributes = new JsonObject { ["commentId"] = id };
            Add(attributes, "channelId", CsvHead.Value(row, channelId));
            Add(attributes, "videoId", CsvHead.Value(row, videoId));
            Add(attributes, "postId", CsvHead.Value(row, postId));
            Add(attributes, "parentCommentId", CsvHead.Value(row, parentId));
            Add(attributes, "price", CsvHead.Value(row, price));
            if (links.Count > 0)
            {
                attributes["links"] = new JsonArray([.. links.Select(l => JsonValue.Create(l))]);
            }

            yield return new RecordDraft
            {
                Dataset = dataset,
                Kind = RecordKinds.Comment,
                MergeKey = id,
                Start = time,
                Title = Shorten(body),
                Text = body,
                Attributes = attributes,
                Pointer = line,
            };
        }
    }

    private static void Add(JsonObject attributes, string name, string? value)
    {
        if (value is not null)
        {
            attributes[name] = value;
        }
    }

    private static string Shorten(string text)
    {
        var line = Google.MyActivity.ActivityTitles.Normalize(text);
        return line.Length <= MaxTitleLength ? line : string.Concat(line.AsSpan(0, MaxTitleLength - 1), "…");
    }
}
