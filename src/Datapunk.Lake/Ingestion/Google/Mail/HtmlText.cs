using System.Text;
using MimeKit.Text;

namespace Datapunk.Lake.Ingestion.Google.Mail;

/// <summary>
/// Turns HTML into plain text for search: the text of every element except scripts and styles, with a line break
/// at block elements. Crude on purpose: no layout, tables become lines.
/// </summary>
internal static class HtmlText
{
    private static readonly HashSet<HtmlTagId> LineBreakTags =
    [
        HtmlTagId.Br, HtmlTagId.P, HtmlTagId.Div, HtmlTagId.LI, HtmlTagId.TR, HtmlTagId.H1, HtmlTagId.H2, HtmlTagId.H3,
        HtmlTagId.H4, HtmlTagId.H5, HtmlTagId.H6, HtmlTagId.BlockQuote, HtmlTagId.Table, HtmlTagId.HR,
    ];

    public static string Convert(string html)
    {
        var builder = new StringBuilder(html.Length / 2);
        var tokenizer = new HtmlTokenizer(new StringReader(html));
        var skipping = 0;
        while (tokenizer.ReadNextToken(out var token))
        {
            switch (token)
            {
                case HtmlTagToken tag when tag.Id is HtmlTagId.Script or HtmlTagId.Style:
                    skipping += tag.IsEndTag ? -1 : tag.IsEmptyElement ? 0 : 1;
                    skipping = Math.Max(skipping, 0);
                    break;
                case HtmlTagToken tag when LineBreakTags.Contains(tag.Id) && (builder.Length == 0 || builder[^1] != '\n'):
                    builder.Append('\n');
                    break;
                case HtmlDataToken data when skipping == 0 && token is not HtmlScriptDataToken:
                    builder.Append(data.Data);
                    break;
            }
        }

        return Tidy(builder.ToString());
    }

    /// <summary>Collapses runs of spaces inside each line and drops blank lines.</summary>
    private static string Tidy(string text)
    {
        var lines = text.Split('\n')
            .Select(line => string.Join(' ', line.Split([' ', '\t', '\r', '\u00A0'], StringSplitOptions.RemoveEmptyEntries)))
            .Where(line => line.Length > 0);
        return string.Join('\n', lines);
    }
}
