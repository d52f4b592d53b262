using Datapunk.Lake.Ingestion.Html;
using Datapunk.Lake.Records;

namespace Datapunk.Lake.Ingestion.Google.MyActivity;

/// <summary>
/// My Activity in HTML, the format Takeout offers by default, for any product:
/// <c>My Activity/PRODUCT/MyActivity.html</c>, translated folder and file names, and YouTube's
/// <c>watch-history.html</c> and <c>search-history.html</c>.
/// </summary>
/// <remarks>
/// Each entry is a <c>div.outer-cell</c> holding a <c>div.header-cell</c> (product name), a body
/// <c>div.content-cell</c> (title line, subtitle lines, date) and a caption <c>div.content-cell</c>
/// ("Products:", "Locations:", "Details:"); <see cref="HtmlActivityEntryParser"/> reads them. The page is read
/// as a stream of tokens (<see cref="HtmlTokenizer"/>) and cut at each <c>outer-cell</c>, so memory contains one
/// entry at a time. The cells are not trusted to close their <c>div</c>s, because real pages close one too many.
/// Both layouts are read: the current one, whose dates end with a time-zone name, and the legacy one without.
/// Dates in English, German, French and Spanish are read by <see cref="HtmlActivityDate"/>.
/// A page that ends before <c>&lt;/body&gt;</c> or <c>&lt;/html&gt;</c> after an entry was started is reported as truncated.
/// Merge key: see <see cref="ActivityRecords"/>; the same activity exported as JSON gives the same record.
/// </remarks>
public sealed class MyActivityHtmlImporter : IFormatImporter
{
    public string Format => "google.my-activity.html";

    public int Version => 1;

    public string Description => "Google My Activity (HTML), every product, incl. YouTube watch and search history";

    public string ExamplePath => "Takeout/My Activity/Search/MyActivity.html";

    public bool CanRead(FileSniff sniff)
    {
        var head = sniff.Head.Span;
        if (head.IndexOf("<"u8) < 0 || head.IndexOf("outer-cell"u8) < 0 && head.IndexOf("content-cell"u8) < 0)
        {
            return false;
        }

        // The style sheet of every My Activity page names these classes, even when the page has no entry.
        return head.IndexOf("mdl-"u8) >= 0;
    }

    public IEnumerable<RecordDraft> Read(Stream content, ImportFileContext context)
    {
        using var tokenizer = new HtmlTokenizer(content);
        var header = new HtmlLineBuilder();
        var body = new HtmlLineBuilder();
        var caption = new HtmlLineBuilder();

        var index = -1;
        long entryOffset = 0;
        var cell = HtmlActivityCell.None;
        var cellDepth = 0;
        var documentEnded = false;

        while (tokenizer.Read())
        {
            if (tokenizer.Kind == HtmlTokenKind.StartTag && tokenizer.Name == "div" && tokenizer.HasClass("outer-cell"))
            {
                if (index >= 0)
                {
                    yield return ToDraft(header, body, caption, index, entryOffset, context);
                }

                context.CancellationToken.ThrowIfCancellationRequested();
                index++;
                entryOffset = tokenizer.Offset;
                header.Clear();
                body.Clear();
                caption.Clear();
                cell = HtmlActivityCell.None;
                cellDepth = 0;
                continue;
            }

            if (tokenizer.Kind == HtmlTokenKind.EndTag && tokenizer.Name is "body" or "html")
            {
                documentEnded = true;
                cell = HtmlActivityCell.None;
                continue;
            }

            if (index < 0 || documentEnded)
            {
                continue;
            }

            if (tokenizer.Kind == HtmlTokenKind.StartTag && tokenizer.Name == "div")
            {
                if (cell == HtmlActivityCell.None)
                {
                    cell = CellOf(tokenizer);
                    cellDepth = cell == HtmlActivityCell.None ? 0 : 1;
                }
                else
                {
                    cellDepth++;
                }

                continue;
            }

            if (tokenizer.Kind == HtmlTokenKind.EndTag && tokenizer.Name == "div")
            {
                if (cell != HtmlActivityCell.None && --cellDepth == 0)
                {
                    LinesOf(cell, header, body, caption)?.EndLine();
                    cell = HtmlActivityCell.None;
                }

                continue;
            }

            var lines = LinesOf(cell, header, body, caption);
            if (lines is not null)
            {
                AddToken(tokenizer, lines);
            }
        }

        if (index >= 0 && !documentEnded)
        {
            throw new ImportFormatException(
                $"The file ends inside entry {index}, before the end of the page; it is probably truncated. Export or download it again.",
                $"entry {index} (byte {entryOffset}), end of file at {HtmlTokenizer.PositionText(tokenizer.Position)}");
        }

        if (index >= 0)
        {
            yield return ToDraft(header, body, caption, index, entryOffset, context);
        }
    }

    private static RecordDraft ToDraft(HtmlLineBuilder header, HtmlLineBuilder body, HtmlLineBuilder caption, int index, long offset, ImportFileContext context)
    {
        header.EndLine();
        body.EndLine();
        caption.EndLine();
        var entry = HtmlActivityEntryParser.Parse(header.Lines, body.Lines, caption.Lines, index, offset);
        return ActivityRecords.ToDraft(entry, context.Account, $"entry {index}", offset);
    }

    private static HtmlActivityCell CellOf(HtmlTokenizer tokenizer)
    {
        if (tokenizer.HasClass("header-cell"))
        {
            return HtmlActivityCell.Header;
        }

        if (!tokenizer.HasClass("content-cell"))
        {
            return HtmlActivityCell.None;
        }

        if (tokenizer.HasClass("mdl-typography--caption"))
        {
            return HtmlActivityCell.Caption;
        }

        return tokenizer.HasClass("mdl-typography--text-right") ? HtmlActivityCell.Ignored : HtmlActivityCell.Body;
    }

    private static HtmlLineBuilder? LinesOf(HtmlActivityCell cell, HtmlLineBuilder header, HtmlLineBuilder body, HtmlLineBuilder caption) => cell switch
    {
        HtmlActivityCell.Header => header,
        HtmlActivityCell.Body => body,
        HtmlActivityCell.Caption => caption,
        _ => null,
    };

    private static void AddToken(HtmlTokenizer tokenizer, HtmlLineBuilder lines)
    {
        switch (tokenizer.Kind)
        {
            case HtmlTokenKind.Text:
                lines.AddText(tokenizer.Text);
                break;
            case HtmlTokenKind.StartTag when tokenizer.Name is "br" or "p":
                lines.EndLine();
                break;
            case HtmlTokenKind.StartTag when tokenizer.Name == "a":
                lines.StartLink(tokenizer.Attribute("href"));
                break;
            case HtmlTokenKind.EndTag when tokenizer.Name == "a":
                lines.EndLink();
                break;
            case HtmlTokenKind.StartTag when tokenizer.Name == "b":
                lines.StartBold();
                break;
            case HtmlTokenKind.EndTag when tokenizer.Name == "b":
                lines.EndBold();
                break;
            case HtmlTokenKind.EndTag when tokenizer.Name == "p":
                lines.EndLine();
                break;
        }
    }
}
