using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Datapunk.Lake.Ingestion.Html;
using Datapunk.Lake.Records;

namespace Datapunk.Lake.Ingestion.Google.Chrome;

/// <summary>
/// Browser bookmarks in the Netscape bookmark file format (<c>&lt;!DOCTYPE NETSCAPE-Bookmark-file-1&gt;</c>), which
/// Chrome's Takeout (<c>Chrome/Bookmarks.html</c>) and every browser's "export bookmarks" write.
/// </summary>
/// <remarks>
/// Folders are <c>&lt;DT&gt;&lt;H3&gt;name&lt;/H3&gt;</c> followed by a <c>&lt;DL&gt;</c> list of their content; bookmarks are
/// <c>&lt;DT&gt;&lt;A HREF=… ADD_DATE=…&gt;title&lt;/A&gt;</c>, with ADD_DATE in seconds since the Unix epoch (UTC).
/// The format has no specification; this follows the files Chrome writes. The folder path ("Bookmarks bar/News")
/// goes into the attributes. Merge key: ADD_DATE and the URL joined by '|', so moving a bookmark to another
/// folder keeps its record.
/// NOTE: a bookmark without ADD_DATE (rare; some other browsers' exports) is dated 1970-01-01 UTC and marked
/// with the attribute <c>addDateMissing</c>, because every record needs a start time.
/// </remarks>
public sealed class BookmarksHtmlImporter : IFormatImporter
{
    public string Format => "netscape.bookmarks.html";

    public int Version => 1;

    public string Description => "Browser bookmarks (Netscape bookmark file, Chrome Bookmarks.html)";

    public string ExamplePath => "Takeout/Chrome/Bookmarks.html";

    public bool CanRead(FileSniff sniff)
    {
        var head = sniff.Head.Span.TrimStart(" \t\r\n"u8);
        var doctype = "<!DOCTYPE NETSCAPE-Bookmark-file-1>"u8;
        return head.Length >= doctype.Length && Ascii.EqualsIgnoreCase(head[..doctype.Length], doctype);
    }

    public IEnumerable<RecordDraft> Read(Stream content, ImportFileContext context)
    {
        var dataset = GoogleDatasets.Chrome(context.Account);
        using var tokenizer = new HtmlTokenizer(content);
        var folders = new List<string?>();
        var text = new StringBuilder();
        string? pendingFolder = null;
        BookmarkStart? bookmark = null;
        var inFolderName = false;
        var index = 0;

        while (tokenizer.Read())
        {
            switch (tokenizer.Kind)
            {
                case HtmlTokenKind.StartTag when tokenizer.Name == "h3":
                    inFolderName = true;
                    text.Clear();
                    break;
                case HtmlTokenKind.EndTag when tokenizer.Name == "h3":
                    inFolderName = false;
                    pendingFolder = Clean(text.ToString());
                    break;
                case HtmlTokenKind.StartTag when tokenizer.Name == "dl":
                    folders.Add(pendingFolder);
                    pendingFolder = null;
                    break;
                case HtmlTokenKind.EndTag when tokenizer.Name == "dl" && folders.Count > 0:
                    folders.RemoveAt(folders.Count - 1);
                    break;
                case HtmlTokenKind.StartTag when tokenizer.Name == "a":
                    bookmark = new BookmarkStart(tokenizer.Attribute("href"), tokenizer.Attribute("add_date"), tokenizer.Attribute("last_modified"), tokenizer.Offset);
                    text.Clear();
                    break;
                case HtmlTokenKind.EndTag when tokenizer.Name == "a" && bookmark is not null:
                    if (!string.IsNullOrWhiteSpace(bookmark.Url))
                    {
                        context.CancellationToken.ThrowIfCancellationRequested();
                        yield return ToDraft(bookmark, Clean(text.ToString()), FolderPath(folders), dataset, index++);
                    }

                    bookmark = null;
                    break;
                case HtmlTokenKind.Text when inFolderName || bookmark is not null:
                    text.Append(tokenizer.Text);
                    break;
            }
        }
    }

    private static RecordDraft ToDraft(BookmarkStart bookmark, string title, string folder, string dataset, int index)
    {
        var url = bookmark.Url!.Trim();
        var attributes = new JsonObject { ["url"] = url };
        if (folder.Length > 0)
        {
            attributes["folder"] = folder;
        }

        var added = ReadEpoch(bookmark.AddDate);
        if (added is null)
        {
            attributes["addDateMissing"] = true;
        }

        if (ReadEpoch(bookmark.LastModified) is { } modified)
        {
            attributes["lastModified"] = GoogleTime.Format(modified);
        }

        return new RecordDraft
        {
            Dataset = dataset,
            Kind = RecordKinds.Bookmark,
            MergeKey = $"{bookmark.AddDate?.Trim() ?? ""}|{url}",
            Start = added ?? DateTimeOffset.UnixEpoch,
            StartOffsetKnown = false,
            Title = title.Length > 0 ? title : url,
            Text = url,
            Attributes = attributes,
            Pointer = $"bookmark {index}",
            ByteOffset = bookmark.Offset,
        };
    }

    /// <summary>Reads ADD_DATE: seconds since the epoch, or micro- or milliseconds in exports that write those.</summary>
    private static DateTimeOffset? ReadEpoch(string? value)
    {
        if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            return null;
        }

        var milliseconds = number switch
        {
            > 100_000_000_000_000 => number / 1000,
            > 100_000_000_000 => number,
            _ => number * 1000,
        };
        return GoogleTime.TryFromEpochMilliseconds(milliseconds, out var time) ? time : null;
    }

    private static string FolderPath(List<string?> folders) =>
        string.Join('/', folders.Where(f => !string.IsNullOrEmpty(f)));

    private static string Clean(string text) => Google.MyActivity.ActivityTitles.Normalize(text);

    private sealed record BookmarkStart(string? Url, string? AddDate, string? LastModified, long Offset);
}
