using System.Text;

namespace Datapunk.Lake.Tests.Ingestion.Google.MyActivity;

/// <summary>Builds My Activity HTML pages in the layout Takeout writes, for tests.</summary>
internal static class MyActivityHtmlPage
{
    public const string Start = """
        <html><head><title>My Activity History</title><style type="text/css">
        .content-cell.mdl-cell { color: rgba(0, 0, 0, 0.54); }
        .header-cell.mdl-cell { border-bottom-style: solid; }
        </style></head><body><div class="mdl-grid">
        """;

    public const string End = "</div></body></html>\n";

    /// <summary>One entry in the current layout: header, body lines joined by &lt;br&gt;, and a caption.</summary>
    public static string Entry(string header, string body, string caption) => $"""
        <div class="outer-cell mdl-cell mdl-cell--12-col mdl-shadow--2dp"><div class="mdl-grid"><div class="header-cell mdl-cell mdl-cell--12-col"><p class="mdl-typography--title">{header}<br></p></div><div class="content-cell mdl-cell mdl-cell--6-col mdl-typography--body-1">{body}</div><div class="content-cell mdl-cell mdl-cell--6-col mdl-typography--body-1 mdl-typography--text-right"></div><div class="content-cell mdl-cell mdl-cell--12-col mdl-typography--caption">{caption}</div></div></div>

        """;

    public static string Page(params string[] entries)
    {
        var page = new StringBuilder(Start);
        foreach (var entry in entries)
        {
            page.Append(entry);
        }

        return page.Append(End).ToString();
    }
}
