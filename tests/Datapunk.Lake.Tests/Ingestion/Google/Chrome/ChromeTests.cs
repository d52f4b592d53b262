using Datapunk.Lake.Records;
using Datapunk.Lake.Tests.Support;

namespace Datapunk.Lake.Tests.Ingestion.Google.Chrome;

public sealed class ChromeTests
{
    [Fact]
    public async Task CorpusBrowserHistory_ImportsEveryVisit()
    {
        await using var lake = await TempLake.CreateAsync();
        var summary = await lake.ImportAsync(Corpus.File("joeamroo+knowledgemaxxing/tests/fixtures/BrowserHistory.json"));

        var records = await lake.AllRecordsAsync();
        Assert.Equal(0, summary.Errors);
        Assert.Equal(3, records.Count);
        Assert.All(records, r => Assert.Equal(RecordKinds.WebVisit, r.Kind));
        Assert.All(records, r => Assert.Equal("google/chrome/owner", r.Dataset));
        Assert.All(records, r => Assert.False(r.StartOffsetKnown));

        var blog = records[0];
        Assert.Equal(new DateTimeOffset(2023, 11, 14, 22, 13, 20, TimeSpan.Zero), blog.Start);
        Assert.Equal("Why you should start a blog", blog.Title);
        Assert.Equal("https://guzey.com/why-blog/?utm_source=twitter", blog.Text);
        Assert.Equal("LINK", (string?)blog.Attributes!["page_transition"]);
        Assert.Equal("abc", (string?)blog.Attributes["client_id"]);
        Assert.Equal("/Browser History/0", blog.Provenance.Pointer);

        var gwern = records[1];
        Assert.Equal(new DateTimeOffset(2023, 11, 14, 22, 15, 0, TimeSpan.Zero), gwern.Start);
        Assert.False(gwern.Attributes!.ContainsKey("client_id"));
    }

    [Fact]
    public async Task VisitWithoutTime_FailsFile()
    {
        await using var lake = await TempLake.CreateAsync();

        var summary = await lake.ImportTextAsync("Takeout/Chrome/BrowserHistory.json", """{"Browser History": [{"url": "https://example.com/", "title": "x"}]}""");

        var file = Assert.Single(await lake.Lake.Records.GetImportFilesAsync(summary.Id, CancellationToken.None));
        Assert.Equal(1, summary.Errors);
        Assert.Contains("Visit 0 has no valid 'time_usec'", file.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BookmarksFile_ImportsBookmarksWithFolders()
    {
        await using var lake = await TempLake.CreateAsync();
        const string bookmarks = """
            <!DOCTYPE NETSCAPE-Bookmark-file-1>
            <!-- This is an automatically generated file.
                 It will be read and overwritten.
                 DO NOT EDIT! -->
            <META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=UTF-8">
            <TITLE>Bookmarks</TITLE>
            <H1>Bookmarks</H1>
            <DL><p>
                <DT><H3 ADD_DATE="1600000000" LAST_MODIFIED="1600000100" PERSONAL_TOOLBAR_FOLDER="true">Bookmarks bar</H3>
                <DL><p>
                    <DT><A HREF="https://example.com/" ADD_DATE="1600000002" ICON="data:image/png;base64,iVBORw0KGgo=">Example &amp; Co</A>
                    <DT><H3 ADD_DATE="1600000010" LAST_MODIFIED="1600000020">News</H3>
                    <DL><p>
                        <DT><A HREF="https://news.example.org/a?b=1&amp;c=2" ADD_DATE="1600000030" LAST_MODIFIED="1600000040">Nachrichten</A>
                    </DL><p>
                </DL><p>
                <DT><A HREF="https://top.example.net/" ADD_DATE="1600000050">Top level</A>
            </DL><p>
            """;

        var summary = await lake.ImportTextAsync("Takeout/Chrome/Bookmarks.html", bookmarks);

        var records = await lake.AllRecordsAsync();
        Assert.Equal(0, summary.Errors);
        Assert.Equal(3, records.Count);
        Assert.All(records, r => Assert.Equal(RecordKinds.Bookmark, r.Kind));
        Assert.All(records, r => Assert.Equal("google/chrome/owner", r.Dataset));

        Assert.Equal("Example & Co", records[0].Title);
        Assert.Equal(new DateTimeOffset(2020, 9, 13, 12, 26, 42, TimeSpan.Zero), records[0].Start);
        Assert.Equal("Bookmarks bar", (string?)records[0].Attributes!["folder"]);

        Assert.Equal("https://news.example.org/a?b=1&c=2", records[1].Text);
        Assert.Equal("Bookmarks bar/News", (string?)records[1].Attributes!["folder"]);
        Assert.Equal("2020-09-13T12:27:20.000+00:00", (string?)records[1].Attributes!["lastModified"]);

        Assert.Equal("Top level", records[2].Title);
        Assert.False(records[2].Attributes!.ContainsKey("folder"));
    }
}
